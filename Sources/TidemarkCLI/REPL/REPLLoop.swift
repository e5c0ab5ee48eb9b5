/// Reads inputs, hands complete ones to the session and prints the replies: results to
/// stdout, errors to stderr.
struct REPLLoop {
    let session: REPLSession
    var reader: any LineReader
    /// On a terminal: prompts, history, multi-line input for open brackets, Ctrl-C.
    let interactive: Bool

    static let prompt = "tidemark> "
    static let continuationPrompt = "      ... "

    /// Runs until Ctrl-D, `:quit` or the end of input. Returns the exit code: 1 when a
    /// piped input failed, else 0.
    mutating func run() -> Int32 {
        var buffer = QueryInputBuffer()
        buffer.continuesOpenBrackets = interactive
        var failed = false
        while true {
            switch reader.read(prompt: buffer.isEmpty ? Self.prompt : Self.continuationPrompt) {
            case .endOfInput:
                if interactive {
                    Terminal.writeStdout("\n")
                    return 0
                }
                if !buffer.isEmpty, run(buffer.text).failed { failed = true }
                return failed ? 1 : 0
            case .interrupted:
                buffer.reset()
                Terminal.writeStdout("^C\n")
            case .line(let line):
                guard let input = buffer.add(line) else { continue }
                reader.remember(input)
                let reply = run(input)
                if reply.failed { failed = true }
                if reply.quit { return interactive ? 0 : (failed ? 1 : 0) }
            }
        }
    }

    private func run(_ input: String) -> REPLReply {
        session.cancellation.reset()
        _ = InterruptSignal.takePending()
        let reply = session.handle(input)
        // The terminal echoed ^C where the cursor was; start the reply on a new line.
        if interactive && InterruptSignal.takePending() { Terminal.writeStdout("\n") }
        Terminal.writeStdout(reply.output)
        if !reply.errors.isEmpty { Terminal.writeStderr(reply.errors) }
        return reply
    }
}
