import ArgumentParser

/// The `tidemark` executable.
@main
struct Tidemark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tidemark",
        abstract: "A time-series database engine with a Prometheus-compatible data model.",
        discussion: """
            Examples:
              tidemark demo                                  generate, import and inspect a sample dataset
              tidemark import --data ./data metrics.om.gz    bulk-load exposition text
              tidemark export --data ./data --match 'node_load1'
              tidemark inspect --data ./data --format json
            """,
        subcommands: [
            DemoCommand.self, ImportCommand.self, ExportCommand.self, InspectCommand.self, GenerateCommand.self,
            CrashWriterCommand.self,
        ])
}
