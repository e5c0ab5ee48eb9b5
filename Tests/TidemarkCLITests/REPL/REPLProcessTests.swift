import Foundation
import Testing

/// `tidemark repl`, `demo` and their `--help` as child processes with piped standard
/// input (no terminal): one input per line, plain output, exit code 1 if a line failed.
@Suite struct REPLProcessTests {
    /// A data directory holding the fixture, imported with `tidemark import`.
    func withData(_ body: (String, String) throws -> Void) throws {
        let dir = try TempDir("repl-piped")
        defer { dir.remove() }
        let file = dir.path + "/fixture.prom"
        try REPLFixture.exposition.write(toFile: file, atomically: true, encoding: .utf8)
        let imp = try tidemark(["import", "--data", dir.path + "/data", file])
        #expect(imp.status == 0, "\(imp.stderr)")
        try body(dir.path + "/data", dir.path)
    }

    @Test func pipedQueriesOnePerLine() throws {
        try withData { data, _ in
            let r = try tidemark(["repl", "--data", data], environment: ["COLUMNS": "100"], stdin: """
                :instant 1700000540
                sum by (job) (up)
                # a comment line, then an empty one

                :format csv
                node_load5

                """)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stderr.isEmpty)
            #expect(r.stdout == """
                instant queries at 1700000540
                  job   VALUE
                  api       1
                  node      1
                format csv
                series,timestamp,value
                "node_load5{instance=""a:9100""}",1700000540,4.5

                """, "\(r.stdout)")
        }
    }

    @Test func pipedErrorsGoToStderrAndExitOne() throws {
        try withData { data, _ in
            let r = try tidemark(["repl", "--data", data], environment: ["COLUMNS": "100"], stdin: ":instant 1700000540\nsum(up\nsum(up)\n:range 1\n")
            #expect(r.status == 1)
            #expect(r.stdout == "instant queries at 1700000540\n  VALUE\n      2\n", "\(r.stdout)")
            #expect(r.stderr == "sum(up\n      ^\n1:7: parse error: unclosed left parenthesis\nusage: :range START END [STEP]\n", "\(r.stderr)")
        }
    }

    @Test func executeOptionRunsInputsInOrder() throws {
        try withData { data, _ in
            let r = try tidemark(["repl", "--data", data, "-e", ":range 1700000000 1700000540 3m", "-e", "sum(up)"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.hasSuffix("  ▁█▁█     1  1.5    2     2  {}\n"), "\(r.stdout)")
        }
    }

    @Test func everyCommandHasHelpWithExamples() throws {
        for command in ["repl", "demo", "query", "import", "export", "inspect", "generate", "test-script"] {
            let r = try tidemark([command, "--help"])
            #expect(r.status == 0, "\(command)")
            #expect(r.stdout.contains("Examples:"), "\(command): \(r.stdout)")
        }
        let top = try tidemark(["--help"])
        #expect(top.status == 0 && top.stdout.contains("tidemark repl"))
        let usage = try tidemark(["repl", "--no-such-flag"])
        #expect(usage.status == 2 && usage.stdout.isEmpty && !usage.stderr.isEmpty)
    }

    @Test func demoWithoutATerminalPrintsExamplesAndExits() throws {
        let dir = try TempDir("repl-demo")
        defer { dir.remove() }
        let r = try tidemark(["demo", "--data", dir.path + "/data", "--hosts", "2", "--hours", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Try these queries"), "\(r.stdout)")
        #expect(r.stdout.contains("sum by (code) (rate(http_requests_total[5m]))"))
        #expect(r.stdout.hasSuffix("Query the data with: tidemark repl --data \(dir.path)/data\n"))
    }
}
