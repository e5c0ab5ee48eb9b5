import TidemarkQuery

/// What `tidemark serve` is configured with: where to listen and the limits.
public struct ServerOptions: Sendable {
    /// Bind host; loopback unless the user asks otherwise.
    public var host = "127.0.0.1"
    /// Bind port (0 picks a free port; `TidemarkHTTPServer` reports the one it got).
    public var port = 9090
    /// Longest a query may run (Prometheus's `--query.timeout`, 2m); a request's
    /// `timeout` parameter can only shorten it.
    public var queryTimeoutSeconds: Double = 120
    /// Most samples a query may load (Prometheus's `--query.max-samples`).
    public var maxSamples = 50_000_000
    /// Queries evaluated at once (Prometheus's `--query.max-concurrency`); more wait
    /// for a slot until their timeout.
    public var maxConcurrentQueries = 20
    /// Largest request body accepted (compressed size for remote write), in bytes.
    public var maxBodyBytes = 32 << 20
    /// Largest decompressed remote-write message, in bytes.
    public var maxDecodedWriteBytes = 256 << 20
    /// Memory for the remote-write series cache (series found by their encoded label
    /// bytes), in bytes; 0 turns the cache off.
    public var remoteWriteCacheBytes = 128 << 20
    /// Most series a series/labels/values request returns without a `limit` (0: no cap).
    public var maxSeriesReturned = 0
    /// The command line as `/api/v1/status/flags` reports it.
    public var flags: [String: String] = [:]
    /// Which queries run on the thread that received them (a NIO event loop) instead of
    /// a worker thread.
    public var inlineQueries = InlineQueryLimits()

    /// The size of query that runs inline. A query is prepared inline when the storage
    /// bounds its selects by `maxSeries` (postings lengths; `Engine.prepare(selectUpTo:)`)
    /// and then runs inline when the selects found at most `maxChunks` chunks, it has at
    /// most `maxPoints` points to evaluate (series, at least 1, × steps, subquery steps
    /// included) and reads at most `maxRollupWindows` rollup windows. About a millisecond of work at
    /// most: an event loop serves other connections too. Anything bigger hops to a
    /// Dispatch thread (two thread wake-ups, tens of microseconds). `maxSeries` 0: never
    /// inline.
    public struct InlineQueryLimits: Sendable {
        public var maxSeries = 256
        public var maxChunks = 256
        public var maxPoints = 50_000
        public var maxRollupWindows = 50_000

        public init() {}

        /// Whether a prepared query is small enough to run inline.
        func admits(_ cost: PreparedQuery.Cost) -> Bool {
            guard let series = cost.series, let chunks = cost.chunks, let windows = cost.rollupWindows else { return false }
            let (steps, o1) = cost.steps.addingReportingOverflow(cost.subquerySteps)
            let (points, o2) = max(1, series).multipliedReportingOverflow(by: steps)
            return series <= maxSeries && chunks <= maxChunks && !o1 && !o2 && points <= maxPoints && windows <= maxRollupWindows
        }
    }

    public init() {}
}
