import Testing
import TidemarkStorage
@testable import TidemarkQuery

/// A self-written script run end to end on Tidemark's parser and engine.
@Suite struct EndToEndScriptTests {
    static let script = """
        # Tidemark's own end-to-end script: load, clear, instant and range evals, failures,
        # ordering, strings, scalars and staleness.
        load 1m
          http_requests_total{job="api", code="200"} 0+60x10
          http_requests_total{job="api", code="500"} 0+6x10
          http_requests_total{job="web", code="200"} 0+120x10
          temperature{room="a"} 20 21 stale 23
          temperature{room="b"} 18 _ _ 19

        eval instant at 5m sum by (job) (rate(http_requests_total[5m]))
          {job="api"} 1.1
          {job="web"} 2

        eval range from 0 to 4m step 2m sum(http_requests_total)
          {} 0 372 744

        eval instant at 2m temperature
          temperature{room="b"} 18

        eval range from 0 to 3m step 1m temperature
          temperature{room="a"} 20 21 _ 23
          temperature{room="b"} 18 18 18 19

        eval instant at 10m sort_desc(http_requests_total)
          expect ordered
          http_requests_total{job="web", code="200"} 1200
          http_requests_total{job="api", code="200"} 600
          http_requests_total{job="api", code="500"} 60

        eval instant at 0 http_requests_total + on(job) http_requests_total
          expect fail

        eval instant at 1m scalar(temperature{room="a"}) * 2
          42

        eval instant at 0 "hello"
          expect string "hello"

        eval instant at 3m rate(temperature{room="b"}[5m])
          expect info regex: might not be a counter
          {room="b"} 0.005555555555555556

        clear

        eval instant at 10m http_requests_total
        """

    @Test func ownScriptPasses() {
        let report = PromQLScriptRunner.tidemark().run(text: Self.script, name: "own.test")
        #expect(report.evalCount == 10 && report.cases.count == 10)
        for c in report.cases { #expect(c.status == .passed, "\(c.summary)") }
        #expect(report.issues.isEmpty, "\(report.issues)")
    }

    /// No upstream file uses quoted UTF-8 metric and label names; this script does.
    static let utf8Script = """
        load 1m
          {"my.metric", "host.name"="a"} 1+1x5
          {"my.metric", "host.name"="b"} 10+0x5
          plain{"odd label"="x y"} 3

        eval instant at 2m {"my.metric"}
          {"my.metric", "host.name"="a"} 3
          {"my.metric", "host.name"="b"} 10

        eval instant at 2m {"my.metric", "host.name"="b"}
          {"my.metric", "host.name"="b"} 10

        eval instant at 2m sum by ("host.name") ({"my.metric"})
          {"host.name"="a"} 3
          {"host.name"="b"} 10

        eval instant at 0 plain{"odd label"=~"x.*"}
          plain{"odd label"="x y"} 3
        """

    @Test func quotedUTF8Names() {
        let report = PromQLScriptRunner.tidemark().run(text: Self.utf8Script, name: "utf8.test")
        #expect(report.cases.count == 4)
        for c in report.cases { #expect(c.status == .passed, "\(c.summary)") }
    }

    @Test func wrongExpectationsFailWithExpectedAndGot() {
        let report = PromQLScriptRunner.tidemark().run(text: """
            load 1m
              x{a="1"} 1+1x5

            eval instant at 2m x
              x{a="1"} 4

            eval range from 0 to 2m step 1m x * 2
              {a="1"} 2 4 7

            eval instant at 0 x
              expect fail

            eval instant at 0 sum(x
              {} 1
            """, name: "wrong.test")
        let messages = report.cases.map { $0.failureMessage ?? "passed" }
        #expect(messages[0] == #"expected 4 for x{a="1"}, got 3"#)
        #expect(messages[1] == #"expected [2@0 4@60 7@120] for {a="1"}, got [2@0 4@60 6@120]"#)
        #expect(messages[2] == "expected an error, got none")
        #expect(messages[3].hasPrefix("parse error: 1:"), "\(messages[3])")
    }
}
