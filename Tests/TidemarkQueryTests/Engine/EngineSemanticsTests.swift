import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery

@Suite struct EngineSelectorTests {
    @Test func lookbackIsLeftOpenAndStaleMarkersEndSeries() throws {
        let f = try EngineFixture([
            (["__name__": "m", "a": "1"], [(0, 1), (60_000, 2)]),
            (["__name__": "m", "a": "2"], [(0, 5), (60_000, staleMarker)]),
        ])
        #expect(try f.vector("m", at: 30_000) == ["m{a=\"1\"}": 1, "m{a=\"2\"}": 5])
        // The marker at 60s ends series a=2.
        #expect(try f.vector("m", at: 60_000) == ["m{a=\"1\"}": 2])
        // Exactly 5m after the last sample it is gone (left-open lookback).
        #expect(try f.vector("m", at: 360_000).isEmpty)
        #expect(try f.vector("m", at: 359_999) == ["m{a=\"1\"}": 2])
    }

    @Test func offsetAndAt() throws {
        let f = try EngineFixture([(["__name__": "m"], every(10_000, [0, 1, 2, 3, 4, 5, 6]))])
        #expect(try f.vector("m offset 20s", at: 60_000) == ["m": 4])
        #expect(try f.vector("m @ 10", at: 60_000) == ["m": 1])
        #expect(try f.vector("m @ 30 offset 10s", at: 0) == ["m": 2])
        // @ end() in a range query is the query's end at every step.
        let r = try f.range("m @ end()", 0, 30_000, 10_000)
        guard case .matrix(let s) = r.value else { Issue.record("not a matrix"); return }
        #expect(s.count == 1 && s[0].samples.map(\.value) == [3, 3, 3, 3])
    }

    @Test func rangeSelectorIsLeftOpen() throws {
        let f = try EngineFixture([(["__name__": "m"], every(10_000, [0, 1, 2, 3, 4]))])
        guard case .matrix(let s) = try f.instant("m[20s]", at: 40_000).value else { Issue.record("not a matrix"); return }
        // (20s, 40s]: the sample at 20s is excluded.
        #expect(s.first?.samples.map(\.timestamp) == [30_000, 40_000])
        #expect(try f.vector("count_over_time(m[20s])", at: 40_000) == ["{}": 2])
    }

    @Test func rangeQueryMergesSteps() throws {
        let f = try EngineFixture([(["__name__": "m", "j": "x"], every(15_000, [1, 2, 3, 4, 5]))])
        guard case .matrix(let s) = try f.range("m * 2", 0, 60_000, 30_000).value else { Issue.record("not a matrix"); return }
        #expect(s.count == 1)
        #expect(s[0].labels == Labels(["j": "x"]))
        #expect(s[0].samples == [Sample(0, 2), Sample(30_000, 6), Sample(60_000, 10)])
    }

    @Test func rangeQueryRejectsRangeVectors() throws {
        let f = try EngineFixture([(["__name__": "m"], [(0, 1)])])
        #expect(throws: QueryError.self) { try f.range("m[1m]", 0, 60_000, 30_000) }
        #expect(throws: QueryError.self) { try f.range("m", 0, 60_000, 0) }
    }
}

@Suite struct EngineSubqueryTests {
    @Test func stepsAlignToMultiplesOfTheStep() throws {
        let f = try EngineFixture([(["__name__": "metric_total"], [(0, 1), (10_000, 2)])])
        #expect(try f.vector("sum_over_time(metric_total[50s:10s])", at: 10_000) == ["{}": 3])
        #expect(try f.vector("sum_over_time(metric_total[50s:5s])", at: 10_000) == ["{}": 4])
        #expect(close(try f.vector("rate(metric_total[20s:10s])", at: 10_000)["{}"], 0.1))
    }

    @Test func defaultStepComesFromTheOptions() throws {
        var o = EngineOptions()
        o.noStepSubqueryInterval = 30_000
        let f = try EngineFixture([(["__name__": "m"], every(10_000, Array(repeating: 1, count: 20)))], options: o)
        #expect(try f.vector("count_over_time(m[2m:])", at: 120_000) == ["{}": 4])
    }
}

