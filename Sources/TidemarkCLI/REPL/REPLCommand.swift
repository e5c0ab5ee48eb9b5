import Foundation

/// One line of REPL input: a `:command` or a query.
enum REPLCommand: Equatable {
    case help
    case quit
    case settings
    /// Following queries run as range queries; `step` nil picks one from the span.
    case range(start: String, end: String, step: String?)
    /// Following queries run as instant queries at `time` (nil: now, each time).
    case instant(time: String?)
    case explain(String)
    /// `nil` toggles.
    case timing(Bool?)
    case series(String)
    case labels(String?)
    case format(OutputFormat)
    case load(String)
    case stats
    /// Chart of a query (nil: the last query) over the range settings.
    case plot(String?)
    case query(String)

    /// Command names, as completion offers them.
    static let names = ["help", "range", "instant", "explain", "timing", "series", "labels", "format", "load", "stats", "plot", "settings", "quit"]

    /// What a `:command` takes, for `:help` and for usage errors.
    static let usage: [(String, String)] = [
        (":help", "this text"),
        (":range START END [STEP]", "run queries as range queries (times: RFC 3339, Unix seconds, now, -1h, now-30m; STEP like 1m, default: span/240)"),
        (":instant [TIME]", "run queries as instant queries at TIME (default: now)"),
        (":explain QUERY", "show the plan: storage selects with their time ranges, then the evaluation tree"),
        (":timing on|off", "print parse, plan, fetch and eval times and the samples read after each query"),
        (":series SELECTOR", "list the series a selector matches, e.g. :series node_load1{instance=~\"host-000.*\"}"),
        (":labels [NAME]", "list label names, or the values of label NAME"),
        (":format table|json|csv", "how results are printed"),
        (":load FILE", "import Prometheus text or OpenMetrics (gzip too) into the data directory"),
        (":stats", "blocks, head, WAL and the biggest metrics (what `tidemark inspect` shows)"),
        (":plot [QUERY]", "chart QUERY (default: the last query) over the range settings (default: the last hour)"),
        (":settings", "show the current mode, format and timing"),
        (":quit", "leave (or Ctrl-D)"),
    ]

    struct UsageError: Error, Equatable, CustomStringConvertible {
        let description: String
    }

    /// Parses a complete input (already joined if it spanned several lines).
    static func parse(_ input: String) throws(UsageError) -> REPLCommand {
        let text = input.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix(":") else { return .query(text) }
        let body = text.dropFirst()
        let name = String(body.prefix { !$0.isWhitespace }).lowercased()
        let rest = body.dropFirst(name.count).trimmingCharacters(in: .whitespacesAndNewlines)
        let args = rest.split(whereSeparator: \.isWhitespace).map(String.init)
        func usage() -> UsageError {
            let form = Self.usage.first { $0.0.dropFirst().hasPrefix(name + " ") || $0.0 == ":" + name }?.0 ?? ":" + name
            return UsageError(description: "usage: \(form)")
        }
        switch name {
        case "help", "h", "?": return .help
        case "quit", "q", "exit": return .quit
        case "settings": return .settings
        case "stats": return .stats
        case "range":
            guard args.count == 2 || args.count == 3 else { throw usage() }
            return .range(start: args[0], end: args[1], step: args.count == 3 ? args[2] : nil)
        case "instant":
            guard args.count <= 1 else { throw usage() }
            return .instant(time: args.first)
        case "explain":
            guard !rest.isEmpty else { throw usage() }
            return .explain(rest)
        case "timing":
            switch args.first?.lowercased() {
            case nil: return .timing(nil)
            case "on"?: return .timing(true)
            case "off"?: return .timing(false)
            default: throw usage()
            }
        case "series":
            guard !rest.isEmpty else { throw usage() }
            return .series(rest)
        case "labels":
            guard args.count <= 1 else { throw usage() }
            return .labels(args.first)
        case "format":
            guard args.count == 1, let f = OutputFormat(rawValue: args[0].lowercased()) else { throw usage() }
            return .format(f)
        case "load":
            guard !rest.isEmpty else { throw usage() }
            return .load(rest)
        case "plot": return .plot(rest.isEmpty ? nil : rest)
        default: throw UsageError(description: "unknown command :\(name); :help lists the commands")
        }
    }
}
