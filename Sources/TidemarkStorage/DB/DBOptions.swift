/// Settings of a database; the defaults suit a Prometheus-like workload.
public struct DBOptions: Sendable {
    /// When WAL writes are synced (default: before every commit returns).
    public var walSyncPolicy: WALSyncPolicy = .everyCommit
    /// Size at which a WAL segment is closed and a new one started.
    public var walSegmentSize = 128 << 20
    /// Time range of a block cut from the head, in ms (default 2h). The head is cut when
    /// it spans one and a half of these.
    public var blockRange: Int64 = 2 * 3600 * 1000
    /// Samples per head chunk before a new chunk starts.
    public var samplesPerChunk = 240
    /// Run a background thread that cuts blocks from the head when it is due.
    public var backgroundCompaction = true
    /// How often the background thread checks, in ms.
    public var compactionCheckInterval = 1000
    /// Called with warnings the database wants a person to see (WAL repair, skipped blocks).
    public var log: @Sendable (String) -> Void = { _ in }
    /// Rollup (downsampling) resolutions, built by `DB.writeRollups(now:)`.
    public var rollups = RollupOptions()

    public init() {}
}
