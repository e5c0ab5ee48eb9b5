import ArgumentParser
import Foundation
import TidemarkQuery
import TidemarkStorage
import TidemarkWorkloads

#if canImport(Glibc)
import Glibc
#endif

/// `tidemark bench`: ingest a generated workload through the embedded API, then run a
/// query set against it, and report samples/s, bytes per sample, peak RSS and query
/// latency percentiles.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure ingest and query speed on a generated workload (embedded API).",
        discussion: """
            Workloads (deterministic from --seed):
              cpu-only           TSBS's cpu-only: hosts with the TSBS tag set, ten CPU gauges each
              node               node-exporter-like mix: gauges, counters, classic histograms
              high-cardinality   one metric with --series series (counters)
            The data is written into --data (a fresh temporary directory by default, removed
            afterwards), all cut into blocks, then each query of the workload's set runs
            --repeat times. cpu-only runs TSBS's query types translated to PromQL.

            Examples:
              tidemark bench
              tidemark bench --workload cpu-only --hosts 100 --hours 12 --json cpu.json
              tidemark bench --workload high-cardinality --series 1000000 --hours 0.5
              tidemark bench --workload node --hosts 50 --hours 24 --repeat 20
              tidemark bench --hosts 10 --hours 2 --compare prometheus,victoriametrics --json cmp.json
              tidemark bench --hosts 100 --hours 4 --compare prometheus,victoriametrics --plot docs/img/bench

            --compare writes the samples once as OpenMetrics (loaded with 'promtool tsdb
            create-blocks-from openmetrics' and served by 'prometheus') and Prometheus
            text (imported into 'victoria-metrics'), serves Tidemark's blocks with
            'tidemark serve', all on 127.0.0.1, runs the query set against the three over
            HTTP and reports p50 per system, ratios Tidemark/peer, bytes per sample and
            ingest time, and whether the answers agree (Prometheus must; MetricsQL differs
            by design in places). It also reads back every sample of up to 20 series from
            each system and counts those stored bit for bit (VictoriaMetrics rounds values
            to about 12 significant digits; Prometheus stores them exactly, and so must
            Tidemark: the run exits 1 otherwise).
            Needs the Debian packages prometheus and victoria-metrics.

            --plot DIR writes three self-contained SVG charts (no scripts or external
            fonts) titled with the workload, its size and the machine: latency.svg (p50
            per query and system as bars, p90 and p99 as whisker ticks; a log axis when
            latencies span more than a factor of 20), bytes-per-sample.svg and ingest.svg
            (samples/s: Tidemark's embedded append, with compaction, and the peers'
            loading).
            """)

    @Option(help: "cpu-only, node or high-cardinality.")
    var workload: String = "cpu-only"

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

    @Option(help: "Data directory (default: a new temporary directory, removed at the end).")
    var data: String?

    @Option(help: "Also write the report as JSON to this file.")
    var json: String?

    @Option(help: "Write SVG charts of the results into this directory: latency.svg, bytes-per-sample.svg, ingest.svg.")
    var plot: String?

    @Option(help: "Peers to compare with over HTTP on 127.0.0.1: prometheus, victoriametrics or both (comma-separated).")
    var compare: String?

    var comparePeers: [String] {
        (compare ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    func validate() throws {
        guard ["cpu-only", "node", "high-cardinality"].contains(workload) else {
            throw ValidationError("--workload: expected cpu-only, node or high-cardinality; got '\(workload)'")
        }
        guard hosts > 0, series > 0, hours > 0, batch > 0, self.repeat > 0 else {
            throw ValidationError("--hosts, --series, --hours, --batch and --repeat must be positive")
        }
        if compare != nil {
            guard !comparePeers.isEmpty, comparePeers.allSatisfy({ CompareRun.known.contains($0) }) else {
                throw ValidationError("--compare: expected prometheus, victoriametrics or both, comma-separated; got '\(compare!)'")
            }
        }
    }

    func run() throws {
        let rounds = max(2, Int((hours * 360).rounded()))
        // Data ends at the last whole 10 s before now, so "now"-relative tools see it.
        let end = Int64(Date().timeIntervalSince1970 * 1000) / 10_000 * 10_000
        let start = end - Int64(rounds - 1) * 10_000
        let w: any BenchWorkload
        switch workload {
        case "node":
            w = NodeWorkload(.init(hosts: hosts, scrapes: rounds, seed: seed, start: start))
        case "high-cardinality":
            w = HighCardinalityWorkload(series: series, rounds: rounds, seed: seed, start: start)
        default:
            w = CPUOnlyWorkload(hosts: hosts, rounds: rounds, seed: seed, start: start)
        }
        let directory = try data ?? Self.temporaryDirectory()
        defer { if data == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var options = DBOptions()
        options.walSyncPolicy = .never
        options.backgroundCompaction = false
        options.retention = [:]
        options.log = { Terminal.warn($0) }
        let db = try DB.open(directory, options: options)
        defer { try? db.close() }

        let ingest = try Self.ingest(w, into: db, batch: batch)
        Terminal.progress("cutting blocks and compacting …")
        let compactStart = ContinuousClock.now
        try db.compactHead(force: true)
        try db.compactBlocks()
        let compactSeconds = (ContinuousClock.now - compactStart).inSeconds
        let blockBytes = db.blocks.reduce(0) { $0 + $1.sizeOnDisk }
        let storage = BenchReport.Storage(
            blockBytes: blockBytes, blocks: db.blocks.count,
            bytesPerSample: Double(blockBytes) / Double(max(1, ingest.samples)), compactSeconds: compactSeconds)

        let engine = Engine(storage: db, options: EngineOptions())
        var queries: [BenchReport.Query] = []
        let set = BenchQuery.set(for: w, hosts: hosts)
        for (i, q) in set.enumerated() {
            let expr: Expr
            do { expr = try PromQL.parse(q.promql) } catch {
                throw CLIError("bench query \(q.name) does not parse: \(error)")
            }
            var times: [Double] = []
            var seriesCount = 0
            for k in 0..<self.repeat {
                Terminal.progress("query \(i + 1)/\(set.count) \(q.name): run \(k + 1)/\(self.repeat)")
                let t0 = ContinuousClock.now
                let result = q.range == 0
                    ? try engine.instantQuery(expr, at: w.lastTime)
                    : try engine.rangeQuery(expr, start: w.lastTime - q.range, end: w.lastTime, step: q.step)
                times.append((ContinuousClock.now - t0).inSeconds * 1000)
                switch result.value {
                case .vector(let v): seriesCount = v.count
                case .matrix(let m): seriesCount = m.count
                case .scalar, .string: seriesCount = 1
                }
            }
            times.sort()
            queries.append(.init(
                name: q.name, promql: q.promql, kind: q.range == 0 ? "instant" : "range \(q.range / 60_000)m/\(q.step / 1000)s",
                runs: times.count, resultSeries: seriesCount,
                p50Ms: BenchReport.percentile(times, 50), p90Ms: BenchReport.percentile(times, 90), p99Ms: BenchReport.percentile(times, 99)))
        }
        var comparison: Comparison?
        if compare != nil {
            try db.close()
            comparison = try CompareRun(
                peers: comparePeers, workload: w, queries: set, repeatCount: self.repeat, tidemarkData: directory,
                tidemarkBlockBytes: blockBytes, tidemarkIngestSeconds: ingest.seconds + compactSeconds).run()
        }
        Terminal.endProgress()

        var parameters = ["hours": "\(hours)", "seed": "\(seed)", "batch": "\(batch)", "repeat": "\(self.repeat)"]
        if workload == "high-cardinality" { parameters["series"] = "\(series)" } else { parameters["hosts"] = "\(hosts)" }
        let report = BenchReport(
            tidemarkVersion: "main", workload: w.name, parameters: parameters, machine: Self.machine(),
            ingest: ingest, storage: storage, peakRSSBytes: Self.peakRSS(), queries: queries, comparison: comparison)
        print(report.text, terminator: "")
        if let comparison { print(comparison.text, terminator: "") }
        if let json {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            try enc.encode(report).write(to: URL(fileURLWithPath: json))
        }
        if let plot {
            print("\nCharts: " + (try BenchPlots.write(report, to: plot)).joined(separator: ", "))
        }
        if let bad = comparison?.prometheusMismatches, !bad.isEmpty {
            throw CLIError("Tidemark and Prometheus answer differently: \(bad.joined(separator: ", "))")
        }
        if let p = comparison?.systems.first?.precision, !p.isExact {
            throw CLIError("Tidemark did not read back every sample exactly: \(p.summary), max relative error \(p.errorText)")
        }
    }

    /// Appends every sample by series reference, `batch` per commit, with progress.
    static func ingest(_ w: any BenchWorkload, into db: DB, batch: Int) throws -> BenchReport.Ingest {
        let labels = w.labels
        var refs = [SeriesRef?](repeating: nil, count: labels.count)
        let samples = w.makeSamples()
        let total = w.sampleCount
        let cpu0 = cpuSeconds()
        let started = ContinuousClock.now
        var lastReport = started
        var done = 0
        while done < total {
            let app = db.appender()
            var n = 0
            while n < batch, let s = samples.next() {
                if let r = refs[s.series] {
                    try app.append(r, s.timestamp, s.value)
                } else {
                    refs[s.series] = try app.append(labels[s.series], s.timestamp, s.value)
                }
                n += 1
            }
            try app.commit()
            done += n
            if n == 0 { break }
            let now = ContinuousClock.now
            if now - lastReport > .milliseconds(500) {
                lastReport = now
                let rate = Double(done) / max((now - started).inSeconds, 1e-9)
                Terminal.progress("ingest: \(done)/\(total) samples (\(Terminal.fmt(100 * Double(done) / Double(total), decimals: 1)) %), \(Terminal.fmt(rate / 1e6)) M samples/s")
            }
        }
        let elapsed = (ContinuousClock.now - started).inSeconds
        return .init(samples: done, series: labels.count, seconds: elapsed, samplesPerSecond: Double(done) / max(elapsed, 1e-9),
                     cpuSeconds: cpuSeconds() - cpu0, batchSize: batch)
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
