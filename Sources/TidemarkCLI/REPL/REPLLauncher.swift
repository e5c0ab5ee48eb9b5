import Foundation
import TidemarkStorage

/// Starts the REPL on an open database: interactive with libedit when stdin and stdout
/// are terminals, otherwise one input per stdin line with plain output. `tidemark repl`
/// and `tidemark demo` both come through here.
enum REPLLauncher {
    /// The history file: `--history`, else `$TIDEMARK_HISTORY`, else `~/.tidemark_history`.
    static func historyFile(_ option: String?) -> String {
        if let option { return option }
        let env = ProcessInfo.processInfo.environment
        if let f = env["TIDEMARK_HISTORY"], !f.isEmpty { return f }
        return (env["HOME"] ?? ".") + "/.tidemark_history"
    }

    /// Runs `inputs` when given (like piped lines), else reads stdin. Returns the exit code.
    static func run(db: DB, historyFile: String, inputs: [String] = []) -> Int32 {
        let interactive = inputs.isEmpty && Terminal.stdinIsTTY && Terminal.stdoutIsTTY
        let session = REPLSession(db: db, cancellation: InterruptSignal.cancellation)
        if !inputs.isEmpty {
            var loop = REPLLoop(session: session, reader: ListLineReader(lines: inputs), interactive: false)
            return loop.run()
        }
        guard interactive else {
            var loop = REPLLoop(session: session, reader: PipedLineReader(), interactive: false)
            return loop.run()
        }
        InterruptSignal.install()
        session.colors = Terminal.colors
        let completion = CompletionEngine(index: StorageCompletionIndex(storage: db))
        Terminal.writeStdout(banner(db))
        var loop = REPLLoop(session: session, reader: EditlineReader(historyFile: historyFile, completion: completion), interactive: true)
        return loop.run()
    }

    static func banner(_ db: DB) -> String {
        let metrics = (try? db.querier().labelValues(metricNameLabel, []).count) ?? 0
        let samples = db.blocks.reduce(db.headSamples.samples) { $0 + $1.meta.stats.numSamples }
        var text = "Tidemark REPL on \(db.directory): \(metrics) metric names, \(NumberText.grouped(samples)) samples"
        if let newest = NewestSample.time(in: db) { text += ", the newest at \(InspectReport.time(newest))" }
        text += ".\n"
        if samples == 0 { text += "No data yet: 'tidemark demo' generates a sample dataset, :load FILE imports exposition text.\n" }
        return text + "Type a PromQL query, :help for commands; Tab completes, Ctrl-C cancels, Ctrl-D quits.\n"
    }
}

/// Inputs given on the command line (`--execute`), read like piped lines.
struct ListLineReader: LineReader {
    var lines: [String]

    mutating func read(prompt: String) -> LineReaderEvent {
        lines.isEmpty ? .endOfInput : .line(lines.removeFirst())
    }

    mutating func remember(_ input: String) {}
}
