import TidemarkStorage

/// A query result as the script runner sees it.
public struct ScriptQueryOutput: Sendable {
    public enum Value: Sendable {
        case scalar(t: Int64, v: Double)
        case string(t: Int64, v: String)
        case vector([ScriptSample])
        case matrix([ScriptSeries])
    }

    public var value: Value
    public var warnings: [String]
    public var infos: [String]

    public init(value: Value, warnings: [String] = [], infos: [String] = []) {
        self.value = value
        self.warnings = warnings
        self.infos = infos
    }
}

public struct ScriptSample: Sendable, Equatable {
    public var labels: Labels
    public var t: Int64
    public var v: Double
    public init(labels: Labels, t: Int64, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }
}

public struct ScriptSeries: Sendable, Equatable {
    public var labels: Labels
    public var samples: [Sample]
    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }
}

/// A failed parse or evaluation, with the text Prometheus-style expectations match against.
public struct ScriptQueryFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// What the runner needs from a PromQL implementation: one per loaded data set (a new
/// one after every `clear`). `TidemarkScriptBackend` connects Tidemark's own parser and
/// engine; tests may plug in others.
public protocol PromQLScriptBackend {
    /// Parses and type-checks a query.
    func parse(_ query: String) throws(ScriptQueryFailure) -> Expr
    func instantQuery(_ expr: Expr, at t: Int64) throws(ScriptQueryFailure) -> ScriptQueryOutput
    func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64) throws(ScriptQueryFailure) -> ScriptQueryOutput
    /// The expression as it comes back from printing and parsing it again. The reference
    /// runner evaluates its `@` variants from their printed text; backends with a printer
    /// do the same, so printer mistakes show up. Default: the expression itself.
    func reprint(_ expr: Expr) throws(ScriptQueryFailure) -> Expr
}

extension PromQLScriptBackend {
    public func reprint(_ expr: Expr) throws(ScriptQueryFailure) -> Expr { expr }
}
