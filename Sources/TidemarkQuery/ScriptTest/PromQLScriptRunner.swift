import Foundation
import TidemarkStorage

/// Runs PromQL test scripts (Prometheus's `promqltest` language) against a backend,
/// loading each data set into a fresh `DB` in a temporary directory.
///
/// Every `eval` is one case: passed, failed (with what was expected and what came back),
/// or skipped because it needs native histograms (`{{…}}` data or expectations, or
/// `load_with_nhcb`), which Tidemark does not store yet.
public struct PromQLScriptRunner {
    public struct Options: Sendable {
        /// Re-run each instant query with `@ t` added to its selectors at other evaluation
        /// times, as the reference runner does (step invariance).
        public var checkAtModifierVariants = true
        /// Re-run each instant query as a range query around its time and compare the
        /// middle step, as the reference runner does.
        public var checkRangeMode = true
        /// Where the temporary data directories go.
        public var temporaryDirectory = NSTemporaryDirectory()
        public init() {}
    }

    public typealias BackendFactory = (DB) -> any PromQLScriptBackend

    public var options: Options
    let makeBackend: BackendFactory

    public init(options: Options = Options(), backend: @escaping BackendFactory) {
        self.options = options
        self.makeBackend = backend
    }

    // MARK: reports

    public enum CaseStatus: Sendable, Equatable {
        case passed
        case failed(String)
        /// Not run: the case needs native histograms.
        case nativeHistogram
    }

    public struct CaseResult: Sendable {
        public var file: String
        public var line: Int
        public var query: String
        public var status: CaseStatus
        /// The case is in a file that needs experimental PromQL features.
        public var experimental: Bool

        public var failureMessage: String? { if case .failed(let m) = status { return m } else { return nil } }
        /// `file:line: query: message`.
        public var summary: String {
            switch status {
            case .passed: return "\(file):\(line): \(query): passed"
            case .nativeHistogram: return "\(file):\(line): \(query): needs native histograms"
            case .failed(let m): return "\(file):\(line): \(query): \(m)"
            }
        }
    }

    public struct FileReport: Sendable {
        public var file: String
        public var cases: [CaseResult]
        /// Lines the script parser rejected, and loads that failed.
        public var issues: [String]
        /// How many `eval` lines the file has (every one yields a case).
        public var evalCount: Int

        public var passed: Int { cases.filter { $0.status == .passed }.count }
        public var failed: Int { cases.filter { $0.failureMessage != nil }.count }
        public var nativeHistogram: Int { cases.filter { $0.status == .nativeHistogram }.count }
    }

    public struct Totals: Sendable, Equatable, CustomStringConvertible {
        public var passed = 0
        public var failed = 0
        public var nativeHistogram = 0
        public var total: Int { passed + failed + nativeHistogram }
        public init() {}
        public init(_ reports: [FileReport]) {
            for r in reports {
                passed += r.passed
                failed += r.failed
                nativeHistogram += r.nativeHistogram
            }
        }
        public var description: String { "\(passed) passed, \(failed) failed, \(nativeHistogram) native histogram" }
    }

    /// Files whose cases need experimental PromQL features (enabled in the reference runner).
    public static let experimentalFiles: Set<String> = [
        "duration_expression.test", "fill-modifier.test", "extended_vectors.test", "info.test", "limit.test",
        "type_and_unit.test", "name_label_dropping.test", "start_timestamps.test",
    ]

    // MARK: running

    public func run(file path: String) throws -> FileReport {
        // Invalid UTF-8 is repaired rather than refused.
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        let name = (path as NSString).lastPathComponent
        return run(script: PromQLScriptParser.parse(text, name: name), displayName: path)
    }

    public func run(text: String, name: String = "<script>") -> FileReport {
        run(script: PromQLScriptParser.parse(text, name: name), displayName: name)
    }

