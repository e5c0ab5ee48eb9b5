/// A runtime failure of a command (exit code 1), as opposed to a usage error (exit 2).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
