/// What the REPL prints for one input: results for stdout, errors for stderr, and
/// whether to stop.
struct REPLReply: Equatable {
    var output = ""
    var errors = ""
    var quit = false
    /// The input failed (a bad query or command); piped mode exits 1 if any did.
    var failed = false

    static func error(_ message: String) -> REPLReply {
        REPLReply(errors: message.hasSuffix("\n") ? message : message + "\n", failed: true)
    }
}