@Suite struct EngineOperatorTests {
    func fixture() throws -> EngineFixture {
        try EngineFixture([
            (["__name__": "a", "job": "x", "i": "1"], [(0, 10)]),
            (["__name__": "a", "job": "x", "i": "2"], [(0, 20)]),
            (["__name__": "b", "job": "x"], [(0, 2)]),
            (["__name__": "c", "job": "x", "i": "1"], [(0, 3)]),
        ])
    }

    @Test func arithmeticDropsTheNameComparisonKeepsIt() throws {
        let f = try fixture()
        #expect(try f.vector("a + 1", at: 0) == ["{i=\"1\", job=\"x\"}": 11, "{i=\"2\", job=\"x\"}": 21])
        #expect(try f.vector("a > 15", at: 0) == ["a{i=\"2\", job=\"x\"}": 20])
        #expect(try f.vector("a > bool 15", at: 0) == ["{i=\"1\", job=\"x\"}": 0, "{i=\"2\", job=\"x\"}": 1])
        #expect(try f.vector("15 < a", at: 0) == ["a{i=\"2\", job=\"x\"}": 20])
        #expect(try f.scalar("1 / 0", at: 0) == .infinity)
        #expect(try f.scalar("2 ^ 3 ^ 2", at: 0) == 512)
        #expect(try f.scalar("-1 % 0", at: 0).isNaN)
    }

    @Test func vectorMatching() throws {
        let f = try fixture()
        #expect(try f.vector("a - c", at: 0) == ["{i=\"1\", job=\"x\"}": 7])
        #expect(try f.vector("a / on(job) group_left b", at: 0) == ["{i=\"1\", job=\"x\"}": 5, "{i=\"2\", job=\"x\"}": 10])
        #expect(try f.vector("b * on(job) group_right a", at: 0) == ["{i=\"1\", job=\"x\"}": 20, "{i=\"2\", job=\"x\"}": 40])
        #expect(try f.vector("a + on(i) c", at: 0) == ["{i=\"1\"}": 13])
        let e = f.error("a + on(job) b", at: 0)
        #expect(e?.message.hasPrefix("multiple matches for labels") == true)
        let d = f.error("b + on(job) a", at: 0)
        #expect(d?.message.hasPrefix("found duplicate series for the match group {job=\"x\"} on the right hand-side") == true)
    }

    @Test func setOperators() throws {
        let f = try fixture()
        #expect(try f.vector("a and c", at: 0) == ["a{i=\"1\", job=\"x\"}": 10])
        #expect(try f.vector("a unless c", at: 0) == ["a{i=\"2\", job=\"x\"}": 20])
        #expect(try f.vector("c or a", at: 0) == ["c{i=\"1\", job=\"x\"}": 3, "a{i=\"2\", job=\"x\"}": 20])
        #expect(try f.vector("a and on(job) b", at: 0).count == 2)
    }

    @Test func unaryMinusDropsName() throws {
        let f = try fixture()
        #expect(try f.vector("-b", at: 0) == ["{job=\"x\"}": -2])
    }
}

@Suite struct EngineAggregationTests {
    func fixture() throws -> EngineFixture {
        try EngineFixture([
            (["__name__": "r", "job": "api", "i": "0"], [(0, 1)]),
            (["__name__": "r", "job": "api", "i": "1"], [(0, 2)]),
            (["__name__": "r", "job": "api", "i": "2"], [(0, 6)]),
            (["__name__": "r", "job": "db", "i": "0"], [(0, 4)]),
        ])
    }

    @Test func basicAggregations() throws {
        let f = try fixture()
        #expect(try f.vector("sum by (job) (r)", at: 0) == ["{job=\"api\"}": 9, "{job=\"db\"}": 4])
        #expect(try f.vector("sum without (i) (r)", at: 0) == ["{job=\"api\"}": 9, "{job=\"db\"}": 4])
        #expect(try f.vector("avg(r)", at: 0) == ["{}": 3.25])
        #expect(try f.vector("count(r)", at: 0) == ["{}": 4])
        #expect(try f.vector("group by (job) (r)", at: 0) == ["{job=\"api\"}": 1, "{job=\"db\"}": 1])
        #expect(try f.vector("min(r)", at: 0) == ["{}": 1])
        #expect(try f.vector("max by (job) (r)", at: 0) == ["{job=\"api\"}": 6, "{job=\"db\"}": 4])
        #expect(try f.vector("stdvar by (job) (r)", at: 0)["{job=\"api\"}"].map { close($0, 14.0 / 3) } == true)
        #expect(try f.vector("stddev by (job) (r)", at: 0)["{job=\"db\"}"] == 0)
        #expect(try f.vector("quantile(0.5, r)", at: 0) == ["{}": 3])
        #expect(try f.vector("count_values(\"v\", r)", at: 0) == ["{v=\"1\"}": 1, "{v=\"2\"}": 1, "{v=\"6\"}": 1, "{v=\"4\"}": 1])
    }

