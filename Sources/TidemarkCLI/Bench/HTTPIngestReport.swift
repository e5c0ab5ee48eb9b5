/// What one HTTP ingest phase of `tidemark bench` measured on one system (Tidemark's
/// are the `remoteWrite` and `import` keys of the JSON report, the peers' are in
/// `peerIngest`).
struct HTTPIngestReport: Codable {
    /// `tidemark`, `prometheus` or `victoriametrics`.
    var system: String
    /// `remote-write` or `import`.
    var phase: String
    /// `/api/v1/write` or `/api/v1/import/prometheus`.
    var endpoint: String
    var connections: Int
    /// Remote write: samples per request; import: bytes per chunk (cut at line ends).
    var samplesPerRequest: Int?
    var chunkBytes: Int?
    /// How the bodies were made (before the clock started).
    var encoding: String
    var encodeSeconds: Double
    /// Waves of prepared bodies (more than one when the workload's bodies exceed the
    /// memory budget; the server idles while the next wave is encoded).
    var waves: Int
    /// Samples in accepted requests, and the requests.
    var samples: Int
    var requests: Int
    var failedRequests: Int
    var firstError: String?
    /// Request bodies sent, as on the wire (snappy-compressed for remote write).
    var bodyBytes: Int
    /// Wall time of the sending (encoding excluded), and what follows from it.
    var seconds: Double
    var samplesPerSecond: Double
    var megabytesPerSecond: Double
    /// CPU (user + system, from /proc/PID/stat) of the server child from the first
    /// request to the last answer.
    var serverCPUSeconds: Double
    var samplesPerServerCPUSecond: Double
    var serverPeakRSSBytes: Int
    /// Request latency, from sending the request to its last answer byte.
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var maxMs: Double
    /// What the server holds afterwards (status/tsdb numSeries; a count_over_time sum),
    /// against the workload.
    var expectedSeries: Int
    var expectedSamples: Int
    var storedSeries: Int
    var storedSamples: Int
    var verified: Bool

    /// One table, a column per phase and system; Tidemark's columns show the ratio to
    /// the embedded ingest rate, the peers' Tidemark's rate over theirs.
    static func text(_ reports: [HTTPIngestReport], embedded: BenchReport.Ingest?) -> String {
        guard !reports.isEmpty else { return "" }
        func row(_ name: String, _ value: (HTTPIngestReport) -> String) -> [String] { [name] + reports.map(value) }
        let ms = { (x: Double) in Terminal.fmt(x, decimals: 1) }
        let tidemarkRate = Dictionary(reports.filter { $0.system == "tidemark" }.map { ($0.phase, $0.samplesPerSecond) }) { a, _ in a }
        var rows = [
            row("endpoint") { $0.endpoint },
            row("samples stored / sent / expected") { "\($0.storedSamples) / \($0.samples) / \($0.expectedSamples)" },
            row("series stored / expected") { "\($0.storedSeries) / \($0.expectedSeries)" },
            row("verified") { $0.verified ? "yes" : "NO" },
            row("requests (failed)") { "\($0.requests) (\($0.failedRequests))" },
            row("per request (flag)") { r in r.samplesPerRequest.map { "\($0) samples" } ?? r.chunkBytes.map { "~\(Terminal.bytes($0))" } ?? "" },
            row("mean request") { "\($0.samples / max($0.requests, 1)) samples, \(Terminal.bytes($0.bodyBytes / max($0.requests, 1)))" },
            row("connections") { "\($0.connections)" },
            row("samples/s (wall)") { Terminal.fmt($0.samplesPerSecond, decimals: 0) },
        ]
        if let embedded {
            rows.append(row("vs embedded samples/s") { r in
                r.system == "tidemark" ? Terminal.fmt(r.samplesPerSecond / max(embedded.samplesPerSecond, 1e-9)) + "×" : ""
            })
        }
        if reports.contains(where: { $0.system != "tidemark" }) {
            rows.append(row("Tidemark ÷ this, samples/s") { r in
                guard r.system != "tidemark", let tm = tidemarkRate[r.phase] else { return "" }
                return Terminal.fmt(tm / max(r.samplesPerSecond, 1e-9)) + "×"
            })
        }
        rows += [
            row("MB/s of bodies") { Terminal.fmt($0.megabytesPerSecond, decimals: 1) },
            row("server CPU s") { Terminal.fmt($0.serverCPUSeconds) },
            row("samples per server CPU-second") { Terminal.fmt($0.samplesPerServerCPUSecond, decimals: 0) },
            row("server peak RSS") { Terminal.bytes($0.serverPeakRSSBytes) },
            row("latency p50 / p90 / p99 ms") { "\(ms($0.p50Ms)) / \(ms($0.p90Ms)) / \(ms($0.p99Ms))" },
            row("encoding s (before the clock)") { "\(Terminal.fmt($0.encodeSeconds)) in \($0.waves) wave(s)" },
        ]
        let header = ["INGEST over HTTP"] + reports.map { "\($0.phase.uppercased()) \($0.system)" }
        var out = "\n" + TextTable.render(header: header, rows: rows)
        for r in reports where r.system == "tidemark" { out += "  \(r.phase) bodies: \(r.encoding)\n" }
        return out
    }
}
