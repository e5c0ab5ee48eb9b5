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
        guard ["json", "table", "csv"].contains(format) else { throw ValidationError("--format: expected json, table or csv; got '\(format)'") }
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
        do { parsed = try PromQL.parse(expr) } catch { throw CLIError("bad_data: \(error.description)") }
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
            throw CLIError("\(e.apiErrorType): \(e.message)")
        }
        for w in result.warnings { Terminal.writeStderr("warning: \(w)\n") }
        for i in result.infos { Terminal.writeStderr("info: \(i)\n") }
        switch format {
        case "json": print(QueryOutput.json(result.value))
        case "csv": print(QueryOutput.csv(result.value), terminator: "")
        default: print(QueryOutput.table(result.value), terminator: "")
        }
    }
}

/// Renders query values as the Prometheus API's JSON, a text table, or CSV.
enum QueryOutput {
    /// The `data` object of `/api/v1/query(_range)` (the server's serializer).
    static func json(_ v: QueryValue) -> String { PrometheusJSON.data(v) }

    /// Rows of (series, timestamp, value); each series' label text is built once.
    static func rows(_ v: QueryValue) -> [[String]] {
        switch v {
        case .scalar(let t, let x): return [["scalar", PrometheusFormat.timestamp(t), PrometheusFormat.value(x)]]
        case .string(let t, let s): return [["string", PrometheusFormat.timestamp(t), s]]
        case .vector(let samples): return samples.map { [$0.labels.description, PrometheusFormat.timestamp($0.t), PrometheusFormat.value($0.v)] }
        case .matrix(let series):
            return series.flatMap { s in
                let name = s.labels.description
                return s.samples.map { [name, PrometheusFormat.timestamp($0.timestamp), PrometheusFormat.value($0.value)] }
            }
        }
    }

    static func table(_ v: QueryValue) -> String {
        let r = rows(v)
        if r.isEmpty { return "(empty \(v.resultType))\n" }
        return TextTable.render(header: ["SERIES", "TIME", "VALUE"], rows: r)
    }

    /// RFC 4180 CSV: `series,timestamp,value`, fields quoted when they hold `,`, `"` or
    /// a line break. Built in one buffer; the series field is escaped once per series.
    static func csv(_ v: QueryValue) -> String {
        func field(_ s: String) -> String {
            guard s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return s }
            var out = "\""
            for c in s.unicodeScalars {
                if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
            }
            return out + "\""
        }
        var out = "series,timestamp,value\n"
        func row(_ series: String, _ t: Int64, _ value: String) {
            out += series
            out += ","
            out += PrometheusFormat.timestamp(t)
            out += ","
            out += field(value)
            out += "\n"
        }
        switch v {
        case .scalar(let t, let x): row("scalar", t, PrometheusFormat.value(x))
        case .string(let t, let s): row("string", t, s)
        case .vector(let samples): for x in samples { row(field(x.labels.description), x.t, PrometheusFormat.value(x.v)) }
        case .matrix(let series):
            for s in series {
                let name = field(s.labels.description)
                for p in s.samples { row(name, p.timestamp, PrometheusFormat.value(p.value)) }
            }
        }
        return out
    }
}
