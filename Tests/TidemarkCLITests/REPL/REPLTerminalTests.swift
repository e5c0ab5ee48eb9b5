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
        #expect(term.waitFor("Ctrl-D quits.") != nil, "\(term.screen)")
        return term
    }

    func withData(_ body: (String, String) throws -> Void) throws {
        let dir = try TempDir("repl-pty")
        defer { dir.remove() }
        let file = dir.path + "/fixture.prom"
        try REPLFixture.exposition.write(toFile: file, atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = try tidemarkExecutable()
        p.arguments = ["import", "--data", dir.path + "/data", file]
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        p.waitUntilExit()
        try body(dir.path + "/data", dir.path)
    }

    @Test func completionQueriesAndQuit() throws {
        try withData { data, dir in
            let term = try startREPL(data: data, dir: dir)
            term.type(":instant 1700000540\r")
            var at = term.waitFor("instant queries at 1700000540")
            #expect(at != nil, "\(term.screen)")
            // Tab completes a unique metric name, then a label name, then a label value
            // with its closing quote.
            term.type("node_load5{inst\t")
            at = term.waitFor("ance", after: at)  // libedit moves the cursor, then writes the rest of the word
            #expect(at != nil, "\(term.screen)")
            term.type("=\"a\t")
            at = term.waitFor(":9100\"", after: at)  // libedit redraws with cursor moves in between
            #expect(at != nil, "\(term.screen)")
            term.type("}\r")
            at = term.waitFor("4.5", after: at)
            #expect(at != nil, "completed query did not run: \(term.screen)")
            // Two Tabs list the choices.
            term.type("node_lo\t\t")
            at = term.waitFor("node_load15", after: at)
            #expect(at != nil, "\(term.screen)")
            term.type("\u{15}")  // Ctrl-U clears the line
            // An open parenthesis continues on the next line.
            term.type("sum(\r")
            at = term.waitFor("... ", after: at)
            #expect(at != nil, "\(term.screen)")
            term.type("up)\r")
            at = term.waitFor("2", after: at)
            #expect(at != nil, "\(term.screen)")
            // A parse error shows a caret.
            term.type("up{job=}\r")
            at = term.waitFor("1:8: parse error", after: at)
            #expect(at != nil, "\(term.screen)")
            #expect(term.screen.contains("up{job=}\r\n       ^"), "\(term.screen)")
            term.type("\u{04}")
            #expect(term.waitForExit() == 0)
        }
    }

    @Test func ctrlCCancelsTheQueryAndTheLineButNotTheREPL() throws {
        try withData { data, dir in
            let term = try startREPL(data: data, dir: dir)
            term.type("half typed\u{03}")
            var at = term.waitFor("^C")
            #expect(term.waitFor(Self.prompt, after: at) != nil, "\(term.screen)")
            // A query that runs for many seconds in a debug build.
            term.type(":range -1d now 10s\r")
            at = term.waitFor("step 10s", after: at)
            term.type("quantile_over_time(0.5, vector(1)[1d:1s])\r")
            usleep(500_000)
            let sent = Date()
            term.type("\u{03}")
            at = term.waitFor("query canceled", after: at, timeout: 10)
            #expect(at != nil, "\(term.screen)")
            #expect(Date().timeIntervalSince(sent) < 5)
            term.type(":instant 1700000540\r")
            at = term.waitFor("instant queries", after: at)
            term.type("sum(up)\r")
            #expect(term.waitFor("2", after: at) != nil, "\(term.screen)")
            term.type(":quit\r")
            #expect(term.waitForExit() == 0, "\(term.screen)")
        }
    }

    @Test func historyPersistsBetweenRuns() throws {
        try withData { data, dir in
            let first = try startREPL(data: data, dir: dir)
            first.type("vector(7)\r")
            #expect(first.waitFor("VALUE") != nil, "\(first.screen)")
            first.type("\u{04}")
            #expect(first.waitForExit() == 0)
            let history = try String(contentsOfFile: dir + "/history", encoding: .utf8)
            #expect(history.contains("vector(7)"), "\(history)")

            let second = try startREPL(data: data, dir: dir)
            second.type("\u{1B}[A")  // Up: the previous run's query
            #expect(second.waitFor("vector(7)") != nil, "\(second.screen)")
            second.type("\r")
            #expect(second.waitFor("VALUE") != nil, "\(second.screen)")
            second.type("\u{04}")
            #expect(second.waitForExit() == 0)
        }
    }
}
