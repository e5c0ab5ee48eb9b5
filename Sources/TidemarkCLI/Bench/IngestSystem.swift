import Foundation

/// A server the HTTP ingest phases feed: Tidemark (`tidemark serve`) or a peer named by
/// `--ingest-peers`. All take remote write 1.0 at `/api/v1/write`; Tidemark and
/// VictoriaMetrics also take text at `/api/v1/import/prometheus` (Prometheus has no
/// such endpoint).
enum IngestSystem: String, CaseIterable, Sendable {
    case tidemark
    case prometheus
    case victoriametrics

    static let peerNames = ["prometheus", "victoriametrics"]

    func accepts(_ phase: BenchPhase) -> Bool {
        switch phase {
        case .remoteWrite: return true
        case .textImport: return self != .prometheus
        case .embedded, .queries: return false
        }
    }

    /// The peer's program, resolved before any work (a missing one is a clear error).
    func program() throws -> String {
        switch self {
        case .tidemark: return try PeerProcess.ownExecutable()
        case .prometheus: return try PeerProcess.program("prometheus", package: "prometheus")
        case .victoriametrics: return try PeerProcess.program("victoria-metrics", package: "victoria-metrics")
        }
    }

    /// Starts it with a fresh data directory under `work`, ready. Tidemark gets WAL sync
    /// `never` (as the embedded ingest) and room for the count queries of `samples`.
    func start(work: String, samples: Int) throws -> PeerProcess {
        switch self {
        case .tidemark:
            return try PeerProcess.tidemarkServe(data: work + "/data", log: work + "/serve.log", extraArgs: [
                "--max-body-bytes", "\(HTTPIngestPhase.maxBodyBytes)", "--query-max-samples", "\(max(50_000_000, 2 * samples))",
            ])
        case .prometheus:
            return try PeerProcess.prometheus(try program(), dir: work + "/prometheus", log: work + "/prometheus.log",
                                              extraArgs: ["--web.enable-remote-write-receiver"])
        case .victoriametrics:
            return try PeerProcess.victoriaMetrics(try program(), dir: work + "/victoriametrics", log: work + "/victoriametrics.log")
        }
    }

    /// Makes what was ingested queryable (VictoriaMetrics buffers recent rows).
    func flush(_ server: PeerProcess) throws {
        if self == .victoriametrics { try server.forceFlush() }
    }
}
