import Testing
import TidemarkStorage
@testable import TidemarkQuery
import TidemarkWorkloads

@Suite struct ScriptParserTests {
    func values(_ s: String) throws -> [SequenceValue] { try PromQLScriptParser.parseValueSequence(s) }
    func floats(_ s: String) throws -> [Double?] {
        try values(s).map { if case .float(let f) = $0 { return f } else { return nil } }
    }

    @Test func expandingNotation() throws {
        #expect(try floats("1+2x3") == [1, 3, 5, 7])
        #expect(try floats("5-1x2") == [5, 4, 3])
        #expect(try floats("-1-1x5") == [-1, -2, -3, -4, -5, -6])
        #expect(try floats("7x2") == [7, 7, 7])
        #expect(try floats("0x5") == [0, 0, 0, 0, 0, 0])  // not hexadecimal
        #expect(try floats("1 2 3") == [1, 2, 3])
        #expect(try floats("1.5e3 .5 -2") == [1500, 0.5, -2])
        #expect(try floats("2x0") == [2])
        #expect(try floats("1+0.1x2").count == 3)
    }

    @Test func gapsStaleAndSpecialValues() throws {
        #expect(try values("_") == [.omitted])
        #expect(try values("_x3") == [.omitted, .omitted, .omitted])  // N, not N+1
        #expect(try values("1 _ 3") == [.float(1), .omitted, .float(3)])
        let v = try values("stale Inf -Inf NaN")
        guard case .float(let s) = v[0], case .float(let inf) = v[1], case .float(let ninf) = v[2], case .float(let nan) = v[3] else {
            Issue.record("not floats: \(v)"); return
        }
        #expect(s.bitPattern == 0x7ff0_0000_0000_0002)
        #expect(inf == .infinity && ninf == -.infinity && nan.isNaN && !SequenceValue.isStale(nan))
        #expect(try floats("Infx2") == [.infinity, .infinity, .infinity])
        #expect(try floats("1+Infx1") == [1, .infinity])
    }

    @Test func histogramValuesAreKeptAsText() throws {
        let v = try values("{{schema:0 sum:5 count:4 buckets:[1 2 1]}}x2 {{count:1}}")
        #expect(v.count == 4)
        #expect(v.allSatisfy { $0.isHistogram })
        #expect(try values("{{count:1}}+{{count:2}}x3").count == 4)
    }

    @Test func badValuesAreRejected() {
        #expect(throws: ScriptSyntaxError.self) { try values("1+2") }
        #expect(throws: ScriptSyntaxError.self) { try values("abc") }
        #expect(throws: ScriptSyntaxError.self) { try values("1x") }
    }