    @Test func topkKeepsLabelsAndOrders() throws {
        let f = try fixture()
        guard case .vector(let v) = try f.instant("topk(2, r)", at: 0).value else { Issue.record("not a vector"); return }
        #expect(v.map(\.v) == [6, 4])
        #expect(v[0].labels.metricName == "r")
        guard case .vector(let w) = try f.instant("bottomk by (job) (1, r)", at: 0).value else { Issue.record("not a vector"); return }
        #expect(Set(w.map(\.v)) == [1, 4])
        #expect(try f.vector("limitk(1, r)", at: 0).count == 1)
        let all = try f.vector("limit_ratio(0.5, r) or limit_ratio(-0.5, r)", at: 0)
        #expect(all.count == 4)
    }

    @Test func quantileOutOfRangeWarns() throws {
        let f = try fixture()
        let r = try f.instant("quantile(2, r)", at: 0)
        #expect(r.warnings.first?.contains("quantile value should be between 0 and 1") == true)
    }
}

@Suite struct EngineFunctionTests {
    @Test func rateExtrapolatesLikePrometheus() throws {
        // A counter rising 10 per 15s, sampled from 0s to 300s.
        let f = try EngineFixture([
            (["__name__": "c_total"], every(15_000, (0...20).map { Double($0) * 10 })),
            (["__name__": "g"], every(15_000, (0...20).map { Double($0) * 10 })),
        ])
        #expect(close(try f.vector("rate(c_total[1m])", at: 300_000)["{}"], 10.0 / 15))
        #expect(close(try f.vector("increase(c_total[1m])", at: 300_000)["{}"], 40))
        #expect(close(try f.vector("delta(g[1m])", at: 300_000)["{}"], 40))
        #expect(close(try f.vector("irate(c_total[1m])", at: 300_000)["{}"], 10.0 / 15))
        #expect(close(try f.vector("idelta(g[1m])", at: 300_000)["{}"], 10))
        #expect(close(try f.vector("deriv(g[1m])", at: 300_000)["{}"], 10.0 / 15))
        #expect(close(try f.vector("predict_linear(g[1m], 60)", at: 300_000)["{}"], 240))
        // rate over a metric not named like a counter: info annotation.
        let r = try f.instant("rate(g[1m])", at: 300_000)
        #expect(r.infos.first?.hasPrefix("PromQL info: metric might not be a counter") == true)
        #expect(try f.instant("rate(c_total[1m])", at: 300_000).infos.isEmpty)
    }

    @Test func counterResets() throws {
        let f = try EngineFixture([(["__name__": "c_total"], every(10_000, [0, 10, 20, 5, 15]))])
        #expect(try f.vector("resets(c_total[1m])", at: 40_000) == ["{}": 1])
        #expect(try f.vector("changes(c_total[1m])", at: 40_000) == ["{}": 4])
        // 15 + 20 lost at the reset; the zero point of the counter caps extrapolation at the start.
        #expect(close(try f.vector("increase(c_total[50s])", at: 40_000)["{}"], 35))
    }

