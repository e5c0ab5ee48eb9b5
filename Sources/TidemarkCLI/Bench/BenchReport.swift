import Foundation

/// What `tidemark bench` measured; printed as a table and written as JSON (`--json`).
struct BenchReport: Codable {
    struct Machine: Codable {
        var cores: Int
        var cpu: String
        var memoryBytes: UInt64
        /// `/proc/loadavg`'s 1, 5 and 15 minute averages when the report was made (the
        /// machine may be shared).
        var loadAverage: [Double]?
    }
    struct Ingest: Codable {
        var samples: Int
        var series: Int
        var seconds: Double
        var samplesPerSecond: Double
        /// CPU seconds (user + system) the ingest took.
        var cpuSeconds: Double
        var batchSize: Int
    }
    struct Storage: Codable {
        var blockBytes: Int
        var blocks: Int
        var bytesPerSample: Double
        var compactSeconds: Double
    }
    struct Query: Codable {
        var name: String
        var promql: String
        var kind: String
        var runs: Int
        /// Series in the result (the same every run).
        var resultSeries: Int
        var p50Ms: Double
        var p90Ms: Double
        var p99Ms: Double
        /// Median CPU time of the process per run (user + system), in ms: steadier than
        /// wall time on a shared machine.
        var cpuP50Ms: Double
    }
    var tidemarkVersion: String
    var workload: String
    var parameters: [String: String]
    var machine: Machine
    /// The embedded phase (nil when not run).
    var ingest: Ingest?
    var storage: Storage?
    /// Of the bench process, after the embedded phase and its queries.
    var peakRSSBytes: Int?
    var queries: [Query] = []
    /// With `--compare`: the same queries against Tidemark and its peers over HTTP.
    var comparison: Comparison?
    /// Tidemark's HTTP ingest phases (nil when not run).
    var remoteWrite: HTTPIngestReport?
    var `import`: HTTPIngestReport?
    /// The same phases on the peers of `--ingest-peers`.
    var peerIngest: [HTTPIngestReport] = []

    init(tidemarkVersion: String, workload: String, parameters: [String: String], machine: Machine) {
        self.tidemarkVersion = tidemarkVersion
        self.workload = workload
        self.parameters = parameters
        self.machine = machine
    }

    /// Every HTTP ingest phase that ran: per phase, Tidemark's then the peers'.
    var httpReports: [HTTPIngestReport] {
        ["remote-write", "import"].flatMap { phase in
            [phase == "import" ? `import` : remoteWrite].compactMap { $0 } + peerIngest.filter { $0.phase == phase }
        }
    }

    /// The report as the terminal table.
    var text: String {
        var out = "Workload \(workload): " + parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ") + "\n"
        out += "Machine: \(machine.cores) cores, \(machine.cpu), \(Terminal.bytes(Int(machine.memoryBytes))) memory"
        if let load = machine.loadAverage { out += ", load average " + load.map { Terminal.fmt($0) }.joined(separator: " ") }
        out += "\n"
        if let ingest, let storage {
            out += "\n" + TextTable.render(header: ["INGEST (embedded API)", "VALUE"], rows: [
                ["samples", "\(ingest.samples)"],
                ["series", "\(ingest.series)"],
                ["samples/s (wall)", Terminal.fmt(ingest.samplesPerSecond, decimals: 0)],
                ["samples per CPU-second", Terminal.fmt(Double(ingest.samples) / max(ingest.cpuSeconds, 1e-9), decimals: 0)],
                ["bytes/sample on disk", Terminal.fmt(storage.bytesPerSample, decimals: 3)],
                ["blocks", "\(storage.blocks) (\(Terminal.bytes(storage.blockBytes)), compaction \(Terminal.fmt(storage.compactSeconds)) s)"],
                ["peak RSS", Terminal.bytes(peakRSSBytes ?? 0)],
            ])
        }
        if !queries.isEmpty {
            out += "\n"
            out += TextTable.render(header: ["QUERY", "KIND", "SERIES", "RUNS", "P50 ms", "P90 ms", "P99 ms", "CPU P50 ms"], rows: queries.map {
                [$0.name, $0.kind, "\($0.resultSeries)", "\($0.runs)", Terminal.fmt($0.p50Ms, decimals: 3), Terminal.fmt($0.p90Ms, decimals: 3), Terminal.fmt($0.p99Ms, decimals: 3),
                 Terminal.fmt($0.cpuP50Ms, decimals: 3)]
            })
        }
        out += HTTPIngestReport.text(httpReports, embedded: ingest)
        return out
    }

    /// The p-th percentile (0…100) of sorted durations, nearest rank.
    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count - 1, max(0, rank - 1))]
    }
}
