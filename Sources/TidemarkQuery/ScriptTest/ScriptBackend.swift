import TidemarkStorage

/// A query result as the script runner sees it: the engine's value types, so any
/// backend reports results in the same shapes Tidemark's engine does.
public struct ScriptQueryOutput: Sendable {
    public var value: QueryValue
    public var warnings: [String]
    public var infos: [String]

    public init(value: QueryValue, warnings: [String] = [], infos: [String] = []) {
        self.value = value
        self.warnings = warnings
        self.infos = infos
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
