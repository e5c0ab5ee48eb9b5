import ArgumentParser
import Foundation
import TidemarkStorage

/// `tidemark export`: writes raw samples as exposition text, the inverse of `import`.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the raw samples of matching series as Prometheus text or OpenMetrics.",
        discussion: """
            Output parses back with 'tidemark import' to the same series, timestamps and
            values (NaN payloads, such as staleness markers, cannot be written in text and
            come back as plain NaN).

            Examples:
              tidemark export --data ./data --match 'node_load1'
              tidemark export --data ./data --match '{job="node", instance=~"host-00.*"}' --start -1h --end now
              tidemark export --data ./data --match 'up' --format openmetrics > up.om
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(name: .long, help: "Series selector, e.g. 'http_requests_total{code=~\"5..\"}' (repeatable: series matching any).")
    var match: [String]

    @Option(help: "Start of the range: RFC 3339, Unix seconds, 'now' or relative like -2h. Default: everything.")
    var start: String?

    @Option(help: "End of the range (inclusive), same forms as --start. Default: everything.")
    var end: String?

    @Option(help: "Output format: prometheus (ms timestamps) or openmetrics (seconds, '# EOF').")
    var format: String = "prometheus"

    func validate() throws {
        guard format == "prometheus" || format == "openmetrics" else { throw ValidationError("--format: expected prometheus or openmetrics; got '\(format)'") }
        guard !match.isEmpty else { throw ValidationError("--match is required") }
        for m in match {
            do { _ = try SelectorParser.parse(m) } catch { throw ValidationError("--match: \(error)") }
        }
        if let s = start, TimeArgument.parse(s) == nil { throw ValidationError("--start: cannot parse time '\(s)'") }
        if let e = end, TimeArgument.parse(e) == nil { throw ValidationError("--end: cannot parse time '\(e)'") }
    }

    func run() throws {
        let mint = start.flatMap { TimeArgument.parse($0) } ?? .min
        let maxt = end.flatMap { TimeArgument.parse($0) } ?? .max
        let db = try dataOptions.open()
        defer { try? db.close() }
        let querier = db.querier()
        var seen = Set<Labels>()
        var writer = ExpositionWriter(format: format == "openmetrics" ? .openMetrics : .prometheusText, reserveCapacity: 1 << 20)
        let out = FileHandle.standardOutput
        // OpenMetrics wants each metric family's series together: sort all by labels
        // (which groups by __name__ first) before writing.
        var all: [Series] = []
        for m in match {
            for s in try querier.select(try SelectorParser.parse(m), mint: mint, maxt: maxt) where seen.insert(s.labels).inserted {
                all.append(s)
            }
        }
        all.sort { $0.labels < $1.labels }
        for s in all {
            var it = s.makeIterator()
            while it.next() {
                writer.write(s.labels, timestamp: it.timestamp, value: it.value)
                if writer.output.count > 1 << 20 { out.write(Data(writer.takeOutput())) }
            }
            if let e = it.error { throw e }
        }
        writer.finish()
        out.write(Data(writer.takeOutput()))
    }
}
