import TidemarkStorage

/// Where and how the remote-write sender forwards samples.
public struct RemoteWriteSenderOptions: Sendable {
    /// The receiver's remote-write URL (`http://host:port/api/v1/write`; https works too).
    public var url: String
    /// Names the sender's position file (`<data>/remote-write/<name>.position`); by
    /// default the URL with every other character than letters and digits as `_`, so
    /// each receiver keeps its own place however the senders are listed.
    public var name: String
    /// Only series matching every matcher are sent (empty: all).
    public var matchers: [LabelMatcher] = []
    /// Most samples per request.
    public var batchSize = 5000
    /// Longest a partial batch waits before it is sent, in seconds.
    public var flushIntervalSeconds = 1.0
    /// Retry backoff on 5xx, 429 and connection errors: doubles from min up to max.
    public var minBackoffSeconds = 0.03
    public var maxBackoffSeconds = 5.0
    /// Per-request timeout, in seconds.
    public var requestTimeoutSeconds = 30.0
    /// How often the WAL is polled for new records when idle, in seconds.
    public var pollIntervalSeconds = 0.1

    public init(url: String, name: String? = nil) {
        self.url = url
        self.name = name ?? String(url.map { $0.isLetter || $0.isNumber ? $0 : "_" })
    }
}
