import Foundation
import TidemarkQuery
import TidemarkStorage

/// The REPL without a terminal: settings, and what each input prints. The line editor
/// (`REPLLoop`) feeds it complete inputs; tests call `handle` directly.
final class REPLSession {
    let db: DB
    /// Flipped (by Ctrl-C) to stop the running query.
    let cancellation: QueryCancellation
    var mode: QueryMode = .instant(time: nil)
    var format: OutputFormat = .table
    var timing = false
    /// Columns available for tables and charts.
    var width: () -> Int = { Terminal.width }
    /// ANSI colours in charts.
    var colors = false
    var timeZone: TimeZone = .current
    /// The clock `now` and relative times are resolved against (ms).
    var now: () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }
    /// The last query run (`:plot` without a query charts it).
    private(set) var lastQuery: String?

    init(db: DB, cancellation: QueryCancellation = QueryCancellation()) {
        self.db = db
        self.cancellation = cancellation
    }

    /// Runs one complete input (a query or a `:command`).
    func handle(_ input: String) -> REPLReply {
        let command: REPLCommand
        do { command = try REPLCommand.parse(input) } catch { return .error(error.description) }
        switch command {
        case .query(let q): return q.isEmpty ? REPLReply() : runQuery(q)
        case .help: return REPLReply(output: Self.helpText(width: width()))
        case .quit: return REPLReply(quit: true)
        case .settings: return REPLReply(output: settingsText)
        case .range, .instant: return setMode(command)
        case .timing(let on):
            timing = on ?? !timing
            return REPLReply(output: "timing \(timing ? "on" : "off")\n")
        case .format(let f):
            format = f
            return REPLReply(output: "format \(f.rawValue)\n")
        case .explain(let q): return explain(q)
        case .series(let s): return series(s)
        case .labels(let name): return labels(name)
        case .load(let file): return load(file)
        case .stats:
            do { return REPLReply(output: try InspectReport.make(db, verify: false).text) } catch { return .error("\(error)") }
        case .plot(let q): return plot(q)
        }
    }

    // MARK: - Queries

    private func engine() -> Engine {
        var options = EngineOptions()
        options.cancellation = cancellation
        return Engine(storage: db, options: options)
    }

    private func parse(_ text: String) -> Result<Expr, ParseError> {
        do { return .success(try PromQL.parse(text)) } catch { return .failure(error) }
    }

    func runQuery(_ text: String) -> REPLReply {
        lastQuery = text
        let began = Terminal.now()
        let expr: Expr
        switch parse(text) {
        case .success(let e): expr = e
        case .failure(let e): return .error(e.annotated(text))
        }
        let parseSeconds = Terminal.now() - began
        let window: QueryMode.Window
        do { window = try mode.window(now: now()) } catch { return .error(error.description) }
        let result: QueryResult
        do {
            result = window.step == 0
                ? try engine().instantQuery(expr, at: window.start)
                : try engine().rangeQuery(expr, start: window.start, end: window.end, step: window.step)
        } catch {
            return .error(error.kind == .canceled ? "query canceled" : error.annotated(text))
        }
        var reply = REPLReply(output: QueryOutput.render(result.value, as: format, width: width()))
        if case .vector(let v) = result.value, v.isEmpty, let hint = staleDataHint(at: window.start) { reply.errors += hint }
        for w in result.warnings { reply.errors += "warning: \(w)\n" }
        for i in result.infos { reply.errors += "info: \(i)\n" }
        if timing { reply.output += Self.timingLine(parseSeconds: parseSeconds, result) }
        return reply
    }

    /// A hint when an instant query ran after the newest data by more than the lookback
    /// (a common surprise with imported data): where the data ends.
    func staleDataHint(at time: Int64) -> String? {
        guard let newest = NewestSample.time(in: db), time - newest > EngineOptions().lookbackDelta else { return nil }
        return "hint: the newest sample is at \(InspectReport.time(newest)); try :instant \(PrometheusFormat.timestamp(newest)) or :range with earlier times\n"
    }

    static func timingLine(parseSeconds: Double, _ r: QueryResult) -> String {
        let t = r.timings
        return "parse \(NumberText.duration(seconds: parseSeconds)) · plan \(NumberText.duration(seconds: t.planSeconds))"
            + " · fetch \(NumberText.duration(seconds: t.fetchSeconds)) · eval \(NumberText.duration(seconds: t.evalSeconds))"
            + " · \(NumberText.grouped(r.stats.samplesRead)) samples read from \(NumberText.grouped(r.stats.seriesRead)) series\n"
    }

    private func explain(_ text: String) -> REPLReply {
        let expr: Expr
        switch parse(text) {
        case .success(let e): expr = e
        case .failure(let e): return .error(e.annotated(text))
        }
        do {
            let w = try mode.window(now: now())
            return REPLReply(output: engine().explain(expr, start: w.start, end: w.end, step: w.step) + "\n")
        } catch {
            return .error(error.description)
        }
    }

    private func plot(_ query: String?) -> REPLReply {
        guard let text = query ?? lastQuery else { return .error("nothing to plot yet: :plot QUERY") }
        lastQuery = text
        let expr: Expr
        switch parse(text) {
        case .success(let e): expr = e
        case .failure(let e): return .error(e.annotated(text))
        }
        let chart = LineChart(width: min(width(), 160), height: 12, colors: colors, timeZone: timeZone)
        var window: QueryMode.Window
        do {
            let range: QueryMode = if case .range = mode { mode } else { .range(start: "-1h", end: "now", step: nil) }
            window = try range.window(now: now())
            if case .range(_, _, nil) = range {
                window.step = QueryMode.autoStep(window.end - window.start, points: Int64(chart.width) * 2)
            }
        } catch {
            return .error(error.description)
        }
        do {
            let result = try engine().rangeQuery(expr, start: window.start, end: window.end, step: window.step)
            guard case .matrix(let series) = result.value else { return .error("a chart needs a range result") }
            return REPLReply(output: chart.render(series, start: window.start, end: window.end))
        } catch {
            return .error(error.kind == .canceled ? "query canceled" : error.annotated(text))
        }
    }

    // MARK: - Settings

    private func setMode(_ command: REPLCommand) -> REPLReply {
        let next: QueryMode
        switch command {
        case .range(let s, let e, let st): next = .range(start: s, end: e, step: st)
        case .instant(let t): next = .instant(time: t)
        default: return REPLReply()
        }
        do { _ = try next.window(now: now()) } catch { return .error(error.description) }
        mode = next
        return REPLReply(output: "\(mode)\n")
    }

    var settingsText: String {
        "data: \(db.directory)\nmode: \(mode)\nformat: \(format.rawValue)\ntiming: \(timing ? "on" : "off")\n"
    }

    // MARK: - Index and data

    /// Most series `:series` lists.
    static let seriesListLimit = 50

    private func series(_ selector: String) -> REPLReply {
        do {
            let matchers = try SelectorParser.parse(selector)
            let found = try db.querier().select(matchers, mint: .min, maxt: .max)
            var out = found.prefix(Self.seriesListLimit).map { "\($0.labels)\n" }.joined()
            if found.count > Self.seriesListLimit { out += "… \(found.count - Self.seriesListLimit) more\n" }
            out += "\(found.count) series\n"
            return REPLReply(output: out)
        } catch {
            return .error("\(error)")
        }
    }

    private func labels(_ name: String?) -> REPLReply {
        do {
            let q = db.querier()
            let list = try name.map { try q.labelValues($0, []) } ?? q.labelNames([])
            let what = name.map { "values of \($0)" } ?? "label names"
            return REPLReply(output: list.map { $0 + "\n" }.joined() + "\(list.count) \(what)\n")
        } catch {
            return .error("\(error)")
        }
    }

    private func load(_ file: String) -> REPLReply {
        let started = Terminal.now()
        let importer = BulkImporter(db: db)
        var run = ImportRun(importer: importer, strict: false, started: started)
        do {
            try run.importFile(file, format: nil, defaultTimestamp: now())
            let stats = try importer.finish()
            Terminal.endProgress()
            var line = "loaded \(stats.series) series, \(stats.samples) samples from \(file) into \(stats.blocks.count) block(s)"
            if run.badLines > 0 { line += "; \(run.badLines) bad line(s) skipped" }
            return REPLReply(output: line + "\n")
        } catch {
            Terminal.endProgress()
            return .error("\(error)")
        }
    }

    static func helpText(width: Int) -> String {
        var out = "Type a PromQL query and press Enter; an open bracket or a trailing \\ continues on the next line.\n"
        out += "Tab completes metric, label and function names and label values. Ctrl-C cancels, Ctrl-D quits.\n\n"
        out += TextTable.render(header: ["COMMAND", "WHAT IT DOES"], rows: REPLCommand.usage.map { [$0.0, $0.1] }, width: width, separator: " ")
        out += """

            Examples:
              rate(node_network_receive_bytes_total[5m])
              sum by (code) (rate(http_requests_total[5m]))
              :range -6h now 5m
              :plot avg by (mode) (node_cpu_usage_percent)

            """
        return out
    }
}
