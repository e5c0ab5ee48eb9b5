import Foundation
import Testing
@testable import TidemarkCLI
import TidemarkWorkloads

@Suite("bench --compare precision check")
struct PrecisionCheckTests {
    @Test func readsVictoriaMetricsExportLinesExactly() throws {
        let lines = """
            {"metric":{"__name__":"m","a":"say \\"values\\":[9]"},"values":[12.345678901234,0.1,100],"timestamps":[1000,2000,3000]}
            {"metric":{"__name__":"m","a":"say \\"values\\":[9]"},"values":[NaN,-Inf, 1e-7],"timestamps":[4000,5000,6000]}

            """
        let got = try PrecisionCheck.victoriaMetricsExport(Data(lines.utf8))
        #expect(got.count == 6)
        #expect(got[1000]?.bitPattern == 12.345678901234.bitPattern)
        #expect(got[2000] == 0.1 && got[3000] == 100 && got[4000]?.isNaN == true && got[5000] == -.infinity && got[6000] == 1e-7)
        #expect(throws: CLIError.self) { try PrecisionCheck.victoriaMetricsExport(Data("{\"values\":[1,2],\"timestamps\":[1]}".utf8)) }
    }

    @Test func readsPrometheusTextExactly() throws {
        let got = try PrecisionCheck.prometheusText(Data("m{a=\"x\"} 12.345678901234567 1000\nm{a=\"x\"} 99.99999999999999 2000\n".utf8))
        #expect(got[1000]?.bitPattern == 12.345678901234567.bitPattern)
        #expect(got[2000]?.bitPattern == 99.99999999999999.bitPattern)
    }

    @Test func countsExactMissingAndTheLargestRelativeError() {
        var p = Comparison.Precision(series: 1, samples: 0, exact: 0, missing: 0, maxRelativeError: 0)
        let written: [(Int64, Double)] = [(1, 12.345678901234567), (2, 0.1), (3, 99.99999999999999), (4, 5), (5, .nan)]
        PrecisionCheck.compare(written, with: [1: 12.345678901234, 2: 0.1, 3: 100, 5: .nan], into: &p)
        #expect(p.samples == 5 && p.exact == 2 && p.missing == 1)
        #expect(abs(p.maxRelativeError - (12.345678901234567 - 12.345678901234) / 12.345678901234567) < 1e-20)
        #expect(!p.isExact)
        #expect(p.summary == "2 of 5 (40.0 %), 1 missing")
        #expect(PrecisionCheck.relativeError(1, .infinity) == 1)
        #expect(PrecisionCheck.relativeError(0, -0.0) == 0)
        #expect(Comparison.Precision(series: 1, samples: 3, exact: 3, missing: 0, maxRelativeError: 0).summary == "3 of 3 (100 %)")
        // Rounded down: only every sample makes 100 %.
        #expect(Comparison.Precision(series: 1, samples: 10_000, exact: 9_999, missing: 0, maxRelativeError: 0).summary == "9999 of 10000 (99.9 %)")
    }

    @Test func checksUpToTwentySeriesSpreadOverHostsAndMetrics() {
        let w = CPUOnlyWorkload(hosts: 10, rounds: 7, seed: 3, start: 0)
        let check = PrecisionCheck(w)
        #expect(check.series.count == 20)
        #expect(check.series.allSatisfy { $0.samples.count == 7 })
        let metrics = Set(check.series.map { String($0.selector.prefix { $0 != "{" }) })
        #expect(metrics.count == 10, "\(metrics)")
        #expect(Set(check.series.map(\.selector)).count == 20)
        // The samples are the generator's, series by series.
        let all = Array(w.makeSamples())
        let first = check.series[0]
        #expect(first.samples.map(\.1) == all.filter { $0.series == 0 }.map(\.value))
        #expect(PrecisionCheck(CPUOnlyWorkload(hosts: 1, rounds: 2, start: 0)).series.count == 10)
    }
}
