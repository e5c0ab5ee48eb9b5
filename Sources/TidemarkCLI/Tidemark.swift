import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// The `tidemark` executable.
@main
struct Tidemark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidemark",
        abstract: "A time-series database engine with a Prometheus-compatible data model.",
        discussion: """
            Examples:
              tidemark demo                                  generate, import and inspect a sample dataset, then query it
              tidemark repl --data ./data                    query interactively (Tab completes, :help)
              tidemark query --data ./data 'topk(3, node_load1)'
              tidemark import --data ./data metrics.om.gz    bulk-load exposition text
              tidemark export --data ./data --match 'node_load1'
              tidemark inspect --data ./data --format json
            """,
        subcommands: [
            DemoCommand.self, ReplCommand.self, ImportCommand.self, ExportCommand.self, InspectCommand.self, CompactCommand.self, GenerateCommand.self,
            QueryCommand.self, ServeCommand.self, LoadTestCommand.self, TestScriptCommand.self, CrashWriterCommand.self,
        ])

    /// Runs a command; exit codes: 0 success, 1 runtime error, 2 usage error. Errors go
    /// to stderr.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Glibc.exit(0)
            }
            if !message.isEmpty { Terminal.writeStderr(message.hasPrefix("Error:") || code == .validationFailure ? message + "\n" : "Error: " + message + "\n") }
            Glibc.exit(code == .validationFailure ? 2 : code.rawValue)
        }
    }
}
