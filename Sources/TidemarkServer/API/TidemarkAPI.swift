import Foundation
import TidemarkQuery
import TidemarkStorage

/// The Prometheus-compatible API over one database: every endpoint is a method taking
/// an `APIRequest` and answering an `APIResponse`, independent of the HTTP library
/// (`TidemarkHTTPServer` routes requests to these methods).
public final class TidemarkAPI: Sendable {
    public let db: DB
    public let options: ServerOptions
    public let metrics: ServerMetrics
    let metadata = MetadataStore()
    let gate: QueryGate
    /// Remote write's series by encoded label bytes (nil when turned off).
    let remoteWriteSeries: SeriesBytesCache?
    let startTime = Date()
    /// Parsed query texts of `/api/v1/query(_range)`.
    let expressions = ExpressionCache()

    public init(db: DB, options: ServerOptions = ServerOptions(), metrics: ServerMetrics = ServerMetrics()) {
        self.db = db
        self.options = options
        self.metrics = metrics
        self.gate = QueryGate(capacity: options.maxConcurrentQueries)
        remoteWriteSeries = options.remoteWriteCacheBytes > 0 ? SeriesBytesCache(db, capacityBytes: options.remoteWriteCacheBytes) : nil
    }

    /// Runs a handler body that may throw `APIError`, answering the error when it does.
    func respond(_ body: () throws(APIError) -> APIResponse) -> APIResponse {
        do { return try body() } catch { return .error(error) }
    }
}
