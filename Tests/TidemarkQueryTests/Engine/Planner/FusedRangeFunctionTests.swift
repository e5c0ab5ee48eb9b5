import Foundation
import Testing
import TidemarkStorage
import TidemarkWorkloads
@testable import TidemarkQuery

/// Range functions evaluated by the decode threads (`FusedRangeFunction`) must answer
/// exactly as the evaluator does after decoding: every query below runs with fusion on
/// and off, over head data and over blocks, and the answers, annotations and sample
/// counts must be the same, bit for bit.
@Suite struct FusedRangeFunctionTests {
    /// Gauges, counters with resets, series with stale markers, NaN and ±Inf values, a
    /// sparse series and one that starts late, at irregular intervals.
    static func series() -> [([String: String], [(Int64, Double)])] {
        var rng = SplitMix64(seed: 7)
        var out: [([String: String], [(Int64, Double)])] = []
        for h in 0..<12 {
            var gauge: [(Int64, Double)] = []
            var counter: [(Int64, Double)] = []
            var total = 0.0
            var t: Int64 = Int64(h) * 1_000
            while t < 3 * 3_600_000 {
                let i = gauge.count
                var v = Double(rng.below(1000)) / 10
                if h == 3 && i % 97 == 5 { v = .nan }
                if h == 4 && i == 200 { v = .infinity }
                if h == 5 && (i / 40) % 3 == 1 { v = staleMarker }  // gaps that end series
                gauge.append((t, v))
                total += Double(rng.below(50))
                if h % 4 == 1 && i % 150 == 149 { total = 0 }  // counter reset
                counter.append((t, total))
                t += h == 6 ? 95_000 : 10_000 + Int64(rng.below(3_000))
            }
            if h == 7 { gauge.removeFirst(gauge.count / 2) }  // starts late
            out.append((["__name__": "g", "host": "h\(h)", "dc": "d\(h % 3)"], gauge))
            out.append((["__name__": "c_total", "host": "h\(h)", "dc": "d\(h % 3)"], counter))
        }
        return out
    }

    static let queries = [
        "avg_over_time(g[5m])", "sum_over_time(g[1h])", "count_over_time(g[10m])", "present_over_time(g[2m])",
        "min_over_time(g[30s])", "max_over_time(g[5m])", "last_over_time(g[5m])", "first_over_time(g[15m])",
        "ts_of_min_over_time(g[10m])", "ts_of_max_over_time(g[10m])", "ts_of_first_over_time(g[5m])", "ts_of_last_over_time(g[5m])",
        "stddev_over_time(g[10m])", "stdvar_over_time(g[10m])", "mad_over_time(g[10m])", "changes(g[10m])", "resets(c_total[30m])",
        "rate(c_total[5m])", "increase(c_total[1h])", "delta(g[10m])", "irate(c_total[5m])", "idelta(g[5m])", "deriv(g[10m])",
        "avg by (dc) (avg_over_time(g[1h]))", "topk(3, max by (host) (max_over_time(g[1m])))",
        "sum(rate(c_total[5m] offset 10m))", "rate(g[5m])",  // rate of a gauge: the info annotation
        "label_replace(avg by (host) (avg_over_time(g[1h])), \"m\", \"g\", \"\", \"\") or label_replace(avg by (host) (avg_over_time(c_total[1h])), \"m\", \"c\", \"\", \"\")",
    ]

    /// (start, end, step) of the range queries: steps below, equal to and above the ranges.
    static let ranges: [(Int64, Int64, Int64)] = [
        (1_800_000, 10_800_000, 60_000), (0, 10_800_000, 3_600_000), (3_000_000, 3_300_000, 60_000), (600_000, 9_000_000, 7_000),
    ]

    /// The answer in a form that compares values by their bits.
    static func canonical(_ r: QueryResult) -> String {
        var lines: [String] = []
        switch r.value {
        case .matrix(let m):
            for s in m { lines.append(s.labels.description + " " + s.samples.map { "\($0.timestamp):\($0.value.bitPattern)" }.joined(separator: ",")) }
        case .vector(let v):
            for s in v { lines.append(s.labels.description + " \(s.t):\(s.v.bitPattern)") }
        case .scalar(let t, let v):
            lines.append("scalar \(t):\(v.bitPattern)")
        case .string(let t, let v):
            lines.append("string \(t):\(v)")
        }
        return (lines + r.warnings + r.infos + ["samples read \(r.stats.samplesRead)"]).joined(separator: "\n")
    }

