import ArgumentParser

/// `tidemark repl`: the interactive query shell.
struct ReplCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repl",
        abstract: "Query a data directory interactively with PromQL.",
        discussion: """
            On a terminal: line editing, history kept between runs, Tab completion of metric,
            label and function names and label values, multi-line input while a bracket is
            open, Ctrl-C cancels the running query, Ctrl-D quits. Instant results print as a
            table, range results as one sparkline per series; :plot draws a chart. :help
            lists the commands (:range, :instant, :explain, :timing, :series, :labels,
            :format, :load, :stats, :plot).

            When standard input is not a terminal, each line is one query or :command and
            output is plain; the exit code is 1 if any line failed.

            Examples:
              tidemark repl                                  the data in ./tidemark-data
              tidemark repl --data /var/lib/tidemark
              echo 'topk(3, node_load1)' | tidemark repl --data ./data
              tidemark repl -e ':range -1h now 1m' -e 'sum(rate(http_requests_total[5m]))'
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "History file (default: $TIDEMARK_HISTORY or ~/.tidemark_history).")
    var history: String?

    @Option(name: [.short, .customLong("execute")], help: "Run this query or :command instead of reading input (repeatable).")
    var execute: [String] = []

    func run() throws {
        let db = try dataOptions.open()
        defer { try? db.close() }
        let code = REPLLauncher.run(db: db, historyFile: REPLLauncher.historyFile(history), inputs: execute)
        if code != 0 { throw ExitCode(code) }
    }
}
