import Testing
@testable import TidemarkQuery
import TidemarkStorage

/// Start timestamps in scripts (`metric@st …` lines) and in the engine's counter functions.
@Suite("Start timestamps in scripts and the engine")
struct StartTimestampScriptTests {
    @Test func startTimestampLinesExpandLikeValues() throws {
        let (labels, offsets) = try PromQLScriptParser.parseStartTimestampLine(#"m{a="b"}@st _ -30s-1mx2 +1m 0 -59999msx1 1ms _x2"#)
        #expect(labels == Labels(["__name__": "m", "a": "b"]))
        #expect(offsets == [nil, -30_000, -90_000, -150_000, 60_000, 0, -59_999, -59_999, 1, nil, nil])
        #expect(try PromQLScriptParser.parseStartTimestampLine("series@st 0-1mx2").1 == [0, -60_000, -120_000])
        #expect(throws: ScriptSyntaxError.self) { try PromQLScriptParser.parseStartTimestampLine("m@st 1x") }
        #expect(throws: ScriptSyntaxError.self) { try PromQLScriptParser.parseStartTimestampLine("m@st 5q") }
    }

    @Test func loadKeepsTheOffsetsBySeries() throws {
        let script = PromQLScriptParser.parse("""
            load 1m
              a@st _ -1m
              a    1 2
              b    1 2
            """)
        guard case .load(let load) = script.commands.first else { Issue.record("no load"); return }
        #expect(load.startOffsets == [Labels(["__name__": "a"]): [nil, -60_000]])
        #expect(load.series.count == 2)
    }

    /// Cases the upstream file does not cover: a reset seen only through the start
    /// timestamp while the value still rises, idelta (which ignores starts), the first
    /// start inside and outside the window, and a subquery (which drops starts).
    static let script = """
        load 1m
          c_total@st  -20s  -80s  -140s  -30s  -90s
          c_total     10    20    30     35    40

        # Starts: −20s, −20s, −20s, 2m30s, 2m30s. The sample at 3m starts after the one
        # at 2m: a reset, though the value rises.
        eval instant at 4m resets(c_total[5m])
          {} 1

        eval instant at 4m irate(c_total[5m])
          {} 0.08333333333333333

        eval instant at 4m idelta(c_total[5m])
          {} 5

        # The first start (−20s) is inside (−1m, 4m]: the counter rose from 0 there, so
        # 40 − 10 + 30 (reset) + 10 (first value), no extrapolation to the left.
        eval instant at 4m increase(c_total[5m])
          {} 70

        eval instant at 4m rate(c_total[5m])
          {} 0.23333333333333334

        # Outside (−10s, 4m]: extrapolated as usual, 60 × 250s / 240s.
        eval instant at 4m increase(c_total[4m10s])
          {} 62.5

        # A subquery drops the starts: only value drops count.
        eval instant at 4m resets(c_total[5m:1m])
          {} 0
        """

    @Test func ownScriptPasses() {
        let report = PromQLScriptRunner.tidemark().run(text: Self.script, name: "st.test")
        #expect(report.cases.count == 7)
        for c in report.cases { #expect(c.status == .passed, "\(c.summary)") }
        #expect(report.issues.isEmpty, "\(report.issues)")
    }
}