    @Test func overTimeFunctions() throws {
        let f = try EngineFixture([(["__name__": "m", "k": "v"], every(10_000, [1, 5, 3, 2]))])
        let at: Int64 = 30_000
        #expect(try f.vector("avg_over_time(m[1m])", at: at) == ["{k=\"v\"}": 2.75])
        #expect(try f.vector("sum_over_time(m[1m])", at: at) == ["{k=\"v\"}": 11])
        #expect(try f.vector("min_over_time(m[1m])", at: at) == ["{k=\"v\"}": 1])
        #expect(try f.vector("max_over_time(m[1m])", at: at) == ["{k=\"v\"}": 5])
        #expect(try f.vector("count_over_time(m[1m])", at: at) == ["{k=\"v\"}": 4])
        #expect(try f.vector("last_over_time(m[1m])", at: at) == ["m{k=\"v\"}": 2])
        #expect(try f.vector("present_over_time(m[1m])", at: at) == ["{k=\"v\"}": 1])
        #expect(try f.vector("quantile_over_time(0.5, m[1m])", at: at) == ["{k=\"v\"}": 2.5])
        #expect(try f.vector("mad_over_time(m[1m])", at: at) == ["{k=\"v\"}": 1])
        #expect(close(try f.vector("stdvar_over_time(m[1m])", at: at)["{k=\"v\"}"], 2.1875))
        #expect(try f.vector("absent_over_time(m[1m])", at: at).isEmpty)
        #expect(try f.vector("absent_over_time(nope{a=\"b\"}[1m])", at: at) == ["{a=\"b\"}": 1])
    }

    @Test func mathAndClamp() throws {
        let f = try EngineFixture([(["__name__": "m", "k": "v"], [(0, -2.5)])])
        #expect(try f.vector("abs(m)", at: 0) == ["{k=\"v\"}": 2.5])
        #expect(try f.vector("ceil(m)", at: 0) == ["{k=\"v\"}": -2])
        #expect(try f.vector("floor(m)", at: 0) == ["{k=\"v\"}": -3])
        #expect(try f.vector("round(m)", at: 0) == ["{k=\"v\"}": -2])
        #expect(try f.vector("round(m, 2)", at: 0) == ["{k=\"v\"}": -2])
        #expect(try f.vector("sgn(m)", at: 0) == ["{k=\"v\"}": -1])
        #expect(try f.vector("clamp(m, -1, 1)", at: 0) == ["{k=\"v\"}": -1])
        #expect(try f.vector("clamp(m, 1, -1)", at: 0).isEmpty)
        #expect(try f.vector("clamp_min(m, 0)", at: 0) == ["{k=\"v\"}": 0])
        #expect(try f.vector("clamp_max(m, -3)", at: 0) == ["{k=\"v\"}": -3])
        #expect(try f.vector("deg(pi() * m / m)", at: 0) == ["{k=\"v\"}": 180])
        #expect(try f.scalar("time()", at: 12_000) == 12)
        #expect(try f.scalar("scalar(m)", at: 0) == -2.5)
        #expect(try f.vector("vector(1)", at: 0) == ["{}": 1])
        #expect(try f.vector("timestamp(m)", at: 60_000) == ["{k=\"v\"}": 0])
    }

    @Test func absentUsesEqualityMatchers() throws {
        let f = try EngineFixture([(["__name__": "m"], [(0, 1)])])
        #expect(try f.vector("absent(m)", at: 0).isEmpty)
        #expect(try f.vector("absent(nope{job=\"a\", x=~\"y\"})", at: 0) == ["{job=\"a\"}": 1])
    }

    @Test func labelFunctionsAndSorting() throws {
        let f = try EngineFixture([
            (["__name__": "m", "src": "a-1"], [(0, 3)]),
            (["__name__": "m", "src": "a-10"], [(0, 1)]),
            (["__name__": "m", "src": "a-2"], [(0, 2)]),
        ])
        #expect(try f.vector("label_replace(m, \"dst\", \"$1\", \"src\", \"a-(.*)\")", at: 0)["m{dst=\"10\", src=\"a-10\"}"] == 1)
        #expect(try f.vector("label_join(m, \"j\", \"+\", \"src\", \"src\")", at: 0)["m{j=\"a-2+a-2\", src=\"a-2\"}"] == 2)
        guard case .vector(let s) = try f.instant("sort(m)", at: 0).value else { return }
        #expect(s.map(\.v) == [1, 2, 3])
        guard case .vector(let d) = try f.instant("sort_desc(m)", at: 0).value else { return }
        #expect(d.map(\.v) == [3, 2, 1])
        guard case .vector(let n) = try f.instant("sort_by_label(m, \"src\")", at: 0).value else { return }
        #expect(n.map { $0.labels["src"]! } == ["a-1", "a-2", "a-10"])
    }

