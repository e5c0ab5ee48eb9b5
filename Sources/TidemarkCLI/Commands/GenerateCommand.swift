import ArgumentParser
import Foundation
import TidemarkWorkloads

/// `tidemark generate`: writes the realistic node-exporter-like dataset as OpenMetrics.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write a deterministic, realistic dataset (hosts × CPU, memory, load, disk, network, HTTP) as OpenMetrics.",
        discussion: """
            The file is in the form 'promtool tsdb create-blocks-from openmetrics' and
            'tidemark import' accept, so the same input can be loaded into Prometheus and
            Tidemark to compare them.

            Examples:
              tidemark generate --hosts 100 --hours 24 --output day.om
              tidemark generate --hosts 10 --hours 1 | tidemark import --data ./data -
            """)

    @Option(help: "Number of hosts (41 series each).") var hosts: Int = 100
    @Option(help: "Hours of data.") var hours: Double = 2
    @Option(help: "Scrape interval in seconds.") var interval: Int = 10
    @Option(help: "Seed; the same seed gives the same bytes.") var seed: UInt64 = 1
    @Option(help: "Start time (Unix seconds or RFC 3339); default: the given hours before now, aligned to the hour.")
    var start: String?
    @Option(name: .shortAndLong, help: "Output file ('-' or omitted: standard output).") var output: String = "-"

    func validate() throws {
        guard hosts > 0 else { throw ValidationError("--hosts must be positive") }
        guard hours > 0 else { throw ValidationError("--hours must be positive") }
        guard interval > 0 else { throw ValidationError("--interval must be positive") }
        if let s = start, TimeArgument.parse(s) == nil { throw ValidationError("--start: cannot parse time '\(s)'") }
    }

    func run() throws {
        let workload = NodeWorkload(Self.configuration(hosts: hosts, hours: hours, interval: interval, seed: seed, start: start.flatMap { TimeArgument.parse($0) }))
        let started = Terminal.now()
        var bytes = 0
        if output == "-" {
            let out = FileHandle.standardOutput
            workload.writeOpenMetrics { chunk in
                out.write(Data(chunk))
                bytes += chunk.count
            }
        } else {
            bytes = try workload.writeOpenMetrics(toFile: output)
        }
        Terminal.warn("generated \(workload.series.count) series, \(workload.sampleCount) samples, \(Terminal.bytes(bytes)) in \(Terminal.fmt(Terminal.now() - started)) s")
    }

    /// The workload configuration for a number of hosts and hours ending about now.
    static func configuration(hosts: Int, hours: Double, interval: Int, seed: UInt64, start: Int64?) -> NodeWorkload.Configuration {
        let intervalMs = Int64(interval) * 1000
        let scrapes = Int((hours * 3_600_000 / Double(intervalMs)).rounded())
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let defaultStart = (now - Int64(hours * 3_600_000)) / 3_600_000 * 3_600_000
        return NodeWorkload.Configuration(hosts: hosts, scrapes: scrapes, seed: seed, start: start ?? defaultStart, interval: intervalMs, jitter: min(4, intervalMs / 2 - 1))
    }
}
