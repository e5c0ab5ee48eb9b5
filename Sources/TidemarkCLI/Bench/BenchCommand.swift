import ArgumentParser
import Foundation
import TidemarkQuery
import TidemarkStorage
import TidemarkWorkloads

#if canImport(Glibc)
import Glibc
#endif

/// `tidemark bench`: ingest a generated workload through the embedded API, run a query
/// set against it, and ingest it again over HTTP into `tidemark serve` children (remote
/// write, text import); report samples/s, bytes per sample, peak RSS, query latency
/// percentiles and the HTTP phases' rates, latencies and server CPU.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest and query speed on a generated workload (embedded API and HTTP).",
        discussion: """
            Workloads (deterministic from --seed):
              cpu-only          TSBS's cpu-only: hosts with the TSBS tag set, ten
                                CPU gauges each
              node              node-exporter-like mix: gauges, counters, classic
                                histograms
              high-cardinality  one metric with --series series (counters)

            Phases (--phases, comma-separated; default all four, in this order):
              embedded      ingest through the embedded API (WAL sync never) into
                            --data (a fresh temporary directory by default,
                            removed afterwards), then cut everything into blocks
              queries       each query of the workload's set, --repeat times, on
                            the embedded data (cpu-only: TSBS's query types in
                            PromQL); needs embedded
              remote-write  start 'tidemark serve' (this binary, 127.0.0.1, a
                            fresh temporary data directory, WAL sync never) and
                            send it the same samples as remote write 1.0
                            (protobuf + snappy, one TimeSeries per sample as
                            Prometheus sends them), --rw-batch samples per
                            request over --rw-connections keep-alive
                            connections; each series belongs to one connection
                            (like one of Prometheus's shards), which sends its
                            samples in time order
              import        the same with /api/v1/import/prometheus on a fresh
                            server: Prometheus text with millisecond timestamps,
                            chunks of about --import-chunk bytes over
                            --import-connections connections
            The HTTP phases encode every request before the clock starts (in
            waves of at most 256 MiB of bodies; the server idles while the next
            wave is encoded), so the rate is the server's. They report samples/s
            and MB/s of bodies over the sending time, request latency
            p50/p90/p99, failed requests, the server child's CPU seconds
            (/proc/PID/stat), samples per server CPU-second and peak RSS. Then
            they count what the server stores (per metric name,
            count_over_time over the whole workload): a failed request or a
            missing series or sample fails the run (exit status 1).

            --ingest-peers sends the same bodies to Prometheus's remote-write
            receiver (it has no text import) and to VictoriaMetrics (both
            endpoints; force_flush before counting), each a fresh child on
            127.0.0.1 stopped at the end, and shows Tidemark's rate over theirs.

            --compare writes the samples once as OpenMetrics (loaded with
            'promtool tsdb create-blocks-from openmetrics' and served by
            'prometheus') and Prometheus text (imported into
            'victoria-metrics'), serves Tidemark's blocks with 'tidemark serve',
            all on 127.0.0.1, runs the query set against the three over HTTP
            and reports p50 per system, ratios Tidemark/peer, bytes per sample
            and ingest time, and whether the answers agree (Prometheus must;
            MetricsQL differs by design in places). Needs the embedded and
            queries phases. It also reads back every sample of up to 20 series
            from each system and counts those stored bit for bit
            (VictoriaMetrics rounds values to about 12 significant digits;
            Prometheus stores them exactly, and so must Tidemark: the run exits
            1 otherwise).

            --plot DIR writes three self-contained SVG charts (no scripts or
            external fonts) titled with the workload, its size and the machine:
            latency.svg (p50 per query and system as bars, p90 and p99 as
            whisker ticks; a log axis when latencies span more than a factor of
            20), bytes-per-sample.svg and ingest.svg (samples/s: Tidemark's
            embedded append, with compaction, and the peers' loading).
            Both peer options need the Debian packages prometheus and
            victoria-metrics.

            Examples:
              tidemark bench
              tidemark bench --workload cpu-only --hosts 100 --hours 12 --json cpu.json
              tidemark bench --workload high-cardinality --series 1000000 --hours 0.5
              tidemark bench --workload node --hosts 50 --hours 24 --repeat 20
              tidemark bench --hosts 10 --hours 2 --compare prometheus,victoriametrics
              tidemark bench --hosts 100 --hours 4 --compare prometheus,victoriametrics \\
                  --plot docs/img/bench
              tidemark bench --hosts 100 --hours 4 --phases embedded,remote-write,import
              tidemark bench --phases remote-write --rw-batch 10000 --rw-connections 4
              tidemark bench --phases remote-write,import \\
                  --ingest-peers prometheus,victoriametrics
            """)

    @Option(help: "cpu-only, node or high-cardinality.")
    var workload: String = "cpu-only"

    @Option(name: .customLong("cpu-values"), help: "cpu-only values: tsbs (the random walk truncated to integers, as TSBS writes it) or float (the walk at full float precision).")
    var cpuValues: String = CPUOnlyWorkload.Values.tsbsIntegers.rawValue

    @Option(help: "Hosts (cpu-only: 10 series each; node: 41 series each).")
    var hosts: Int = 100

    @Option(help: "Series of the high-cardinality workload.")
    var series: Int = 100_000

    @Option(help: "Hours of data at a 10 s interval.")
    var hours: Double = 4

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 1

    @Option(help: "Samples per commit while ingesting.")
    var batch: Int = 10_000

    @Option(help: "Times each query runs.")
    var `repeat`: Int = 10

    @Option(help: "Run only these queries of the set (comma-separated names, e.g. lastpoint,high-cpu-all).")
    var queries: String?

    @Option(help: "Data directory (default: a new temporary directory, removed at the end).")
    var data: String?

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(help: "Write SVG charts of the results into this directory: latency.svg, bytes-per-sample.svg, ingest.svg.")
    var plot: String?

    @Option(help: "Peers to compare with over HTTP on 127.0.0.1: prometheus, victoriametrics or both (comma-separated).")
    var compare: String?

    @Option(help: "Phases to run, comma-separated: \(BenchPhase.names).")
    var phases: String = BenchPhase.allCases.map(\.rawValue).joined(separator: ",")

    @Option(name: .customLong("rw-batch"), help: "Samples per remote-write request (Prometheus's max_samples_per_send).")
    var rwBatch: Int = 2000

    @Option(name: .customLong("rw-connections"), help: "Concurrent remote-write connections (Prometheus's shards).")
    var rwConnections: Int = 2

    @Option(name: .customLong("import-chunk"), help: "Bytes of text per import request, like 4MB (cut at line ends).")
    var importChunk: String = "4MB"

    @Option(name: .customLong("import-connections"), help: "Concurrent import connections.")
    var importConnections: Int = 2

    @Option(name: .customLong("ingest-peers"), help: "Also run the HTTP ingest phases against prometheus (remote write only), victoriametrics or both (comma-separated), on 127.0.0.1.")
    var ingestPeers: String?

    var ingestPeerSystems: [IngestSystem] {
        (ingestPeers ?? "").split(separator: ",").compactMap { IngestSystem(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    var selectedPhases: Set<BenchPhase> { (try? BenchPhase.parse(phases)) ?? [] }

    var importChunkBytes: Int { DataOptions.parseBytes(importChunk) ?? 0 }

    var comparePeers: [String] {
        (compare ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard ["cpu-only", "node", "high-cardinality"].contains(workload) else {
            throw ValidationError("--workload: expected cpu-only, node or high-cardinality; got '\(workload)'")
        }
        guard CPUOnlyWorkload.Values(rawValue: cpuValues) != nil else {
            throw ValidationError("--cpu-values: expected tsbs or float; got '\(cpuValues)'")
        }
        guard hosts > 0, series > 0, hours > 0, batch > 0, self.repeat > 0 else {
            throw ValidationError("--hosts, --series, --hours, --batch and --repeat must be positive")
        }
        let chosen = try BenchPhase.parse(phases)
        guard (1...100_000).contains(rwBatch), (1...64).contains(rwConnections), (1...64).contains(importConnections) else {
            throw ValidationError("--rw-batch must be 1…100000, --rw-connections and --import-connections 1…64")
        }
        guard let chunk = DataOptions.parseBytes(importChunk), chunk >= 1024, chunk <= HTTPIngestPhase.maxBodyBytes / 2 else {
            throw ValidationError("--import-chunk: expected a size from 1KB to \(HTTPIngestPhase.maxBodyBytes >> 21)MB, like 4MB; got '\(importChunk)'")
        }
        if let ingestPeers {
            let names = ingestPeers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard !names.isEmpty, names.allSatisfy(IngestSystem.peerNames.contains) else {
                throw ValidationError("--ingest-peers: expected prometheus, victoriametrics or both, comma-separated; got '\(ingestPeers)'")
            }
            guard chosen.contains(.remoteWrite) || chosen.contains(.textImport) else {
                throw ValidationError("--ingest-peers needs the remote-write or import phase")
            }
        }
        if plot != nil && !chosen.contains(.embedded) {
            throw ValidationError("--plot needs the embedded phase")
        }
        if compare != nil {
            guard chosen.contains(.embedded), chosen.contains(.queries) else {
                throw ValidationError("--compare needs the embedded and queries phases")
            }
            guard !comparePeers.isEmpty, comparePeers.allSatisfy({ CompareRun.known.contains($0) }) else {
                throw ValidationError("--compare: expected prometheus, victoriametrics or both, comma-separated; got '\(compare!)'")
            }
        }
    }

    func run() throws {
        let w = makeWorkload()
        // An unknown --queries name is a usage error before any work.
        _ = try BenchQuery.set(for: w, hosts: hosts).selected(queries)
        var parameters = ["hours": "\(hours)", "seed": "\(seed)", "phases": BenchPhase.allCases.filter(selectedPhases.contains).map(\.rawValue).joined(separator: ",")]
        if workload == "high-cardinality" { parameters["series"] = "\(series)" } else { parameters["hosts"] = "\(hosts)" }
        if workload == "cpu-only" { parameters["cpu-values"] = cpuValues }
        if selectedPhases.contains(.embedded) { parameters["batch"] = "\(batch)" }
        if selectedPhases.contains(.queries) { parameters["repeat"] = "\(self.repeat)" }
        if selectedPhases.contains(.remoteWrite) { parameters["rw-batch"] = "\(rwBatch)"; parameters["rw-connections"] = "\(rwConnections)" }
        if selectedPhases.contains(.textImport) { parameters["import-chunk"] = "\(importChunkBytes)"; parameters["import-connections"] = "\(importConnections)" }
        if !ingestPeerSystems.isEmpty { parameters["ingest-peers"] = ingestPeerSystems.map(\.rawValue).joined(separator: ",") }
        var report = BenchReport(tidemarkVersion: "main", workload: w.name, parameters: parameters, machine: Self.machine())

        // A missing peer program is an error before any work.
        for peer in ingestPeerSystems { _ = try peer.program() }
        if selectedPhases.contains(.embedded) { try runEmbedded(w, into: &report) }
        let systems = [IngestSystem.tidemark] + ingestPeerSystems
        if selectedPhases.contains(.remoteWrite) {
            let phase = HTTPIngestPhase.remoteWrite(connections: rwConnections, batch: rwBatch)
            for system in systems where system.accepts(.remoteWrite) {
                let r = try phase.run(w, on: system, encoders: RemoteWriteBodyEncoder.shards(w, count: rwConnections, batch: rwBatch))
                if system == .tidemark { report.remoteWrite = r } else { report.peerIngest.append(r) }
            }
        }
        if selectedPhases.contains(.textImport) {
            let phase = HTTPIngestPhase.textImport(connections: importConnections, chunkBytes: importChunkBytes)
            for system in systems where system.accepts(.textImport) {
                let r = try phase.run(w, on: system, encoders: ImportBodyEncoder.shards(w, count: importConnections, chunkBytes: importChunkBytes))
                if system == .tidemark { report.import = r } else { report.peerIngest.append(r) }
            }
        }
        Terminal.endProgress()

        print(report.text, terminator: "")
        if let comparison = report.comparison { print(comparison.text, terminator: "") }
        if let json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(report).write(to: URL(fileURLWithPath: json))
        }
        if let plot {
            print("\nCharts: " + (try BenchPlots.write(report, to: plot)).joined(separator: ", "))
        }
        if let bad = report.comparison?.prometheusMismatches, !bad.isEmpty {
            throw CLIError("Tidemark and Prometheus answer differently: \(bad.joined(separator: ", "))")
        }
        if let p = report.comparison?.systems.first?.precision, !p.isExact {
            throw CLIError("Tidemark did not read back every sample exactly: \(p.summary), max relative error \(p.errorText)")
        }
        let unverified = report.httpReports.filter { !$0.verified }.map { r in
            "\(r.phase) → \(r.system): the server stored \(r.storedSamples) of \(r.expectedSamples) samples and "
                + "\(r.storedSeries) of \(r.expectedSeries) series; \(r.failedRequests) of \(r.requests) requests failed"
                + (r.firstError.map { " (first: \($0))" } ?? "")
        }
        if !unverified.isEmpty { throw CLIError(unverified.joined(separator: "\n")) }
    }

    /// The chosen workload, its last sample 10 s before the most recent UTC midnight.
    /// Blocks and compaction ranges are aligned to UTC, so every run cuts and merges
    /// the same blocks (bytes per sample would otherwise depend on the time of day:
    /// a run ending at 20:07 leaves a 7-minute block with a whole index of its own).
    func makeWorkload() -> any BenchWorkload {
        let rounds = max(2, Int((hours * 360).rounded()))
        let day: Int64 = 86_400_000
        let end = Int64(Date().timeIntervalSince1970 * 1000) / day * day - 10_000
        let start = end - Int64(rounds - 1) * 10_000
        switch workload {
        case "node": return NodeWorkload(.init(hosts: hosts, scrapes: rounds, seed: seed, start: start))
        case "high-cardinality": return HighCardinalityWorkload(series: series, rounds: rounds, seed: seed, start: start)
        default:
            return CPUOnlyWorkload(hosts: hosts, rounds: rounds, seed: seed, start: start,
                                   values: CPUOnlyWorkload.Values(rawValue: cpuValues) ?? .tsbsIntegers)
        }
    }

    static func cpuSeconds() -> Double {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6
    }

    /// Peak resident set size of this process (Linux reports it in KiB).
    static func peakRSS() -> Int {
        var u = rusage()
        getrusage(RUSAGE_SELF.rawValue, &u)
        return Int(u.ru_maxrss) * 1024
    }

    static func machine() -> BenchReport.Machine {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { String($0.split(separator: ":", maxSplits: 1).last ?? "").trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let load = ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "").split(separator: " ").prefix(3).compactMap { Double($0) }
        return .init(cores: ProcessInfo.processInfo.activeProcessorCount, cpu: model, memoryBytes: ProcessInfo.processInfo.physicalMemory,
                     loadAverage: load.count == 3 ? load : nil)
    }

    static func temporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/tidemark-bench-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw CLIError("cannot create a temporary directory")
        }
        return String(cString: made)
    }
}