    public func run(script: PromQLScript, displayName: String? = nil) -> FileReport {
        let file = displayName ?? script.name
        let experimental = Self.experimentalFiles.contains((script.name as NSString).lastPathComponent)
        var report = FileReport(file: file, cases: [], issues: script.issues.map(\.description), evalCount: 0)
        var data = DataSet(root: options.temporaryDirectory)
        defer { data.close() }

        for command in script.commands {
            switch command {
            case .clear:
                data.close()
                data = DataSet(root: options.temporaryDirectory)
            case .load(let load):
                if let problem = data.load(load) { report.issues.append("line \(load.line): load failed: \(problem)") }
            case .invalidEval(let line, let query, let message):
                report.evalCount += 1
                report.cases.append(CaseResult(file: file, line: line, query: query, status: .failed("invalid eval: \(message)"), experimental: experimental))
            case .eval(let eval):
                report.evalCount += 1
                let status: CaseStatus
                let backend = data.backend(makeBackend)
                if eval.expectsHistogram || data.readsHistograms(eval.query, backend) {
                    status = .nativeHistogram
                } else {
                    status = backend.map { runCase(eval, $0) } ?? .failed("cannot open a data directory: \(data.openError ?? "?")")
                }
                report.cases.append(CaseResult(file: file, line: eval.line, query: eval.query, status: status, experimental: experimental))
            }
        }
        return report
    }

    /// The data loaded since the last `clear`: a DB in its own temporary directory, opened
    /// on the first load.
    struct DataSet {
        let root: String
        var directory: String?
        var db: DB?
        var openError: String?
        var cachedBackend: (any PromQLScriptBackend)?
        /// Label sets of the series loaded with native-histogram samples (or made by
        /// `load_with_nhcb` from classic histogram series).
        var histogramSeries: Set<Labels> = []

        init(root: String) { self.root = root }

        mutating func open() -> DB? {
            if let db { return db }
            if openError != nil { return nil }
            let dir = root + "/tidemark-script-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
            var o = DBOptions()
            o.backgroundCompaction = false
            o.walSyncPolicy = .never
            do {
                let d = try DB.open(dir, options: o)
                directory = dir
                db = d
                return d
            } catch {
                openError = "\(error)"
                try? FileManager.default.removeItem(atPath: dir)
                return nil
            }
        }

        mutating func backend(_ make: BackendFactory) -> (any PromQLScriptBackend)? {
            if let cachedBackend { return cachedBackend }
            guard let db = open() else { return nil }
            let b = make(db)
            cachedBackend = b
            return b
        }

        /// Appends the float series of a load; returns a problem description, if any.
        mutating func load(_ load: LoadCommand) -> String? {
            if load.withNHCB {
                for s in load.series {
                    guard let name = s.labels.metricName else { continue }
                    histogramSeries.insert(s.labels.removing(["le"]).setting(metricNameLabel, to: Self.histogramBaseName(name)))
                }
            }
            guard let db = open() else { return openError }
            cachedBackend = nil  // New data: engines may cache.
            let app = db.appender()
            var problems: [String] = []
            // A series defined twice in one load keeps its last definition (as upstream).
            var latest: [Labels: Int] = [:]
            for (i, s) in load.series.enumerated() { latest[s.labels] = i }
            for (i, s) in load.series.enumerated() where latest[s.labels] == i {
                if s.hasHistogram {
                    histogramSeries.insert(s.labels)
                    continue
                }
                let starts = load.startOffsets[s.labels] ?? []
                var t: Int64 = 0
                for (i, v) in s.values.enumerated() {
                    defer { t &+= load.interval }
                    guard case .float(let f) = v else { continue }
                    // A start timestamp line gives each sample's start relative to its time.
                    let st = i < starts.count ? starts[i].map { t &+ $0 } : nil
                    do { try app.append(s.labels, t, f, startTimestamp: st) } catch {
                        problems.append("\(s.labels) at \(t): \(error)")
                        break
                    }
                }
            }
            do { try app.commit() } catch { return "commit: \(error)" }
            return problems.isEmpty ? nil : problems.prefix(3).joined(separator: "; ")
        }

        /// `foo_bucket`/`foo_count`/`foo_sum` → `foo` (the NHCB series' name).
        static func histogramBaseName(_ name: String) -> String {
            for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) {
                return String(name.dropLast(suffix.count))
            }
            return name
        }

        /// Whether the query selects a series loaded with native-histogram samples: some
        /// selector of the parsed query matches its labels (or, when the query does not
        /// parse, its metric name appears in the text).
        func readsHistograms(_ query: String, _ backend: (any PromQLScriptBackend)?) -> Bool {
            guard !histogramSeries.isEmpty else { return false }
            guard let backend, let expr = try? backend.parse(query) else {
                return histogramSeries.contains { $0.metricName.map { Self.mentions(query, $0) } ?? false }
            }
            let selectors = SelectorCollector.selectors(in: expr)
            return selectors.contains { sel in
                histogramSeries.contains { series in sel.matchers.allSatisfy { $0.matches(series[$0.name] ?? "") } }
            }
        }

