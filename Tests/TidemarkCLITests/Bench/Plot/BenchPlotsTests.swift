import Foundation
import Testing
@testable import TidemarkCLI

@Suite("tidemark bench --plot")
struct BenchPlotsTests {
    @Test func benchWritesThreeWellFormedCharts() throws {
        let dir = NSTemporaryDirectory() + "tidemark-plot-\(UUID().uuidString)/charts"
        defer { try? FileManager.default.removeItem(atPath: (dir as NSString).deletingLastPathComponent) }
        let run = try tidemark(["bench", "--workload", "cpu-only", "--hosts", "2", "--hours", "0.2", "--repeat", "2", "--plot", dir])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Charts: "))
        for file in ["latency.svg", "bytes-per-sample.svg", "ingest.svg"] {
            let svg = try String(contentsOfFile: dir + "/" + file, encoding: .utf8)
            let doc = try SVGDocument.parse(svg)
            #expect(doc.texts.first?.contains("cpu-only, 2 hosts × 0.2 h") == true, "\(file): \(doc.texts.first ?? "")")
            #expect(doc.texts.contains { $0.hasPrefix("2 cores, ") || $0.contains(" cores, ") }, "\(file): no machine line")
            #expect(!doc.barWidths.isEmpty && doc.barWidths.allSatisfy { $0 >= 0 }, "\(file)")
        }
        let latency = try SVGDocument.parse(try String(contentsOfFile: dir + "/latency.svg", encoding: .utf8))
        for q in ["single-groupby-1-1-1", "double-groupby-all", "lastpoint", "groupby-orderby-limit"] {
            #expect(latency.texts.contains(q), "\(q)")
        }
        #expect(latency.barWidths.count == 8)
        #expect(latency.elements.filter { $0.attributes["class"] == "whisker" }.count == 8)
    }

    /// A report as `--compare` makes it, with VictoriaMetrics rounding.
    static func comparedReport() -> BenchReport {
        func q(_ name: String, _ tm: Double, _ prom: Double, _ vm: Double) -> Comparison.Query {
            let p50 = ["tidemark": tm, "prometheus": prom, "victoriametrics": vm]
            return .init(name: name, promql: "x", kind: "instant", runs: 3, p50Ms: p50, p90Ms: p50.mapValues { $0 * 1.2 },
                         p99Ms: p50.mapValues { $0 * 1.5 }, resultSeries: [:], ratioP50: [:], agreement: [:])
        }
        func exact(_ n: Int) -> Comparison.Precision { .init(series: 2, samples: n, exact: n, missing: 0, maxRelativeError: 0) }
        let comparison = Comparison(
            samples: 1000,
            systems: [
                .init(name: "tidemark", ingestSeconds: 0.5, diskBytes: 7000, bytesPerSample: 7, precision: exact(100)),
                .init(name: "prometheus", ingestSeconds: 5, diskBytes: 8000, bytesPerSample: 8, precision: exact(100)),
                .init(name: "victoriametrics", ingestSeconds: 2, diskBytes: 6000, bytesPerSample: 6,
                      precision: .init(series: 2, samples: 100, exact: 3, missing: 0, maxRelativeError: 2.5e-13)),
            ],
            queries: [q("a<b", 1, 2, 0.5), q("lastpoint", 60, 40, 25)], ratioIngestSeconds: [:], ratioBytesPerSample: [:], prometheusMismatches: [])
        var report = BenchReport(
            tidemarkVersion: "main", workload: "cpu-only", parameters: ["hosts": "100", "hours": "4.0", "repeat": "3"],
            machine: .init(cores: 2, cpu: "Test CPU", memoryBytes: 1 << 30, loadAverage: [1.5, 1.25, 1]))
        report.ingest = .init(samples: 1000, series: 10, seconds: 0.25, samplesPerSecond: 4000, cpuSeconds: 0.25, batchSize: 100)
        report.storage = .init(blockBytes: 7000, blocks: 1, bytesPerSample: 7, compactSeconds: 0.25)
        report.peakRSSBytes = 1
        report.comparison = comparison
        return report
    }

    @Test func comparedReportChartsEverySystem() throws {
        let charts = Dictionary(uniqueKeysWithValues: try BenchPlots.charts(Self.comparedReport()).map { ($0.file, $0.chart) })
        let latency = try #require(charts["latency.svg"])
        #expect(latency.title == "Query latency: cpu-only, 100 hosts × 4 h")
        #expect(latency.subtitle.last == "2 cores, Test CPU, 1.00 GiB; load average 1.50, 1.25, 1.00 (1, 5, 15 min) at the end")
        #expect(latency.series.map(\.name) == ["Tidemark", "Prometheus", "VictoriaMetrics"])
        #expect(latency.series[0].bars.map { $0?.value } == [1, 60])
        #expect(latency.series[2].bars[1]?.marks == [30, 37.5])
        #expect(latency.axis.isLog)

        let bytes = try #require(charts["bytes-per-sample.svg"])
        #expect(bytes.categories == ["Tidemark", "Prometheus", "VictoriaMetrics"])
        #expect(bytes.series.map { $0.bars.map { $0?.value } } == [[7, nil, nil], [nil, 8, nil], [nil, nil, 6]])
        #expect(bytes.notes.contains("VictoriaMetrics' bytes/sample are for values it rounded."), "\(bytes.notes)")
        #expect(bytes.notes.contains { $0.contains("Tidemark 100 of 100 (100 %)") && $0.contains("VictoriaMetrics 3 of 100 (3.0 %), max relative error 2.5e-13") },
                "\(bytes.notes)")

        // Ingest: Tidemark's append, append + compaction, then each peer's load, in samples/s.
        let ingest = try #require(charts["ingest.svg"])
        #expect(ingest.categories.count == 4)
        #expect(ingest.series.flatMap { $0.bars.compactMap { $0?.value } } == [4000, 2000, 200, 500])
        for chart in charts.values { _ = try SVGDocument.parse(chart.svg()) }
    }
}