    @Test func histogramQuantileOverClassicBuckets() throws {
        let f = try EngineFixture([
            (["__name__": "h_bucket", "le": "0.1"], [(0, 10)]),
            (["__name__": "h_bucket", "le": "0.5"], [(0, 30)]),
            (["__name__": "h_bucket", "le": "1"], [(0, 25)]),  // not monotonic: fixed up
            (["__name__": "h_bucket", "le": "+Inf"], [(0, 40)]),
        ])
        let r = try f.instant("histogram_quantile(0.5, h_bucket)", at: 0)
        guard case .vector(let v) = r.value else { Issue.record("not a vector"); return }
        // rank 20 falls in (0.1, 0.5]: 0.1 + 0.4 * (10/20).
        #expect(v.count == 1 && close(v[0].v, 0.3))
        #expect(r.infos.first?.contains("needed to be fixed for monotonicity") == true)
        #expect(try f.vector("histogram_quantile(0.99, h_bucket)", at: 0) == ["{}": 1])
    }

    @Test func dateFunctions() throws {
        let f = try EngineFixture([(["__name__": "t"], [(0, 1_709_251_200 + 3 * 3600 + 25 * 60)])])  // 2024-03-01 03:25 UTC
        #expect(try f.vector("year(t)", at: 0) == ["{}": 2024])
        #expect(try f.vector("month(t)", at: 0) == ["{}": 3])
        #expect(try f.vector("day_of_month(t)", at: 0) == ["{}": 1])
        #expect(try f.vector("day_of_week(t)", at: 0) == ["{}": 5])
        #expect(try f.vector("day_of_year(t)", at: 0) == ["{}": 61])
        #expect(try f.vector("days_in_month(t - 86400)", at: 0) == ["{}": 29])
        #expect(try f.vector("hour(t)", at: 0) == ["{}": 3])
        #expect(try f.vector("minute(t)", at: 0) == ["{}": 25])
    }

    @Test func doubleExponentialSmoothing() throws {
        let f = try EngineFixture([(["__name__": "m"], every(10_000, [1, 2, 3, 4, 5]))])
        #expect(close(try f.vector("double_exponential_smoothing(m[1m], 0.5, 0.5)", at: 40_000)["{}"], 5))
        #expect(f.error("double_exponential_smoothing(m[1m], 1, 0.5)", at: 40_000)?.message.hasPrefix("invalid smoothing factor") == true)
    }
}

@Suite struct EnginePlannerTests {
    @Test func identicalSelectorsAreFetchedOnceWithTheUnionRange() throws {
        let f = try EngineFixture([(["__name__": "m"], [(0, 1)])])
        let e = try PromQL.parse("rate(m[5m]) + m offset 5m + max_over_time(m[10m:1m])")
        let plan = f.engine.explain(e, start: 3_600_000, end: 3_600_000, step: 0)
        #expect(plan.contains("storage selects (1)"))
        #expect(plan.contains("shared by 3 selectors"))
        // The subquery's first step is the first 1m multiple after 3600000 - 10m (3060000);
        // its selector looks back 5m from there (left-open): mint = 2760001.
        #expect(plan.contains("[2760001, 3600000]"))
        #expect(plan.contains("subquery [10m:1m] evaluates inner over [3060000, 3600000] step 1m"))
    }

    @Test func farApartRangesOfOneSelectorAreFetchedSeparately() throws {
        let f = try EngineFixture([(["__name__": "m"], every(60_000, (0..<200).map(Double.init)))])
        let e = try PromQL.parse("m @ 600 + m")
        let plan = f.engine.explain(e, start: 10_000_000, end: 10_000_000, step: 0)
        #expect(plan.contains("storage selects (2)"))
        #expect(try f.vector("m @ 600 + m", at: 10_000_000) == ["{}": 10 + 166])
        // Only the two lookback windows are read, not the 10000 s between them.
        #expect(try f.instant("m @ 600 + m", at: 10_000_000).stats.samplesRead == 10)
    }

    @Test func statsCountSamplesRead() throws {
        let f = try EngineFixture([(["__name__": "m"], every(10_000, Array(repeating: 1, count: 100)))])
        let r = try f.instant("sum_over_time(m[1m])", at: 500_000)
        #expect(r.stats.samplesRead == 6)
        #expect(r.stats.seriesRead == 1)
    }

