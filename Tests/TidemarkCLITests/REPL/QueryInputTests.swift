import Testing
@testable import TidemarkCLI

/// Multi-line input gathering and `:command` parsing.
@Suite struct QueryInputTests {
    @Test func openBracketsContinueOnTheNextLine() {
        var b = QueryInputBuffer()
        #expect(b.add("sum by (job) (") == nil)
        #expect(b.add("  rate(http_requests_total{code=~\"5..\"}[5m])") == nil)
        #expect(b.add(")") == "sum by (job) (\n  rate(http_requests_total{code=~\"5..\"}[5m])\n)")
        #expect(b.isEmpty)
        #expect(b.add("up") == "up")
    }

    @Test func backslashAndEmptyLineAndComments() {
        var b = QueryInputBuffer()
        #expect(b.add("up \\") == nil)
        #expect(b.add("  + 1") == "up \n  + 1")
        #expect(b.add("sum(up") == nil)
        #expect(b.add("") == "sum(up")  // an empty line sends a broken query anyway
        #expect(b.add("# a comment") == nil && b.isEmpty)
        #expect(b.add("x{a=\"(\"}") == "x{a=\"(\"}")  // brackets inside strings don't count
        #expect(b.add("up # (unclosed in a comment") == "up # (unclosed in a comment")
    }

    @Test func pipedInputIsOneQueryPerLine() {
        var b = QueryInputBuffer()
        b.continuesOpenBrackets = false
        #expect(b.add("sum(up") == "sum(up")
        #expect(b.add("up \\") == nil)
        #expect(b.add("+ 1") == "up \n+ 1")
    }

    @Test func commands() throws {
        #expect(try REPLCommand.parse("  up  ") == .query("up"))
        #expect(try REPLCommand.parse(":range -1h now 1m") == .range(start: "-1h", end: "now", step: "1m"))
        #expect(try REPLCommand.parse(":range 0 100") == .range(start: "0", end: "100", step: nil))
        #expect(try REPLCommand.parse(":instant") == .instant(time: nil))
        #expect(try REPLCommand.parse(":instant 2026-11-25T12:00:00Z") == .instant(time: "2026-11-25T12:00:00Z"))
        #expect(try REPLCommand.parse(":timing on") == .timing(true))
        #expect(try REPLCommand.parse(":timing") == .timing(nil))
        #expect(try REPLCommand.parse(":format CSV") == .format(.csv))
        #expect(try REPLCommand.parse(":explain sum( rate(x[5m]) )") == .explain("sum( rate(x[5m]) )"))
        #expect(try REPLCommand.parse(":labels") == .labels(nil))
        #expect(try REPLCommand.parse(":q") == .quit)
        #expect(try REPLCommand.parse(":plot") == .plot(nil))
        #expect(throws: REPLCommand.UsageError(description: "usage: :range START END [STEP]")) { try REPLCommand.parse(":range 1") }
        #expect(throws: REPLCommand.UsageError(description: "usage: :format table|json|csv")) { try REPLCommand.parse(":format xml") }
        #expect(throws: REPLCommand.UsageError(description: "unknown command :nope; :help lists the commands")) { try REPLCommand.parse(":nope") }
    }

    @Test func rangeWindows() throws {
        let now: Int64 = 1_700_000_000_000
        #expect(try QueryMode.instant(time: nil).window(now: now) == .init(start: now, end: now, step: 0))
        #expect(try QueryMode.range(start: "-1h", end: "now", step: "1m").window(now: now) == .init(start: now - 3_600_000, end: now, step: 60_000))
        #expect(try QueryMode.range(start: "-1h", end: "now", step: nil).window(now: now).step == 15_000)
        #expect(throws: REPLCommand.UsageError.self) { try QueryMode.range(start: "now", end: "-1h", step: nil).window(now: now) }
        #expect(throws: REPLCommand.UsageError.self) { try QueryMode.range(start: "-1d", end: "now", step: "1s").window(now: now) }
        #expect(throws: REPLCommand.UsageError.self) { try QueryMode.instant(time: "yesterday").window(now: now) }
    }
}
