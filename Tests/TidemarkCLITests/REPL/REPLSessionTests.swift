import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkCLI

/// Every REPL command through `REPLSession.handle`, in process, on the fixture data.
@Suite struct REPLSessionTests {
    func withSession(_ body: (REPLSession, String) throws -> Void) throws {
        let dir = try TempDir("repl-session")
        defer { dir.remove() }
        let db = try REPLFixture.makeDatabase(in: dir.path)
        defer { try? db.close() }
        let session = REPLSession(db: db)
        session.width = { 100 }
        session.now = { REPLFixture.end }
        session.timeZone = TimeZone(identifier: "UTC")!
        try body(session, dir.path)
    }

    @Test func instantQueryPrintsATable() throws {
        try withSession { s, _ in
            let r = s.handle("up")
            #expect(r == REPLReply(output: """
                common labels: up
                  instance  job   VALUE
                  a:9100    api       1
                  b:9100    node      1

                """))
            #expect(s.handle("  ").output.isEmpty)
            #expect(s.handle("1 + 1").output == "2\n")
            _ = s.handle(":instant now+1h")
            #expect(s.handle("up") == REPLReply(output: "(empty vector)\n",
                errors: "hint: the newest sample is at 2023-11-14T22:22:20Z; try :instant 1700000540 or :range with earlier times\n"))
        }
    }

    @Test func errorsShowACaret() throws {
        try withSession { s, _ in
            let parse = s.handle("sum(rate(up{job=}[5m]))")
            #expect(parse.failed && parse.output.isEmpty)
            #expect(parse.errors == """
                sum(rate(up{job=}[5m]))
                                ^
                1:17: parse error: unexpected "}" in label matching, expected string

                """)
            let multiLine = s.handle("sum(\n  rate(up[5m] )")
            #expect(multiLine.errors == "  rate(up[5m] )\n               ^\n2:16: parse error: unclosed left parenthesis\n")
            let eval = s.handle("up + on() group_left up")
            #expect(eval.failed && eval.errors.contains("^") && eval.errors.contains("execution: "), "\(eval.errors)")
            #expect(s.handle(":bogus").errors == "unknown command :bogus; :help lists the commands\n")
        }
    }

    @Test func rangeModeAndSparklines() throws {
        try withSession { s, _ in
            #expect(s.handle(":range -9m now 1m").output == "range queries from -9m to now, step 1m\n")
            let r = s.handle("up")
            #expect(r.output == """
                common labels: up
                  TREND       MIN  AVG  MAX  LAST  SERIES
                  ▄▄▄▄▄▄▄▄▄▄    1    1    1     1  {instance="a:9100", job="api"}
                  ▁█▁█▁█▁█▁█    0  0.5    1     1  {instance="b:9100", job="node"}

                """, "\(r.output)")
            #expect(s.handle(":range now -1h").failed)
            #expect(s.handle(":instant 1700000060").output == "instant queries at 1700000060\n")
            #expect(s.handle("node_load1").output.contains("0.5"))
            #expect(s.handle(":settings").output.contains("mode: instant queries at 1700000060"))
        }
    }

    @Test func formatsTimingExplain() throws {
        try withSession { s, _ in
            #expect(s.handle(":format json").output == "format json\n")
            #expect(s.handle("sum(up)").output == #"{"resultType":"vector","result":[{"metric":{},"value":[1700000540,"2"]}]}"# + "\n")
            _ = s.handle(":format csv")
            #expect(s.handle("scalar(sum(up))").output == "series,timestamp,value\nscalar,1700000540,2\n")
            _ = s.handle(":format table")
            #expect(s.handle(":timing on").output == "timing on\n")
            let timed = s.handle("sum(up)").output
            #expect(timed.contains("parse ") && timed.contains(" · plan ") && timed.contains(" · eval "), "\(timed)")
            #expect(timed.hasSuffix("10 samples read from 2 series\n"), "\(timed)")
            #expect(s.handle(":timing").output == "timing off\n")
            let plan = s.handle(":explain rate(http_requests_total[5m])").output
            #expect(plan.contains("storage selects (1):") && plan.contains("http_requests_total"), "\(plan)")
        }
    }

    @Test func indexCommands() throws {
        try withSession { s, _ in
            #expect(s.handle(":series up{job=\"api\"}").output == "up{instance=\"a:9100\", job=\"api\"}\n1 series\n")
            #expect(s.handle(":series {__name__=~\"node_.*\"}").output.hasSuffix("\n3 series\n"))
            #expect(s.handle(":series up{").failed)
            #expect(s.handle(":labels").output == "__name__\ncode\ninstance\njob\n4 label names\n")
            #expect(s.handle(":labels job").output == "api\nnode\n2 values of job\n")
            let stats = s.handle(":stats").output
            #expect(stats.contains("Blocks: 1") && stats.contains("Top metric names"), "\(stats)")
        }
    }

    @Test func loadImportsIntoTheOpenDatabase() throws {
        try withSession { s, dir in
            let file = dir + "/more.prom"
            try "extra_metric{k=\"v\"} 42 \(REPLFixture.end)\nbroken{ 1\n".write(toFile: file, atomically: true, encoding: .utf8)
            let r = s.handle(":load \(file)")
            #expect(r.output == "loaded 1 series, 1 samples from \(file) into 1 block(s); 1 bad line(s) skipped\n", "\(r)")
            #expect(s.handle("extra_metric").output.contains("42"))
            #expect(s.handle(":load \(dir)/missing.prom").failed)
        }
    }

    @Test func plotDrawsAChart() throws {
        try withSession { s, _ in
            #expect(s.handle(":plot").errors == "nothing to plot yet: :plot QUERY\n")
            s.width = { 60 }
            let chart = s.handle(":plot node_load1").output
            let lines = chart.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count == 12 + 2 + 2, "\(chart)")  // plot rows, axis and times, legend, final newline
            // The last hour by default: the ten minutes of data are on the right.
            #expect(lines[0].hasPrefix(" 4.5 ┤") && lines[6].hasPrefix("2.25 ┤") && lines[11].hasPrefix("   0 ┤"), "\(chart)")
            #expect(lines[0].hasSuffix("⡸") && lines[11].contains("⢀⡎"), "\(chart)")
            #expect(lines[13].hasPrefix("      21:22") && lines[13].hasSuffix("22:22"), "\(chart)")
            #expect(chart.contains("1. node_load1{instance=\"a:9100\"}"), "\(chart)")
            _ = s.handle("up")
            #expect(s.handle(":plot").output.contains("2. {instance=\"b:9100\", job=\"node\"}"))
            #expect(s.handle(":plot up[5m]").failed)
        }
    }

    @Test func canceledQueryStopsAndTheSessionGoesOn() throws {
        try withSession { s, _ in
            _ = s.handle(":range -1d now 10s")
            s.cancellation.cancel()
            let r = s.handle("quantile_over_time(0.5, vector(1)[1d:1s])")
            #expect(r == .error("query canceled"))
            s.cancellation.reset()
            _ = s.handle(":instant")
            #expect(s.handle("sum(up)").output.contains("2"))
        }
    }

    @Test func helpAndQuit() throws {
        try withSession { s, _ in
            let help = s.handle(":help").output
            for name in REPLCommand.names { #expect(help.contains(":" + name), "\(name)") }
            #expect(help.split(separator: "\n").allSatisfy { $0.count <= 100 }, "\(help)")  // descriptions wrap
            #expect(s.handle(":quit").quit)
        }
    }
}
