import TidemarkStorage

/// Runs script cases on Tidemark's own parser and engine, with the settings the upstream
/// scripts assume: lookback 5m, at most 10,000 samples per query, 1m default subquery
/// step, delayed `__name__` removal on.
public struct TidemarkScriptBackend: PromQLScriptBackend {
    public let engine: Engine

    public static var scriptEngineOptions: EngineOptions {
        var o = EngineOptions()
        o.lookbackDelta = 300_000
        o.maxSamples = 10_000
        o.noStepSubqueryInterval = 60_000
        o.delayedNameRemoval = true
        return o
    }

    public init(storage: any Queryable, options: EngineOptions = TidemarkScriptBackend.scriptEngineOptions) {
        engine = Engine(storage: storage, options: options)
    }

    public func parse(_ query: String) throws(ScriptQueryFailure) -> Expr {
        do { return try PromQL.parse(query) } catch { throw ScriptQueryFailure(error.description) }
    }

    public func reprint(_ expr: Expr) throws(ScriptQueryFailure) -> Expr {
        let text = PromQLPrinter.print(expr)
        do { return try PromQL.parse(text) } catch { throw ScriptQueryFailure("the printed query \(text) does not parse: \(error.description)") }
    }

    public func instantQuery(_ expr: Expr, at t: Int64) throws(ScriptQueryFailure) -> ScriptQueryOutput {
        do { return Self.convert(try engine.instantQuery(expr, at: t)) } catch { throw ScriptQueryFailure(error.message) }
    }

    public func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64) throws(ScriptQueryFailure) -> ScriptQueryOutput {
        do { return Self.convert(try engine.rangeQuery(expr, start: start, end: end, step: step)) } catch { throw ScriptQueryFailure(error.message) }
    }

    static func convert(_ r: QueryResult) -> ScriptQueryOutput {
        ScriptQueryOutput(value: r.value, warnings: r.warnings, infos: r.infos)
    }
}

extension PromQLScriptRunner {
    /// A runner on Tidemark's own parser and engine.
    public static func tidemark(options: Options = Options()) -> PromQLScriptRunner {
        PromQLScriptRunner(options: options) { TidemarkScriptBackend(storage: $0) }
    }
}
