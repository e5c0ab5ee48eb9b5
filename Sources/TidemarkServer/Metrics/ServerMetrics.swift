import CoreMetrics
import Prometheus
import TidemarkStorage

/// Tidemark's own metrics, kept in a per-server swift-prometheus registry and written
/// through swift-metrics handles (no global `MetricsSystem.bootstrap`, so several
/// servers, as in tests, never share counters). `/metrics` renders the registry after
/// refreshing the gauges read from the database.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    let factory: PrometheusMetricsFactory

    /// Samples accepted by remote write and import.
    let samplesIngested: CoreMetrics.Counter
    /// Samples rejected (out of order, duplicate, out of bounds, invalid labels).
    let samplesRejected: CoreMetrics.Counter
    /// Remote-write requests by outcome.
    let remoteWriteRequests: CoreMetrics.Counter
    let remoteWriteFailures: CoreMetrics.Counter
    /// Remote write out: samples accepted by the receiver, dropped (4xx), retried requests.
    let remoteWriteSentSamples: CoreMetrics.Counter
    let remoteWriteDroppedSamples: CoreMetrics.Counter
    let remoteWriteRetries: CoreMetrics.Counter
    /// Queries by outcome, and their latency.
    let queries: CoreMetrics.Counter
    let queryFailures: CoreMetrics.Counter
    let queryLatency: CoreMetrics.Timer
    /// Gauges refreshed at scrape time.
    let headSeries: CoreMetrics.Gauge
    let headSamples: CoreMetrics.Gauge
    let walBytes: CoreMetrics.Gauge
    let blocks: CoreMetrics.Gauge
    let headCommits: CoreMetrics.Gauge
    /// Compaction since the database was opened (merges, blocks they replaced, retention
    /// drops, failed passes), read from the database's counters.
    let compactionMerges: CoreMetrics.Gauge
    let compactionBlocksReplaced: CoreMetrics.Gauge
    let retentionDrops: CoreMetrics.Gauge
    let compactionFailures: CoreMetrics.Gauge

    public init() {
        var f = PrometheusMetricsFactory(registry: registry)
        f.defaultDurationHistogramBuckets = [
            .milliseconds(1), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100),
            .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30), .seconds(60),
        ]
        factory = f
        samplesIngested = Counter(label: "tidemark_samples_ingested_total", factory: f)
        samplesRejected = Counter(label: "tidemark_samples_rejected_total", factory: f)
        remoteWriteRequests = Counter(label: "tidemark_remote_write_requests_total", factory: f)
        remoteWriteFailures = Counter(label: "tidemark_remote_write_failed_requests_total", factory: f)
        remoteWriteSentSamples = Counter(label: "tidemark_remote_write_sent_samples_total", factory: f)
        remoteWriteDroppedSamples = Counter(label: "tidemark_remote_write_dropped_samples_total", factory: f)
        remoteWriteRetries = Counter(label: "tidemark_remote_write_retries_total", factory: f)
        queries = Counter(label: "tidemark_queries_total", factory: f)
        queryFailures = Counter(label: "tidemark_queries_failed_total", factory: f)
        queryLatency = Timer(label: "tidemark_query_duration_seconds", factory: f)
        headSeries = Gauge(label: "tidemark_head_series", factory: f)
        headSamples = Gauge(label: "tidemark_head_samples", factory: f)
        walBytes = Gauge(label: "tidemark_wal_size_bytes", factory: f)
        blocks = Gauge(label: "tidemark_blocks_loaded", factory: f)
        headCommits = Gauge(label: "tidemark_head_commits", factory: f)
        compactionMerges = Gauge(label: "tidemark_compaction_merges", factory: f)
        compactionBlocksReplaced = Gauge(label: "tidemark_compaction_blocks_replaced", factory: f)
        retentionDrops = Gauge(label: "tidemark_retention_dropped_blocks", factory: f)
        compactionFailures = Gauge(label: "tidemark_compaction_failures", factory: f)
    }

    /// The exposition text, after reading the database's current figures.
    func render(_ db: DB) -> String {
        headSeries.record(db.headSeriesCount)
        headSamples.record(db.headSamples.samples)
        walBytes.record(db.walSize)
        blocks.record(db.blocks.count)
        headCommits.record(db.headStats.commits)
        let c = db.compactionStats
        compactionMerges.record(c.merges)
        compactionBlocksReplaced.record(c.blocksReplaced)
        retentionDrops.record(c.retentionDrops)
        compactionFailures.record(c.failures)
        return registry.emitToString()
    }
}
