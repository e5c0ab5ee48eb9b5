import Foundation
import Testing

/// The interactive REPL in a real pseudo-terminal: libedit line editing, Tab completion,
/// multi-line input, Ctrl-C, Ctrl-D and history kept between runs.
@Suite(.enabled(if: PseudoTerminal.isAvailable, "needs util-linux script"), .serialized)
struct REPLTerminalTests {
    static let prompt = "tidemark> "

    /// A REPL on the fixture data (imported by `tidemark import`), history in `dir`.
    func startREPL(data: String, dir: String) throws -> PseudoTerminal {
        let term = try PseudoTerminal([try tidemarkExecutable().path, "repl", "--data", data, "--history", dir + "/history"],
                                      environment: ["COLUMNS": "100", "HOME": dir])
        term.expect("Ctrl-D quits.")
        return term
    }

    func withData(_ body: (String, String) throws -> Void) throws {
        let dir = try TempDir("repl-pty")
        defer { dir.remove() }
        let file = dir.path + "/fixture.prom"
        try REPLFixture.exposition.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try tidemark(["import", "--data", dir.path + "/data", file]).status == 0)
        try body(dir.path + "/data", dir.path)
    }

    @Test func completionQueriesAndQuit() throws {
        try withData { data, dir in
            let term = try startREPL(data: data, dir: dir)
            term.type(":instant 1700000540\r")
            var at = term.expect("instant queries at 1700000540")
            // Tab completes a unique metric name, then a label name, then a label value
            // with its closing quote. libedit moves the cursor and then writes the rest
            // of the word, so only the completed tail shows as one piece.
            term.type("node_load5{inst\t")
            at = term.expect("ance", after: at)
            term.type("=\"a\t")
            at = term.expect(":9100\"", after: at)
            term.type("}\r")
            at = term.expect("4.5", after: at)
            // Two Tabs list the choices; Ctrl-U clears the line.
            term.type("node_lo\t\t")
            at = term.expect("node_load15", after: at)
            term.type("\u{15}")
            // An open parenthesis continues on the next line.
            term.type("sum(\r")
            at = term.expect("... ", after: at)
            term.type("up)\r")
            at = term.expect("2", after: at)
            // A parse error shows the query with a caret.
            term.type("up{job=}\r")
            term.expect("up{job=}\r\n       ^\r\n1:8: parse error", after: at)
            term.type("\u{04}")
            #expect(term.waitForExit() == 0)
        }
    }

    @Test func ctrlCCancelsTheQueryAndTheLineButNotTheREPL() throws {
        try withData { data, dir in
            let term = try startREPL(data: data, dir: dir)
            term.type("half typed\u{03}")
            var at = term.expect("^C")
            at = term.expect(Self.prompt, after: at)
            // A query that runs for many seconds in a debug build.
            term.type(":range -1d now 10s\r")
            at = term.expect("step 10s", after: at)
            term.type("quantile_over_time(0.5, vector(1)[1d:1s])\r")
            usleep(500_000)
            let sent = Date()
            term.type("\u{03}")
            at = term.expect("query canceled", after: at, timeout: 10)
            #expect(Date().timeIntervalSince(sent) < 5)
            term.type(":instant 1700000540\r")
            at = term.expect("instant queries", after: at)
            term.type("sum(up)\r")
            term.expect("2", after: at)
            term.type(":quit\r")
            #expect(term.waitForExit() == 0, "\(term.screen)")
        }
    }

    @Test func historyPersistsBetweenRuns() throws {
        try withData { data, dir in
            let first = try startREPL(data: data, dir: dir)
            first.type("vector(7)\r")
            first.expect("VALUE")
            first.type("\u{04}")
            #expect(first.waitForExit() == 0)
            let history = try String(contentsOfFile: dir + "/history", encoding: .utf8)
            #expect(history.contains("vector(7)"), "\(history)")

            let second = try startREPL(data: data, dir: dir)
            second.type("\u{1B}[A\r")  // Up recalls the previous run's query
            second.expect("VALUE", after: second.expect("vector(7)"))
            second.type("\u{04}")
            #expect(second.waitForExit() == 0)
        }
    }
}