    static func engines(_ f: EngineFixture) -> (fused: Engine, plain: Engine) {
        var off = EngineOptions()
        off.fuseRangeFunctions = false
        return (Engine(storage: f.db, options: EngineOptions()), Engine(storage: f.db, options: off))
    }

    /// Counters whose samples carry start timestamps (a reset at each new start): such
    /// series are left raw by the decode threads and evaluated as before.
    static func addStartTimestampSeries(_ db: DB) throws {
        let app = db.appender()
        for h in 0..<3 {
            var start: Int64 = 0
            var total = 0.0
            for i in 0..<1000 {
                let t = Int64(i) * 10_000 + Int64(h) * 500
                if i % 300 == 299 { start = t - 1; total = 0 }
                total += Double(i % 7)
                try app.append(Labels(["__name__": "c_total", "host": "s\(h)", "dc": "d9"]), t, total, startTimestamp: start)
            }
        }
        try app.commit()
    }

    @Test(arguments: [false, true])
    func answersEqualTheEvaluators(inBlocks: Bool) throws {
        let f = try EngineFixture(Self.series())
        try Self.addStartTimestampSeries(f.db)
        if inBlocks { try f.db.compactHead(force: true) }
        let (fused, plain) = Self.engines(f)
        for q in Self.queries {
            let expr = try PromQL.parse(q)
            for (start, end, step) in Self.ranges {
                let a = try fused.rangeQuery(expr, start: start, end: end, step: step)
                let b = try plain.rangeQuery(expr, start: start, end: end, step: step)
                #expect(Self.canonical(a) == Self.canonical(b), "\(q) over [\(start), \(end)] step \(step)")
            }
            let a = try fused.instantQuery(expr, at: 7_200_000)
            let b = try plain.instantQuery(expr, at: 7_200_000)
            #expect(Self.canonical(a) == Self.canonical(b), "\(q) at 7200")
        }
    }

    /// Which fetches the planner fuses: only a range function that is its fetch's only
    /// reader, over the query's own steps, with nothing but its window to read.
    @Test(arguments: [
        ("avg_over_time(g[5m])", true),
        ("sum by (dc) (rate(c_total[5m]))", true),
        ("avg_over_time(g[5m] offset 1h)", true),
        ("avg_over_time(g[5m]) + g", false),  // the fetch has another reader
        ("avg_over_time(g[5m]) / max_over_time(g[5m])", false),
        ("max_over_time(avg_over_time(g[5m])[30m:1m])", false),  // inside a subquery
        ("avg_over_time(g[5m] @ 3600)", false),
        ("quantile_over_time(0.5, g[5m])", false),  // a scalar argument
        ("max_over_time(g[1h])", false),  // step ≤ range/4: the sliding-window path
        ("absent_over_time(g[5m])", false),
        ("g", false),
    ])
    func plannerFusesOnlyWhereTheAnswerCannotDiffer(query: String, fused: Bool) throws {
        let plan = Planner.make(try PromQL.parse(query), start: 0, end: 3_600_000, step: 60_000, options: EngineOptions())
        #expect(plan.fetches.contains { $0.fused != nil } == fused, "\(query)")
        var off = EngineOptions()
        off.fuseRangeFunctions = false
        let plain = Planner.make(try PromQL.parse(query), start: 0, end: 3_600_000, step: 60_000, options: off)
        #expect(plain.fetches.allSatisfy { $0.fused == nil })
    }

    /// The sample limit counts what was decoded, fused or not.
    @Test func sampleLimitIsTheSame() throws {
        var limited = EngineOptions()
        limited.maxSamples = 5_000
        let f = try EngineFixture(Self.series())
        var off = limited
        off.fuseRangeFunctions = false
        for options in [limited, off] {
            let engine = Engine(storage: f.db, options: options)
            #expect(throws: QueryError.self) { try engine.rangeQuery(try PromQL.parse("avg_over_time(g[1h])"), start: 0, end: 10_800_000, step: 60_000) }
            let small = try engine.rangeQuery(try PromQL.parse("avg_over_time(g{host=\"h0\"}[5m])"), start: 0, end: 3_600_000, step: 60_000)
            guard case .matrix(let m) = small.value else { Issue.record("not a matrix"); continue }
            #expect(m.count == 1)
        }
    }
}