    @Test func tooManySamplesFails() throws {
        var o = EngineOptions()
        o.maxSamples = 10
        let f = try EngineFixture([(["__name__": "m"], every(10_000, Array(repeating: 1, count: 100)))], options: o)
        #expect(f.error("sum_over_time(m[10m])", at: 900_000)?.kind == .tooManySamples)
    }
}

@Suite struct EngineNameRemovalTests {
    func fixture(delayed: Bool) throws -> EngineFixture {
        var o = EngineOptions()
        o.delayedNameRemoval = delayed
        return try EngineFixture([
            (["__name__": "a_total", "env": "1"], every(60_000, (0...10).map { Double($0) * 12 })),
            (["__name__": "b_total", "env": "1"], every(60_000, (0...10).map { Double($0) * 12 })),
        ], options: o)
    }

    @Test func immediateRemovalMakesRateOverTwoNamesCollide() throws {
        let f = try fixture(delayed: false)
        #expect(f.error("rate({env=\"1\"}[10m])", at: 600_000)?.message == "vector cannot contain metrics with the same labelset")
    }

    @Test func delayedRemovalLetsLabelReplaceReadTheName() throws {
        let f = try fixture(delayed: true)
        let v = try f.vector("label_replace(rate({env=\"1\"}[10m]), \"my_name\", \"rate_$1\", \"__name__\", \"(.+)\")", at: 600_000)
        #expect(v.keys.sorted() == ["{env=\"1\", my_name=\"rate_a_total\"}", "{env=\"1\", my_name=\"rate_b_total\"}"])
        #expect(close(try f.vector("sum by (env) (rate({env=\"1\"}[10m]))", at: 600_000)["{env=\"1\"}"], 0.4))
        #expect(f.error("sum by (__name__) (rate({env=\"1\"}[10m]))", at: 600_000) != nil)
        #expect(try f.vector("sum by (__name__, env) (a_total)", at: 600_000) == ["a_total{env=\"1\"}": 120])
    }
}

@Suite struct EngineExplainTests {
    @Test func explainListsSelectsAndTree() throws {
        let f = try EngineFixture([(["__name__": "x", "job": "a"], [(0, 1)])])
        let plan = f.engine.explain(try PromQL.parse("sum by (job) (rate(x[5m])) / on(job) group_left count by (job) (x offset 1m)"), start: 0, end: 3_600_000, step: 60_000)
        #expect(plan.hasPrefix("range query [0, 3600000] step 1m"))
        #expect(plan.contains("aggregate sum by (job)"))
        #expect(plan.contains("binary / on(job) group_left()"))
    }
}

@Suite struct EngineASTTests {
    @Test func handBuiltASTEvaluates() throws {
        let f = try EngineFixture([
            (["__name__": "req_total", "job": "a"], every(15_000, (0...20).map { Double($0) * 3 })),
            (["__name__": "req_total", "job": "b"], every(15_000, (0...20).map { Double($0) * 6 })),
        ])
        let sel = VectorSelector(name: "req_total", matchers: [.equal(metricNameLabel, "req_total")])
        let rate = Expr.call(Call(function: "rate", args: [.matrixSelector(MatrixSelector(selector: sel, range: 60_000))]))
        let sum = Expr.aggregate(AggregateExpr(op: .sum, expr: rate))
        let r = try f.engine.instantQuery(sum, at: 300_000)
        guard case .vector(let v) = r.value else { Issue.record("not a vector"); return }
        #expect(v.count == 1 && close(v[0].v, 0.6))
        let scalar = Expr.binary(BinaryExpr(op: .mul, lhs: .number(NumberLiteral(2)), rhs: .number(NumberLiteral(3))))
        #expect(try f.engine.instantQuery(scalar, at: 0).value == .scalar(t: 0, v: 6))
        #expect(try f.engine.instantQuery(.string(StringLiteral("hi")), at: 5).value == .string(t: 5, v: "hi"))
    }

