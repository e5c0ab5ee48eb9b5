import ArgumentParser
import Foundation
import TidemarkQuery
import TidemarkStorage

/// `tidemark query`: one PromQL query against a data directory.
struct QueryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "query",
        abstract: "Run a PromQL query (instant or range) against a data directory.",
        discussion: """
            --format json prints exactly the 'data' object of Prometheus's /api/v1/query
            (or /api/v1/query_range with --start/--end/--step): resultType and result,
            values as strings, timestamps in Unix seconds. Warnings and info annotations go
            to stderr. A failing query exits 1 with the error on stderr.

            Times: RFC 3339, Unix seconds, 'now' or relative like -1h. Steps: a duration
            (15s, 1m) or seconds.

            Examples:
              tidemark query --data ./data 'up'
              tidemark query --data ./data --time 2026-11-25T12:00:00Z 'sum by (job) (rate(http_requests_total[5m]))'
              tidemark query --data ./data --start -1h --end now --step 1m --format csv 'node_load1'
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Evaluation time of an instant query (default: now).")
    var time: String?

    @Option(help: "Start of a range query.")
    var start: String?

    @Option(help: "End of a range query.")
    var end: String?

    @Option(help: "Step of a range query: a duration like 15s or seconds.")
    var step: String?

    @Option(help: "Output format: json, table or csv.")
    var format: String = "table"

    @Argument(help: "The PromQL expression.")
    var expr: String

    func validate() throws {
        guard OutputFormat(rawValue: format) != nil else { throw ValidationError("--format: expected json, table or csv; got '\(format)'") }
        let ranged = [start, end, step].filter { $0 != nil }.count
        if ranged > 0 {
            guard ranged == 3 else { throw ValidationError("a range query needs all of --start, --end and --step") }
            guard time == nil else { throw ValidationError("--time is for instant queries; use either --time or --start/--end/--step") }
        }
        if let t = time, TimeArgument.parse(t) == nil { throw ValidationError("--time: cannot parse time '\(t)'") }
        if let s = start, TimeArgument.parse(s) == nil { throw ValidationError("--start: cannot parse time '\(s)'") }
        if let e = end, TimeArgument.parse(e) == nil { throw ValidationError("--end: cannot parse time '\(e)'") }
        if let s = step {
            guard let d = Self.parseStep(s), d > 0 else { throw ValidationError("--step: expected a positive duration like 15s or seconds; got '\(s)'") }
        }
    }

    static func parseStep(_ s: String) -> Int64? {
        if let d = TimeArgument.parseDuration(s) { return d }
        if let secs = Double(s), secs.isFinite { return Int64((secs * 1000).rounded()) }
        return nil
    }

    func run() throws {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: dataOptions.data, isDirectory: &isDir), isDir.boolValue else {
            throw CLIError("no data directory at \(dataOptions.data)")
        }
        let parsed: Expr
        do { parsed = try PromQL.parse(expr) } catch { throw CLIError("bad_data: \(error.description)\n\(error.position.caretLines(in: expr))") }
        let db = try dataOptions.open()
        defer { try? db.close() }
        let engine = Engine(storage: db, options: EngineOptions())
        let result: QueryResult
        do {
            if let s = start, let e = end, let st = step {
                let from = TimeArgument.parse(s)!, to = TimeArgument.parse(e)!, d = Self.parseStep(st)!
                guard to >= from else { throw CLIError("bad_data: end timestamp must not be before start time") }
                guard (to - from) / d <= 11_000 else {
                    throw CLIError("bad_data: exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
                }
                result = try engine.rangeQuery(parsed, start: from, end: to, step: d)
            } else {
                result = try engine.instantQuery(parsed, at: TimeArgument.parse(time ?? "now")!)
            }
        } catch let e as QueryError {
            throw CLIError("\(e.apiErrorType): \(e.message)" + (e.position.map { "\n" + $0.caretLines(in: expr) } ?? ""))
        }
        for w in result.warnings { Terminal.writeStderr("warning: \(w)\n") }
        for i in result.infos { Terminal.writeStderr("info: \(i)\n") }
        print(QueryOutput.render(result.value, as: OutputFormat(rawValue: format) ?? .table, width: Terminal.width), terminator: "")
    }
}
