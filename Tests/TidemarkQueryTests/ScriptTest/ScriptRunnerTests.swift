import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery

@Suite struct ScriptRunnerTests {
    let runner = PromQLScriptRunner { FakeScriptBackend(db: $0) }

    @Test func comparisonRules() {
        func eq(_ a: Double, _ b: Double) -> Bool { ScriptComparison.almostEqual(a, b) }
        #expect(eq(1, 1 + 1e-7))
        #expect(!eq(1, 1 + 1e-5))
        #expect(eq(1e300, 1e300 * (1 + 1e-7)))
        #expect(eq(.nan, -.nan))
        #expect(eq(.infinity, .infinity) && !eq(.infinity, -.infinity))
        let stale = SequenceValue.staleNaN
        #expect(eq(stale, stale) && !eq(stale, .nan) && !eq(.nan, stale))
        #expect(eq(0, 0) && eq(0, -0.0))
        #expect(!eq(0, 1e-300))  // absolute tolerance near zero is tiny
        #expect(eq(0, 1e-320))
        #expect(!eq(1, .nan))
    }

    @Test func passingAndFailingCases() {
        let report = runner.run(text: """
            load 1m
              metric{a="1"} 1+1x10
              metric{a="2"} 5 stale
              warn_me 1

            eval instant at 5m metric
              metric{a="1"} 6

            eval instant at 1m metric
              metric{a="1"} 3

            eval instant at 0 metric
              metric{a="1"} 1
              metric{a="2"} 5.000001

            eval instant at 0 metric
              metric{a="1"} 2
              metric{a="2"} 5

            eval range from 0 to 2m step 1m metric
              metric{a="1"} 1 2 3
              metric{a="2"} 5

            eval range from 0 to 2m step 1m metric
              metric{a="1"} 1 _ 3
              metric{a="2"} 5

            eval instant at 0 3
              3

            eval instant at 0 3
              {} 3

            eval instant at 0 "hello"
              expect string "hello"

            eval instant at 0 no_such(query)
              expect fail regex: unsupported

            eval_fail instant at 0 no_such(query)
              expected_fail_message wrong message

            eval instant at 0 metric
              expect fail

            eval instant at 0 warn_me
              expect warn msg: PromQL warning: you were warned
              warn_me 1

            eval instant at 0 warn_me
              expect no_warn
              warn_me 1

            eval_ordered instant at 0 metric
              metric{a="2"} 5
              metric{a="1"} 1

            eval instant at 0 hist
              hist {{count:1}}
            """, name: "fake.test")
        let statuses = report.cases.map(\.status)
        #expect(report.evalCount == 16 && report.cases.count == 16)
        let expectedPass = [true, false, true, false, true, false, true, false, true, true, false, false, true, false]
        for (i, p) in expectedPass.enumerated() {
            #expect((statuses[i] == .passed) == p, "case \(i) at line \(report.cases[i].line): \(report.cases[i].summary)")
        }
        // Ordered: the fake returns label order, so the listed order a=2, a=1 fails.
        #expect(statuses[14] != .passed)
        #expect(statuses[15] == .nativeHistogram)
        #expect(report.cases[1].failureMessage == "expected 3 for metric{a=\"1\"}, got 2")
        let totals = PromQLScriptRunner.Totals([report])
        #expect(totals.total == 16 && totals.nativeHistogram == 1)
    }

    @Test func atModifierVariants() {
        let sel = Expr.vectorSelector(VectorSelector(name: "x", matchers: [.equal(metricNameLabel, "x")]))
        let sum = Expr.aggregate(AggregateExpr(op: .sum, expr: .matrixSelector(MatrixSelector(selector: VectorSelector(name: "y", matchers: [], at: .start), range: 60_000))))
        guard case .binary(let b)? = AtModifierVariant.pin(.binary(BinaryExpr(op: .add, lhs: sel, rhs: sum)), at: 5000),
              case .vectorSelector(let v) = b.lhs, case .aggregate(let a) = b.rhs, case .matrixSelector(let m) = a.expr else {
            Issue.record("shape"); return
        }
        #expect(v.at == .timestamp(5000))
        #expect(m.selector.at == .start)  // an existing @ stays
        #expect(AtModifierVariant.pin(.call(Call(function: "time", args: [])), at: 0) == nil)
        #expect(AtModifierVariant.evaluationTimes(for: 0) == [-1000, 0, 1000])
        #expect(AtModifierVariant.evaluationTimes(for: 100_000) == [-1_000_000, 0, 20_000, 100_000, 1_000_000])
    }

    @Test func prometheusFloatText() {
        #expect(PrometheusFormat.value(1) == "1")
        #expect(PrometheusFormat.value(-2.5) == "-2.5")
        #expect(PrometheusFormat.value(0.1) == "0.1")
        #expect(PrometheusFormat.value(1e20) == "100000000000000000000")
        #expect(PrometheusFormat.value(1e21) == "1e+21")
        #expect(PrometheusFormat.value(1.5e-7) == "1.5e-07")
        #expect(PrometheusFormat.value(0.000001) == "0.000001")
        #expect(PrometheusFormat.value(123456.789) == "123456.789")
        #expect(PrometheusFormat.value(.nan) == "NaN")
        #expect(PrometheusFormat.value(.infinity) == "+Inf")
        #expect(PrometheusFormat.value(-.infinity) == "-Inf")
        #expect(PrometheusFormat.value(0) == "0")
        #expect(PrometheusFormat.value(1.7976931348623157e308) == "1.7976931348623157e+308")
        #expect(PrometheusFormat.timestamp(1_700_000_000_000) == "1700000000")
        #expect(PrometheusFormat.timestamp(1500) == "1.500")
        #expect(PrometheusFormat.timestamp(1005) == "1.005")
        #expect(PrometheusFormat.timestamp(-1500) == "-1.500")
        #expect(PrometheusFormat.goFloat(1e21) == "1e+21" && PrometheusFormat.goFloat(0.00001) == "1e-05" && PrometheusFormat.goFloat(3) == "3")
    }
}