    @Test func misusedExtendedRangeModifierFailsAtEvaluation() throws {
        let f = try EngineFixture([(["__name__": "foo"], every(60_000, [1, 2, 3, 4]))])
        let cases = [
            ("deriv(foo[3m] smoothed)", "smoothed modifier can only be used with: delta, increase, rate - not with deriv"),
            ("max_over_time(foo[3m] anchored)", "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with max_over_time"),
            ("absent_over_time(foo[3m] smoothed)", "smoothed modifier can only be used with: delta, increase, rate - not with absent_over_time"),
            ("absent_over_time(nothing[3m] anchored)", "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with absent_over_time"),
            ("predict_linear(nothing[3m] anchored, 4)", "anchored modifier can only be used with: changes, delta, increase, rate, resets - not with predict_linear"),
        ]
        for (q, msg) in cases {
            let e = f.error(q, at: 180_000)
            #expect(e?.kind == .execution, "\(q)")
            #expect(e?.message == msg, "\(q)")
        }
        #expect(f.error("resets(foo[3m] anchored)", at: 180_000) == nil)
        #expect(f.error("rate(foo[3m] smoothed)", at: 180_000) == nil)
    }

    @Test func timeoutIsReported() throws {
        var o = EngineOptions()
        o.timeoutSeconds = -1
        let f = try EngineFixture([(["__name__": "m"], every(1000, Array(repeating: 1, count: 2000)))], options: o)
        do {
            _ = try f.range("sum_over_time(m[1m])", 0, 2_000_000, 1000)
            Issue.record("expected a timeout")
        } catch let e as QueryError {
            #expect(e.kind == .timeout)
            #expect(e.apiErrorType == "timeout")
        }
    }
}

@Suite struct EngineSlidingWindowTests {
    @Test func slidingMinMaxMatchQuantileScan() throws {
        var rng = SystemRandomNumberGenerator()
        var samples: [(Int64, Double)] = []
        var t: Int64 = 0
        for i in 0..<600 {
            t += Int64.random(in: 1_000...30_000, using: &rng)
            let v: Double = i % 37 == 5 ? .nan : Double(Int.random(in: -50...50, using: &rng))
            samples.append((t, v))
        }
        let f = try EngineFixture([(["__name__": "m"], samples), (["__name__": "n"], samples.filter { !$0.1.isNaN })])
        func points(_ q: String) throws -> [Sample] {
            guard case .matrix(let s) = try f.range(q, 0, t, 20_000).value else { return [] }
            return s.first?.samples ?? []
        }
        let a = try points("max_over_time(m[2m])"), b = try points("quantile_over_time(1, m[2m])")
        #expect(a.count == b.count && a.count > 100)
        #expect(zip(a, b).allSatisfy { $0.timestamp == $1.timestamp && close($0.value, $1.value) })
        let c = try points("min_over_time(n[3m])"), d = try points("quantile_over_time(0, n[3m])")
        #expect(c.count == d.count && c.count > 100)
        #expect(zip(c, d).allSatisfy { $0.timestamp == $1.timestamp && $0.value == $1.value })
    }
}

@Suite struct EngineStalenessTests {
    @Test func rangeWindowsSkipStaleMarkers() throws {
        let f = try EngineFixture([(["__name__": "m"], [(0, 1), (10_000, 2), (20_000, staleMarker), (30_000, 4)])])
        #expect(try f.vector("count_over_time(m[1m])", at: 30_000) == ["{}": 3])
        #expect(try f.vector("m", at: 25_000).isEmpty)
        #expect(try f.vector("m", at: 30_000) == ["m": 4])
    }

    @Test func subqueryAsInstantResultAndNegativeOffset() throws {
        let f = try EngineFixture([(["__name__": "m"], every(10_000, (0...12).map(Double.init)))])
        guard case .matrix(let s) = try f.instant("m[1m:20s]", at: 60_000).value else { Issue.record("not a matrix"); return }
        // Steps strictly after 0s: 20s, 40s, 60s.
        #expect(s.first?.samples == [Sample(20_000, 2), Sample(40_000, 4), Sample(60_000, 6)])
        #expect(try f.vector("m offset -30s", at: 60_000) == ["m": 9])
        guard case .matrix(let r) = try f.range("m @ start()", 20_000, 40_000, 10_000).value else { Issue.record("not a matrix"); return }
        #expect(r.first?.samples.map(\.value) == [2, 2, 2])
    }
}
