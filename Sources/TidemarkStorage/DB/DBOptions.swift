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
    /// Most samples in one chunk of a block (written from the head, merged or imported):
    /// adjacent head chunks are joined up to this. Fewer, longer chunks cost fewer bytes
    /// of chunk headers and index entries (720 is two hours at 10 s); shorter ones
    /// decode less for a query that needs a few samples of each series.
    public var blockSamplesPerChunk = 720
    /// Run a background thread that cuts blocks from the head when it is due.
    public var backgroundCompaction = true
    /// How often the background thread checks, in ms.
    public var compactionCheckInterval = 1000
    /// Retention per block resolution ("raw", and rollup resolutions such as "5m"); a
    /// resolution without an entry keeps its data forever. Default: raw data 15 days.
    public var retention: [String: Retention] = ["raw": .defaultRaw]
    /// Largest block a merge may produce, in ms; nil means a tenth of the raw retention
    /// time (at least `blockRange`; 31 days when raw data is kept forever).
    public var maxBlockDuration: Int64?
    /// The block sizes compaction merges up through (2h, 6h, 24h, … up to the maximum).
    public var compactionRanges: [Int64] {
        let limit = maxBlockDuration ?? max(blockRange, (retention["raw"]?.time).map { $0 / 10 } ?? 31 * 24 * 3600 * 1000)
        return CompactionPlanner(blockRange: blockRange, maxBlockDuration: limit).ranges
    }
    /// Called with warnings the database wants a person to see (WAL repair, skipped blocks).
    public var log: @Sendable (String) -> Void = { _ in }
    /// Bytes of decompressed, verified block pages kept in memory for queries (shared
    /// by all blocks; least recently used pages go first). 0 turns the cache off.
    public var pageCacheBytes = 128 << 20
    /// Rollup (downsampling) resolutions, built by `DB.writeRollups(now:)`.
    public var rollups = RollupOptions()

    public init() {}
}