    @Test func seriesLabels() throws {
        let s = try PromQLScriptParser.parseSeriesDescription(#"http_requests{job="api", instance='a\n', path=`x\y`} 1 2"#)
        #expect(s.labels == Labels(["__name__": "http_requests", "job": "api", "instance": "a\n", "path": "x\\y"]))
        #expect(s.values.count == 2)
        let e = try PromQLScriptParser.parseSeriesDescription("{} 3")
        #expect(e.labels == Labels.empty)
        let u = try PromQLScriptParser.parseSeriesDescription(#"{"my.metric", "a.b"="c"} 1"#)
        #expect(u.labels == Labels(["__name__": "my.metric", "a.b": "c"]))
        let c = try PromQLScriptParser.parseSeriesDescription(#"{__name__="x:y", le="+Inf"} 1"#)
        #expect(c.labels.metricName == "x:y")
    }

    @Test func durations() {
        #expect(PromQLScriptParser.parseDuration("0") == 0)
        #expect(PromQLScriptParser.parseDuration("1h5m30s") == 3_930_000)
        #expect(PromQLScriptParser.parseDuration("20s500ms") == 20_500)
        #expect(PromQLScriptParser.parseDuration("2d") == 172_800_000)
        #expect(PromQLScriptParser.parseDuration("5m1h") == nil)  // units must decrease
        #expect(PromQLScriptParser.parseDuration("") == nil)
        #expect(PromQLScriptParser.parseDuration("10") == nil)
    }

    @Test func scalarLines() {
        #expect(PromQLScriptParser.parseScalarNumber("3") == 3)
        #expect(PromQLScriptParser.parseScalarNumber("-0.5") == -0.5)
        #expect(PromQLScriptParser.parseScalarNumber("1e3") == 1000)
        #expect(PromQLScriptParser.parseScalarNumber("0x1F") == 31)
        #expect(PromQLScriptParser.parseScalarNumber("+Inf") == .infinity)
        #expect(PromQLScriptParser.parseScalarNumber("NaN")?.isNaN == true)
        #expect(PromQLScriptParser.parseScalarNumber("{} 3") == nil)
        #expect(PromQLScriptParser.parseScalarNumber("foo") == nil)
    }

    static let script = """
        # A comment.
        load 5m
          http_requests{job="api"} 0+10x10
          other 1 _ stale
        # A comment ends a block.
          ignored_line

        eval instant at 50m http_requests
          http_requests{job="api"} 100

        eval_fail instant at 0 foo(
          expected_fail_message something went wrong

        eval instant at 1m sum(x)
          expect fail regex: bad .*

        eval range from 0 to 10m step 5m http_requests
          expect no_warn
          expect info msg: PromQL info: something (1:1)
          http_requests{job="api"} 0 10 20

        eval_ordered instant at 0 sort(x)
          {a="1"} 1
          {a="2"} 2

        eval instant at 0 1 + 1
          2

        eval instant at 0 "x"
          expect string "a b"

        eval instant at 1m x[1m]
          expect range vector from 0 to 1m step 30s
          x _ 1 2

        clear

        eval_warn instant at 0 y
          expect ordered
          expect no_info

        load_with_nhcb 1m
          h_bucket{le="1"} {{schema:0 count:1}}
        """

    @Test func directives() throws {
        let s = PromQLScriptParser.parse(Self.script, name: "t.test")
        // The line after the comment inside the load block is read as a (bad) command.
        #expect(s.issues.map(\.line) == [6])
        let evals = s.evals
        #expect(evals.count == 9)
        #expect(evals[0].kind == .instant(at: 3_000_000))
        #expect(evals[0].expectedSeries.first?.values == [.float(100)])
        guard case .exactly("something went wrong")? = evals[1].expectFail else { Issue.record("\(String(describing: evals[1].expectFail))"); return }
        #expect(evals[1].query == "foo(")
        guard case .regex("bad .*")? = evals[2].expectFail else { Issue.record("regex"); return }
        #expect(evals[3].kind == .range(start: 0, end: 600_000, step: 300_000))
        #expect(evals[3].expectNoWarn)
        guard case .exactly("PromQL info: something (1:1)")? = evals[3].infoMatchers.first else { Issue.record("info"); return }
        #expect(evals[3].expectedSeries[0].values.count == 3)
        #expect(evals[4].ordered && evals[4].expectedSeries.count == 2)
        #expect(evals[5].expectedScalar == 2)
        #expect(evals[6].expectedString == "a b")
        #expect(evals[7].rangeVector?.step == 30_000)
        #expect(evals[8].requireWarn && evals[8].ordered && evals[8].expectNoInfo)
        var loads = 0, clears = 0
        for c in s.commands {
            if case .load(let l) = c { loads += 1; if l.withNHCB { #expect(l.series[0].hasHistogram) } }
            if case .clear = c { clears += 1 }
        }
        #expect(loads == 2 && clears == 1)
    }

    @Test func malformedEvalBecomesAFailingCase() {
        let s = PromQLScriptParser.parse("eval instant at nope x\n  x 1\n\neval instant at 0 y\n  y 1 2\n", name: "bad.test")
        #expect(s.evals.isEmpty)
        #expect(s.commands.count == 2)
        #expect(s.issues.count == 2)
    }

    @Test func goStrings() {
        #expect(unquoteGoString(#""a\"b\\c\x41\u00e9\101""#) == "a\"b\\cAéA")
        #expect(unquoteGoString("`raw\\n`") == "raw\\n")
        #expect(unquoteGoString(#""unterminated"#) == nil)
    }
}

/// Mutated upstream scripts never trap the script parser; every eval line still yields a
/// command (a valid eval or an invalid one reported as a failing case).
@Suite struct ScriptParserRobustnessTests {
    @Test func mutatedScriptsParse() throws {
        guard let dir = UpstreamScriptTests.upstreamDirectory() else { return }
        var rng = SplitMix64(seed: 42)
        let alphabet = Array("{}[]()\"'`\\_x+-.eE0123456789 \n\t#,=~!@:stale Inf NaN expect eval load clear {{")
        for name in ["functions.test", "operators.test", "range_queries.test", "histograms.test", "at_modifier.test"] {
            let text = Array(try String(contentsOfFile: dir + "/" + name, encoding: .utf8))
            for _ in 0..<60 {
                var t = text
                for _ in 0..<Int.random(in: 1...20, using: &rng) {
                    let i = Int.random(in: 0..<t.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: t.remove(at: i)
                    case 1: t.insert(alphabet.randomElement(using: &rng)!, at: i)
                    default: t.insert(contentsOf: t[i..<min(t.count, i + Int.random(in: 1...40, using: &rng))], at: i)
                    }
                }
                let s = PromQLScriptParser.parse(String(t), name: name)
                var evals = 0
                for c in s.commands {
                    switch c {
                    case .eval, .invalidEval: evals += 1
                    default: break
                    }
                }
                #expect(evals <= String(t).split(separator: "\n").filter { $0.drop { $0 == " " || $0 == "\t" }.lowercased().hasPrefix("eval") }.count)
            }
        }
    }

    @Test func hugeRepetitionsAreRejected() {
        #expect(throws: ScriptSyntaxError.self) { try PromQLScriptParser.parseValueSequence("1x99999999999") }
        #expect(throws: ScriptSyntaxError.self) { try PromQLScriptParser.parseValueSequence("_x99999999999") }
    }
}
