import Foundation

/// The charts `tidemark bench --plot DIR` writes from a finished report: query latency
/// (p50 bars, p90 and p99 on whiskers), bytes per sample and ingest rate, one bar per
/// system: Tidemark alone, or with the peers of `--compare`, whose latencies are then all
/// over HTTP.
enum BenchPlots {
    static let colors = ["tidemark": "#1f6fb5", "prometheus": "#e6522c", "victoriametrics": "#7b3fbf"]

    /// File name and chart, in the order written.
    /// Needs the report's embedded phase (its ingest and storage figures).
    static func charts(_ r: BenchReport) throws -> [(file: String, chart: SVGBarChart)] {
        guard let ingest = r.ingest, let storage = r.storage else {
            throw CLIError("--plot needs the embedded phase (its ingest and storage figures)")
        }
        return [("latency.svg", latency(r, ingest)), ("bytes-per-sample.svg", bytesPerSample(r, ingest, storage)),
                ("ingest.svg", self.ingest(r, ingest, storage))]
    }

    /// Writes the charts into `dir` (created if needed); their paths.
    static func write(_ r: BenchReport, to dir: String) throws -> [String] {
        let charts = try charts(r)
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            return try charts.map { file, chart in
                let path = dir.hasSuffix("/") ? dir + file : dir + "/" + file
                try chart.svg().write(toFile: path, atomically: true, encoding: .utf8)
                return path
            }
        } catch {
            throw CLIError("--plot \(dir): \(error.localizedDescription)")
        }
    }

    static func latency(_ r: BenchReport, _ ingest: BenchReport.Ingest) -> SVGBarChart {
        // Per query: system → (p50, p90, p99).
        let names: [String], rows: [(name: String, ms: [String: [Double]])]
        if let c = r.comparison {
            names = c.systems.map(\.name)
            rows = c.queries.map { q in
                (q.name, Dictionary(uniqueKeysWithValues: names.compactMap { n in q.p50Ms[n].map { (n, [$0, q.p90Ms[n] ?? $0, q.p99Ms[n] ?? $0]) } }))
            }
        } else {
            names = ["tidemark"]
            rows = r.queries.map { ($0.name, ["tidemark": [$0.p50Ms, $0.p90Ms, $0.p99Ms]]) }
        }
        let series = names.map { n in
            SVGBarChart.Series(name: label(n), color: colors[n] ?? "#777", bars: rows.map { row in
                row.ms[n].map { SVGBarChart.Bar(value: $0[0], marks: Array($0.dropFirst())) }
            })
        }
        let how = r.comparison == nil ? "embedded API, in process" : "over HTTP on 127.0.0.1, the same PromQL on each system"
        return SVGBarChart(
            title: "Query latency: \(dataset(r))", subtitle: subtitle(r, ingest, "\(r.parameters["repeat"] ?? "?") runs per query, \(how)"),
            categories: rows.map(\.name), series: series, axisTitle: "milliseconds (bar: p50)", whiskerLegend: "whisker ticks: p90, p99")
    }

    static func bytesPerSample(_ r: BenchReport, _ ingest: BenchReport.Ingest, _ storage: BenchReport.Storage) -> SVGBarChart {
        var chart: SVGBarChart
        if let c = r.comparison {
            chart = bars(c.systems.map { (label($0.name), $0.name, $0.bytesPerSample) })
            chart.notes = ["On disk: Tidemark's and Prometheus' blocks; VictoriaMetrics' data and indexdb after a graceful stop."]
            if let checked = c.systems.compactMap(\.precision).first {
                chart.notes.append("Read back bit for bit (all samples of \(checked.series) series): " + c.systems.compactMap { s in
                    s.precision.map { "\(label(s.name)) \($0.summary)" + ($0.isExact ? "" : ", max relative error \($0.errorText)") }
                }.joined(separator: "; ") + ".")
            }
            chart.notes += c.systems.filter { !($0.precision?.isExact ?? true) }.map { Comparison.roundedNote($0.name) + "." }
        } else {
            chart = bars([("Tidemark", "tidemark", storage.bytesPerSample)])
            chart.notes = ["On disk: Tidemark's blocks (\(storage.blocks), \(Terminal.bytes(storage.blockBytes)))."]
        }
        chart.title = "Bytes per sample on disk: \(dataset(r))"
        chart.subtitle = subtitle(r, ingest, r.comparison == nil ? "embedded ingest, then compaction into blocks" : "the same samples in each system")
        chart.axisTitle = "bytes per sample"
        chart.scale = .linear
        chart.valueText = { Terminal.fmt($0, decimals: 3) }
        return chart
    }

    static func ingest(_ r: BenchReport, _ ingest: BenchReport.Ingest, _ storage: BenchReport.Storage) -> SVGBarChart {
        let samples = Double(ingest.samples)
        var rows: [(String, String, Double)] = [
            ("Tidemark, embedded append", "tidemark", ingest.samplesPerSecond),
            ("Tidemark, append + compaction", "tidemark", samples / max(ingest.seconds + storage.compactSeconds, 1e-9)),
        ]
        let how = ["prometheus": "Prometheus, promtool create-blocks", "victoriametrics": "VictoriaMetrics, import API + flush"]
        for s in r.comparison?.systems ?? [] where s.name != "tidemark" {
            rows.append((how[s.name] ?? label(s.name), s.name, samples / max(s.ingestSeconds, 1e-9)))
        }
        var chart = bars(rows)
        chart.title = "Ingest rate: \(dataset(r))"
        chart.subtitle = subtitle(r, ingest, "wall clock from generated samples to queryable storage")
        chart.axisTitle = "samples per second"
        chart.scale = .linear
        let notes = ["prometheus": "Prometheus: promtool tsdb create-blocks-from openmetrics, from an OpenMetrics file.",
                     "victoriametrics": "VictoriaMetrics: POST of a Prometheus text file to /api/v1/import/prometheus, then /internal/force_flush."]
        chart.notes = ["Tidemark: embedded API, WAL sync never, \(ingest.batchSize) samples per commit; then compaction into blocks."]
            + (r.comparison?.peers ?? []).compactMap { notes[$0] }
        return chart
    }

    /// One bar per row, coloured by system (one series per system, in order of first use).
    static func bars(_ rows: [(category: String, system: String, value: Double)]) -> SVGBarChart {
        var systems: [String] = []
        for row in rows where !systems.contains(row.system) { systems.append(row.system) }
        let series = systems.map { n in
            SVGBarChart.Series(name: label(n), color: colors[n] ?? "#777", bars: rows.map { $0.system == n ? SVGBarChart.Bar(value: $0.value) : nil })
        }
        return SVGBarChart(title: "", categories: rows.map(\.category), series: series, axisTitle: "")
    }

    static func label(_ system: String) -> String { Comparison.labels[system] ?? system }

    /// `cpu-only, 100 hosts × 4 h`.
    static func dataset(_ r: BenchReport) -> String {
        let hours = r.parameters["hours"].map { $0.hasSuffix(".0") ? String($0.dropLast(2)) : $0 } ?? "?"
        let size = r.parameters["series"].map { "\($0) series" } ?? "\(r.parameters["hosts"] ?? "?") hosts"
        return "\(r.workload), \(size) × \(hours) h"
    }

    /// The data's size and what was measured; the machine.
    static func subtitle(_ r: BenchReport, _ ingest: BenchReport.Ingest, _ what: String) -> [String] {
        let m = r.machine
        var machine = "\(m.cores) cores, \(m.cpu), \(Terminal.bytes(Int(m.memoryBytes)))"
        if let load = m.loadAverage {
            machine += "; load average \(load.map { Terminal.fmt($0) }.joined(separator: ", ")) (1, 5, 15 min) at the end"
        }
        return ["\(NumberText.grouped(ingest.samples)) samples, \(NumberText.grouped(ingest.series)) series; \(what)", machine]
    }
}