        /// `name` appears in `query` as a whole identifier (also inside quotes).
        static func mentions(_ query: String, _ name: String) -> Bool {
            let q = Array(query.utf8), n = Array(name.utf8)
            guard !n.isEmpty, q.count >= n.count else { return false }
            func isIdent(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 58 }
            var i = 0
            while i + n.count <= q.count {
                if q[i..<(i + n.count)].elementsEqual(n) {
                    let before = i == 0 ? UInt8(32) : q[i - 1]
                    let after = i + n.count == q.count ? UInt8(32) : q[i + n.count]
                    if !isIdent(before) && !isIdent(after) { return true }
                }
                i += 1
            }
            return false
        }

        mutating func close() {
            cachedBackend = nil
            if let db { try? db.close() }
            db = nil
            if let directory { try? FileManager.default.removeItem(atPath: directory) }
            directory = nil
        }
    }

    // MARK: one case

    func runCase(_ eval: EvalCommand, _ backend: any PromQLScriptBackend) -> CaseStatus {
        let expr: Expr
        do {
            expr = try backend.parse(eval.query)
        } catch {
            if let m = eval.expectFail {
                return m.matches(error.message) ? .passed : .failed("expected error matching \(m), got: \(error.message)")
            }
            return .failed("parse error: \(error.message)")
        }
        switch eval.kind {
        case .range(let start, let end, let step):
            let out: ScriptQueryOutput
            do {
                out = try backend.rangeQuery(expr, start: start, end: end, step: step)
            } catch {
                return failureStatus(eval, error)
            }
            if eval.expectFail != nil { return .failed("expected an error, got none") }
            if let m = checkAnnotations(eval, out) { return .failed(m) }
            if let m = compare(eval, out.value, start: start, end: end, step: step) { return .failed(m) }
            return .passed
        case .instant(let at):
            var evalTime = at
            var start = at, end = at, step: Int64 = 0
            if let rv = eval.rangeVector { evalTime = rv.end; start = rv.start; end = rv.end; step = rv.step }
            var variants: [(Expr, Int64, String)] = [(expr, evalTime, "")]
            // Queries reading the query's own range (start(), end(), range(), step()) are
            // not varied: their value depends on the query, not on the selectors.
            if options.checkAtModifierVariants, !Self.usesQueryContext(eval.query), var pinned = AtModifierVariant.pin(expr, at: evalTime) {
                do { pinned = try backend.reprint(pinned) } catch { return .failed("@ variant: \(error.message)") }
                for t in AtModifierVariant.evaluationTimes(for: evalTime) {
                    variants.append((pinned, t, " (with @ \(PrometheusFormat.timestamp(evalTime)) added, evaluated at \(PrometheusFormat.timestamp(t)))"))
                }
            }
            for (e, t, note) in variants {
                if let m = runInstant(eval, backend, e, at: t, start: start, end: end, step: step) { return .failed(m + note) }
            }
            return .passed
        }
    }

    func failureStatus(_ eval: EvalCommand, _ error: ScriptQueryFailure) -> CaseStatus {
        guard let m = eval.expectFail else { return .failed("error: \(error.message)") }
        return m.matches(error.message) ? .passed : .failed("expected error matching \(m), got: \(error.message)")
    }

    /// Queries whose value depends on the query's range (`start()`, `end()`, `range()`,
    /// `step()`) are not compared in range mode.
    static func usesQueryContext(_ q: String) -> Bool {
        ["start()", "end()", "range()", "step()"].contains { q.contains($0) }
    }

    /// One instant evaluation and its range-mode twin; nil when it passes.
    func runInstant(_ eval: EvalCommand, _ backend: any PromQLScriptBackend, _ expr: Expr, at t: Int64, start: Int64, end: Int64, step: Int64) -> String? {
        let out: ScriptQueryOutput
        do {
            out = try backend.instantQuery(expr, at: t)
        } catch {
            if case .failed(let m) = failureStatus(eval, error) { return m }
            return nil
        }
        if eval.expectFail != nil { return "expected an error, got none" }
        if let m = checkAnnotations(eval, out) { return m }
        if let m = compare(eval, out.value, start: start, end: end, step: step) { return m }

        guard options.checkRangeMode, eval.rangeVector == nil, eval.expectedString == nil,
              !Self.usesQueryContext(eval.query) else { return nil }
        let ranged: ScriptQueryOutput
        do {
            ranged = try backend.rangeQuery(expr, start: t &- 60_000, end: t &+ 60_000, step: 60_000)
        } catch {
            return "error in range mode: \(error.message)"
        }
        if eval.ordered { return nil }
        guard case .matrix(let series) = ranged.value else { return "range mode returned a \(Self.typeName(ranged.value)), not a matrix" }
        if let m = Self.checkSorted(series) { return "range mode: " + m }
        var vec: [VectorSample] = []
        for s in series {
            if let p = s.samples.first(where: { $0.timestamp == t }) { vec.append(VectorSample(labels: s.labels, t: t, v: p.value)) }
        }
        let value: QueryValue
        if case .scalar = out.value {
            guard let first = vec.first else { return "range mode: no value at the evaluation time for a scalar result" }
            value = .scalar(t: t, v: first.v)
        } else {
            value = .vector(vec)
        }
        if let m = compare(eval, value, start: start, end: end, step: step) { return "range mode: " + m }
        return nil
    }

    // MARK: checks

    func checkAnnotations(_ eval: EvalCommand, _ out: ScriptQueryOutput) -> String? {
        if eval.requireWarn && out.warnings.isEmpty { return "expected warnings, got none" }
        if eval.requireInfo && out.infos.isEmpty { return "expected info annotations, got none" }
        func check(_ kind: String, _ matchers: [MessageMatcher], _ actual: [String]) -> String? {
            guard !matchers.isEmpty else { return nil }
            if actual.isEmpty { return "expected \(kind) annotations, got none" }
            for m in matchers where !actual.contains(where: m.matches) {
                return "expected \(kind) annotation matching \(m), got: \(Self.list(actual))"
            }
            for a in actual where !matchers.contains(where: { $0.matches(a) }) {
                return "unexpected \(kind) annotation \"\(a)\""
            }
            return nil
        }
        if let m = check("warn", eval.warnMatchers, out.warnings) { return m }
        if let m = check("info", eval.infoMatchers, out.infos) { return m }
        if eval.expectNoWarn && !out.warnings.isEmpty { return "unexpected warnings: \(Self.list(out.warnings))" }
        if eval.expectNoInfo && !out.infos.isEmpty { return "unexpected info annotations: \(Self.list(out.infos))" }
        return nil
    }

    static func list(_ a: [String]) -> String { "[" + a.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    static func typeName(_ v: QueryValue) -> String {
        switch v {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }

    static func checkSorted(_ series: [RangeSeries]) -> String? {
        for (a, b) in zip(series, series.dropFirst()) where b.labels < a.labels {
            return "matrix not sorted by labels: \(b.labels) comes after \(a.labels)"
        }
        return nil
    }

    /// Compares a result with the expectations; nil when they agree.
    func compare(_ eval: EvalCommand, _ value: QueryValue, start: Int64, end: Int64, step: Int64) -> String? {
        let expectScalar = eval.expectedScalar != nil
        switch value {
        case .matrix(let series):
            if eval.ordered { return "expected ordered result, but query returned a matrix" }
            if expectScalar { return "expected scalar \(PrometheusFormat.goFloat(eval.expectedScalar!)), got a matrix of \(series.count) series" }
            if let m = Self.checkSorted(series) { return m }
            var seen = Set<Labels>()
            for s in series {
                guard let exp = eval.expectedSeries.first(where: { $0.labels == s.labels }) else {
                    return "unexpected series \(s.labels) with \(Self.points(s.samples))"
                }
                seen.insert(s.labels)
                var expected: [Sample] = []
                for (i, v) in exp.values.enumerated() {
                    let t = start &+ Int64(i) &* step
                    if t > end { return "expected \(exp.values.count) points for \(exp.labels), but the query range cannot hold that many" }
                    if case .float(let f) = v { expected.append(Sample(t, f)) }
                }
                if expected.count != s.samples.count {
                    return "expected \(Self.points(expected)) for \(exp.labels), got \(Self.points(s.samples))"
                }
                for (e, a) in zip(expected, s.samples) {
                    if e.timestamp != a.timestamp || !ScriptComparison.almostEqual(e.value, a.value) {
                        return "expected \(Self.points(expected)) for \(exp.labels), got \(Self.points(s.samples))"
                    }
                }
            }
            for e in eval.expectedSeries where !seen.contains(e.labels) {
                return "expected series \(e.labels) not found (got \(series.count) series: \(series.prefix(3).map { $0.labels.description }.joined(separator: ", ")))"
            }
            return nil
        case .vector(let samples):
            if expectScalar { return "expected scalar \(PrometheusFormat.goFloat(eval.expectedScalar!)), got a vector of \(samples.count) samples\(samples.isEmpty ? "" : ": " + Self.samples(samples))" }
            var seen = Set<Labels>()
            for (pos, s) in samples.enumerated() {
                guard let idx = eval.expectedSeries.firstIndex(where: { $0.labels == s.labels }) else {
                    return "unexpected \(s.labels) => \(PrometheusFormat.goFloat(s.v)) (expected \(Self.expected(eval.expectedSeries)); got \(samples.count) samples)"
                }
                let exp = eval.expectedSeries[idx]
                if eval.ordered && idx != pos { return "expected \(exp.labels) at position \(idx + 1), got it at \(pos + 1)" }
                guard case .float(let f)? = exp.values.first else { return "expected \(exp.values.first?.description ?? "no value") for \(exp.labels), got \(PrometheusFormat.goFloat(s.v))" }
                if !ScriptComparison.almostEqual(f, s.v) { return "expected \(PrometheusFormat.goFloat(f)) for \(exp.labels), got \(PrometheusFormat.goFloat(s.v))" }
                seen.insert(s.labels)
            }
            for e in eval.expectedSeries where !seen.contains(e.labels) {
                return "expected \(e.labels) => \(e.values.first?.description ?? "?") not found (got \(samples.isEmpty ? "an empty vector" : Self.samples(samples)))"
            }
            return nil
        case .scalar(_, let v):
            guard let exp = eval.expectedScalar else {
                return "expected \(eval.expectedSeries.isEmpty ? "an empty vector" : "a vector"), got scalar \(PrometheusFormat.goFloat(v))"
            }
            if !ScriptComparison.almostEqual(exp, v) { return "expected scalar \(PrometheusFormat.goFloat(exp)), got \(PrometheusFormat.goFloat(v))" }
            return nil
        case .string(_, let s):
            let exp = eval.expectedString ?? ""
            if exp != s { return "expected string \"\(exp)\", got \"\(s)\"" }
            return nil
        }
    }

    static func points(_ s: [Sample]) -> String {
        let shown = s.prefix(6).map { "\(PrometheusFormat.goFloat($0.value))@\(PrometheusFormat.timestamp($0.timestamp))" }
        return "[" + shown.joined(separator: " ") + (s.count > 6 ? " … (\(s.count) points)" : "") + "]"
    }

    static func expected(_ e: [SeriesDescription]) -> String {
        if e.isEmpty { return "an empty result" }
        let shown = e.prefix(3).map { "\($0.labels) => \($0.values.first?.description ?? "?")" }
        return shown.joined(separator: ", ") + (e.count > 3 ? ", … (\(e.count) in all)" : "")
    }

    static func samples(_ s: [VectorSample]) -> String {
        let shown = s.prefix(4).map { "\($0.labels) => \(PrometheusFormat.goFloat($0.v))" }
        return shown.joined(separator: ", ") + (s.count > 4 ? ", … (\(s.count) in all)" : "")
    }
}

/// The vector selectors of an expression (also those inside range selectors and subqueries).
enum SelectorCollector {
    static func selectors(in e: Expr) -> [VectorSelector] {
        var out: [VectorSelector] = []
        collect(e, &out)
        return out
    }

    static func collect(_ e: Expr, _ out: inout [VectorSelector]) {
        switch e {
        case .number, .string: break
        case .vectorSelector(let v): out.append(v)
        case .matrixSelector(let m): out.append(m.selector)
        case .subquery(let s): collect(s.expr, &out)
        case .paren(let p): collect(p.expr, &out)
        case .unary(let u): collect(u.expr, &out)
        case .binary(let b): collect(b.lhs, &out); collect(b.rhs, &out)
        case .aggregate(let a):
            collect(a.expr, &out)
            if let p = a.param { collect(p, &out) }
        case .call(let c): for a in c.args { collect(a, &out) }
        @unknown default: break
        }
    }
}
