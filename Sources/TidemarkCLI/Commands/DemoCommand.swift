import ArgumentParser
import Foundation
import TidemarkStorage
import TidemarkWorkloads

/// `tidemark demo`: the one command a newcomer runs first. Generates a realistic
/// dataset, loads it, shows what is stored and reads a series back.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Create a data directory with a day of realistic generated data, show it, and open the REPL on it.",
        discussion: """
            Writes 100 hosts × 41 series (CPU modes, load, memory, disk and network counters,
            HTTP requests and a latency histogram) every 10 s for the last 24 hours into
            ./tidemark-data (or --data), through the bulk importer, then prints what
            'tidemark inspect' shows, reads one series back, prints three example queries
            and opens the REPL ('tidemark repl') on the data. When standard input or output
            is not a terminal (scripts, CI) or with --no-repl, it stops after the examples.

            Examples:
              tidemark demo
              tidemark demo --data /tmp/demo --hosts 300 --hours 48
              tidemark demo --no-repl
            """)

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Number of hosts.") var hosts: Int = 100
    @Option(help: "Hours of data, ending now.") var hours: Double = 24
    @Option(help: "Seed of the generator.") var seed: UInt64 = 1
    @Flag(help: "Do not open the REPL afterwards.") var noRepl = false
    @Option(help: "REPL history file (default: $TIDEMARK_HISTORY or ~/.tidemark_history).") var history: String?

    /// Queries the demo suggests, with what they show.
    static let examples: [(query: String, what: String)] = [
        ("topk(5, 100 - node_cpu_usage_percent{mode=\"idle\"})", "the five busiest hosts right now"),
        ("sum by (code) (rate(http_requests_total[5m]))", "requests per second by status code"),
        ("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", "p99 latency; try it after :range -6h now 5m, or with :plot"),
    ]

    func validate() throws {
        guard hosts > 0, hours > 0 else { throw ValidationError("--hosts and --hours must be positive") }
    }

    func run() throws {
        let db = try dataOptions.open()
        defer { try? db.close() }
        if let first = db.blocks.first {
            Terminal.warn("\(dataOptions.data) already holds data (block \(first.name)); adding the demo data again is harmless: duplicates are merged on read")
        }
        // Data up to the current 10 s (not the last full hour, as `generate` does), so the
        // REPL's queries at "now" find it.
        let now = Int64(Date().timeIntervalSince1970 * 1000)
        let start = (now - Int64(hours * 3_600_000)) / 10_000 * 10_000
        let workload = NodeWorkload(GenerateCommand.configuration(hosts: hosts, hours: hours, interval: 10, seed: seed, start: start))
        print("Generating and importing \(workload.series.count) series × \(workload.configuration.scrapes) scrapes = \(workload.sampleCount) samples into \(dataOptions.data) …")
        let started = Terminal.now()
        let importer = BulkImporter(db: db)
        let ids = workload.series.map { importer.seriesID(for: $0.labels) }
        var n = 0
        var lastProgress = started
        for s in workload {
            try importer.add(series: ids[s.series], s.timestamp, s.value)
            n += 1
            if n & 0xFFFF == 0 {
                let now = Terminal.now()
                if now - lastProgress > 0.25 {
                    lastProgress = now
                    let pct = Double(n) / Double(workload.sampleCount) * 100
                    Terminal.progress("\(Terminal.fmt(pct, decimals: 1))%  \(Terminal.human(Double(n))) samples  \(Terminal.human(Double(n) / (now - started))) samples/s")
                }
            }
        }
        let stats = try importer.finish()
        Terminal.endProgress()
        let secs = Terminal.now() - started
        print("Loaded \(stats.samples) samples of \(stats.series) series into \(stats.blocks.count) blocks in \(Terminal.fmt(secs)) s (\(Terminal.human(Double(stats.samples) / secs)) samples/s).\n")
        print(try InspectReport.make(db, verify: false).text)

        // Read one series back through the Querier, as an embedding program would.
        let matchers = [LabelMatcher.equal("__name__", "node_load1"), .equal("instance", "host-0000:9100")]
        if let series = try db.querier().select(matchers, mint: .min, maxt: .max).first {
            let samples = try series.samples()
            print("Read back \(series.labels): \(samples.count) samples; the last three:")
            for s in samples.suffix(3) { print("  \(InspectReport.time(s.timestamp))  \(s.value)") }
        }
        print("\nTry these queries (Tab completes names; :help lists the commands):")
        for e in Self.examples { print("  \(e.query)\n      \(e.what)") }
        guard !noRepl, Terminal.stdinIsTTY, Terminal.stdoutIsTTY else {
            print("\nQuery the data with: tidemark repl --data \(dataOptions.data)")
            return
        }
        print("")
        let code = REPLLauncher.run(db: db, historyFile: REPLLauncher.historyFile(history))
        if code != 0 { throw ExitCode(code) }
    }
}
