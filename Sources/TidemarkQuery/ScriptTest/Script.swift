import TidemarkStorage

/// A parsed PromQL test script: the language of Prometheus's `promqltest` files
/// (`load`, `clear`, `eval`, expectations). See `PromQLScriptParser`.
public struct PromQLScript: Sendable {
    /// File name used in reports.
    public var name: String
    public var commands: [ScriptCommand]
    /// Lines the parser could not make sense of (each also becomes a failed case when it
    /// was an `eval`, so no case goes uncounted).
    public var issues: [ScriptParseIssue]

    public init(name: String, commands: [ScriptCommand], issues: [ScriptParseIssue] = []) {
        self.name = name
        self.commands = commands
        self.issues = issues
    }

    /// The eval commands, in file order.
    public var evals: [EvalCommand] {
        commands.compactMap { if case .eval(let e) = $0 { return e } else { return nil } }
    }
}

public struct ScriptParseIssue: Sendable, Equatable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    public var message: String
    public var description: String { "line \(line): \(message)" }
}

public enum ScriptCommand: Sendable {
    case load(LoadCommand)
    case clear(line: Int)
    case eval(EvalCommand)
    /// An `eval` whose block could not be parsed; it runs as a failing case.
    case invalidEval(line: Int, query: String, message: String)
}

/// One point of an expanded value sequence.
public enum SequenceValue: Sendable, Equatable, CustomStringConvertible {
    /// `_`: no sample at this step.
    case omitted
    case float(Double)
    /// `{{...}}`: a native histogram (kept as text; Tidemark does not store them yet).
    case histogram(String)

    public static func == (a: SequenceValue, b: SequenceValue) -> Bool {
        switch (a, b) {
        case (.omitted, .omitted): return true
        case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN && !SequenceValue.isStale(x) && !SequenceValue.isStale(y))
        case (.histogram(let x), .histogram(let y)): return x == y
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .omitted: return "_"
        case .float(let v): return SequenceValue.isStale(v) ? "stale" : PrometheusFormat.goFloat(v)
        case .histogram(let h): return h
        }
    }

    public var isHistogram: Bool { if case .histogram = self { return true } else { return false } }
}

/// A series line: `metric{label="value"} 1+1x3 _ stale`.
public struct SeriesDescription: Sendable, Equatable {
    public var labels: Labels
    public var values: [SequenceValue]
    public var line: Int

    public var hasHistogram: Bool { values.contains { $0.isHistogram } }
}

/// `load <interval>` or `load_with_nhcb <interval>`.
public struct LoadCommand: Sendable {
    public var line: Int
    /// Milliseconds between successive values.
    public var interval: Int64
    public var withNHCB: Bool
    public var series: [SeriesDescription]
    /// Start timestamps from `metric@st …` lines, by series: per sample, the offset (ms)
    /// of its start timestamp from the sample's own timestamp, nil where the line has `_`.
    public var startOffsets: [Labels: [Int64?]] = [:]
}

/// How an expectation about an annotation or a failure matches a message.
public enum MessageMatcher: Sendable, CustomStringConvertible {
    case any
    case exactly(String)
    case regex(String)

    public func matches(_ s: String) -> Bool {
        switch self {
        case .any: return true
        case .exactly(let m): return m == s
        case .regex(let pattern):
            guard let re = try? Regex(pattern) else { return false }
            return s.contains(re)
        }
    }

    public var description: String {
        switch self {
        case .any: return "any message"
        case .exactly(let m): return "message \"\(m)\""
        case .regex(let r): return "pattern /\(r)/"
        }
    }
}

/// `eval instant at T expr` or `eval range from S to E step D expr` with its expectations.
public struct EvalCommand: Sendable {
    public enum Kind: Sendable, Equatable {
        case instant(at: Int64)
        case range(start: Int64, end: Int64, step: Int64)
    }

    public var line: Int
    public var query: String
    public var kind: Kind

    /// `expect fail` / `eval_fail` (with `msg:`/`regex:` or `expected_fail_message`/`_regexp`).
    public var expectFail: MessageMatcher?
    /// `eval_warn` / `eval_info`: at least one annotation of that kind.
    public var requireWarn = false
    public var requireInfo = false
    /// `expect warn …` / `expect info …` lines: each must match an annotation, and every
    /// annotation of that kind must match one of them.
    public var warnMatchers: [MessageMatcher] = []
    public var infoMatchers: [MessageMatcher] = []
    public var expectNoWarn = false
    public var expectNoInfo = false
    public var ordered = false

    /// `expect range vector from S to E step D`: an instant query returning a range vector.
    public var rangeVector: (start: Int64, end: Int64, step: Int64)?
    /// `expect string "…"`.
    public var expectedString: String?
    /// A scalar expectation (a bare number line).
    public var expectedScalar: Double?
    /// Expected series (labels → values), with their 1-based position for `ordered`.
    public var expectedSeries: [SeriesDescription] = []
    /// Set when the failure expectation came from an `expect fail` line (only one is allowed).
    var expectFailFromExpectLine = false

    public init(line: Int, query: String, kind: Kind) {
        self.line = line
        self.query = query
        self.kind = kind
    }

    public var isRange: Bool { if case .range = kind { return true } else { return false } }

    /// Whether the expectations mention a native histogram.
    public var expectsHistogram: Bool { expectedSeries.contains { $0.hasHistogram } }
}

/// Prometheus's staleness marker.
extension SequenceValue {
    /// The staleness marker `stale` writes.
    public static let staleNaN = Double(bitPattern: 0x7ff0_0000_0000_0002)
    static func isStale(_ v: Double) -> Bool { v.bitPattern == staleNaN.bitPattern }
}
