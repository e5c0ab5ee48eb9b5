import Foundation
import TidemarkStorage

/// The PromQL evaluator: plans an expression's storage reads, fetches each distinct
/// selector once, and evaluates with Prometheus 3 semantics.
///
/// How a query runs:
/// 1. `DurationResolver` replaces query-dependent durations (`step()`, `range()`) by constants.
/// 2. `Planner` walks the AST with the window each node is evaluated over (subqueries get
///    their own aligned window) and derives each selector's storage range: lookback or range
///    width, offset and `@` folded in. Selectors with the same matchers share one select when
///    their ranges overlap (`explain` prints the plan).
/// 3. `fetch` decodes each select once into arrays (staleness markers kept for instant
///    selectors, filtered for range selectors).
/// 4. `Evaluator` evaluates every node for all steps at once, as Prometheus's range
///    evaluation does: instant vectors are matrices with one point per step, scalars one
///    value per step; range-vector functions slide a left-open window over the arrays.
///    An instant query is the one-step case.
///
/// Deviations from Prometheus: no native histograms (float samples only); the sample limit
/// counts samples decoded plus the points each node holds rather than Prometheus's exact
/// peak accounting; delayed `__name__` removal is an option (`EngineOptions.delayedNameRemoval`).
public final class Engine: Sendable {
    let storage: any Queryable
    public let options: EngineOptions

    public init(storage: any Queryable, options: EngineOptions = .init()) {
        self.storage = storage
        self.options = options
    }

    /// Evaluates `expr` at one time (ms).
    public func instantQuery(_ expr: Expr, at time: Int64) throws(QueryError) -> QueryResult {
        try run(expr, start: time, end: time, step: 0)
    }

    /// Evaluates `expr` at every `step` ms from `start` to `end` (inclusive).
    public func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64) throws(QueryError) -> QueryResult {
        if step <= 0 {
            throw QueryError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        if end < start {
            throw QueryError(.badData, "end timestamp must not be before start time")
        }
        return try run(expr, start: start, end: end, step: step)
    }

    /// The plan of `expr` over [start, end] every `step` ms (step 0: an instant query at
    /// `start`): the storage selects with their time ranges, then the evaluation tree.
    public func explain(_ expr: Expr, start: Int64, end: Int64, step: Int64) -> String {
        let expr = DurationResolver(stepMs: step, rangeMs: end - start).resolve(expr)
        let plan = Planner.make(expr, start: start, end: end, step: max(step, 1), options: options, rollups: rollupCatalog(storage.querier()))
        return Planner.describe(plan, start: start, end: end, step: step)
    }

    /// The static type of an expression (for result-type checks).
    static func valueType(_ e: Expr) -> ValueType {
        switch e {
        case .number: return .scalar
        case .string: return .string
        case .vectorSelector, .aggregate: return .vector
        case .matrixSelector, .subquery: return .matrix
        case .paren(let p): return valueType(p.expr)
        case .unary(let u): return valueType(u.expr)
        case .binary(let b):
            return valueType(b.lhs) == .scalar && valueType(b.rhs) == .scalar ? .scalar : .vector
        case .call(let c):
            return FunctionCatalog.signature(c.function)?.returnType ?? .vector
        }
    }

    func run(_ expr: Expr, start: Int64, end: Int64, step: Int64) throws(QueryError) -> QueryResult {
        let began = Date()
        let isRange = step > 0
        let type = Engine.valueType(expr)
        if isRange && type != .scalar && type != .vector {
            throw QueryError(.badData, "invalid expression type \"\(type)\" for range query, must be Scalar or instant Vector", position: expr.position)
        }
        let expr = DurationResolver(stepMs: step, rangeMs: end - start).resolve(expr)
        let querier = storage.querier()
        let rollups = rollupCatalog(querier)
        let plan = Planner.make(expr, start: start, end: end, step: max(step, 1), options: options, rollups: rollups)
        var timings = QueryTimings()
        let planned = Date()
        timings.planSeconds = planned.timeIntervalSince(began)
        do {
            let ctx = QueryContext(data: [:], options: options, queryStart: start, queryEnd: end, began: began)
            let data = try fetch(plan, ctx, querier)
            let fetched = Date()
            timings.fetchSeconds = fetched.timeIntervalSince(planned)
            let ctx2 = QueryContext(data: data, options: options, queryStart: start, queryEnd: end, began: began)
            ctx2.rollups = rollups
            ctx2.rollupData = try fetchRollups(plan, ctx, querier)
            ctx2.stats = ctx.stats
            ctx2.queryStep = step
            let ev = Evaluator(ctx: ctx2, start: start, end: end, interval: isRange ? step : 1)
            let v = try ev.eval(expr)
            let value = try result(v, start: start, isRange: isRange, ev: ev)
            timings.evalSeconds = Date().timeIntervalSince(fetched)
            return QueryResult(value: value, warnings: ctx2.warnings, infos: ctx2.infos, stats: ctx2.stats, timings: timings)
        } catch let e as QueryError {
            throw e
        } catch let e as StorageError {
            throw QueryError(.storage, e.description)
        } catch {
            throw QueryError(.execution, "\(error)")
        }
    }

    func fetch(_ plan: QueryPlan, _ ctx: QueryContext, _ q: any Querier) throws -> [String: [FetchedRange]] {
        let decoding = SeriesDecoding(deadline: ctx.deadline, cancellation: options.cancellation,
                                      maxSamples: options.maxSamples, parallelism: options.fetchParallelism)
        let fetches = plan.fetches.filter { $0.mint <= $0.maxt }
        var selected: [[Series]] = []
        for f in fetches {
            try ctx.check()
            selected.append(try q.select(f.matchers, mint: f.mint, maxt: f.maxt))
        }
        let (decoded, total) = try decoding.decode(selected)
        var out: [String: [FetchedRange]] = [:]
        for (f, series) in zip(fetches, decoded) {
            ctx.stats.seriesRead += series.count
            out[f.key, default: []].append(FetchedRange(mint: f.mint, maxt: f.maxt, series: series))
        }
        ctx.stats.samplesRead = total
        return out
    }

    func result(_ v: EvalValue, start: Int64, isRange: Bool, ev: Evaluator) throws -> QueryValue {
        switch v {
        case .string(let s):
            if isRange { throw QueryError(.badData, "invalid expression type \"string\" for range query, must be Scalar or instant Vector") }
            return .string(t: start, v: s)
        case .scalar(let a):
            if !isRange { return .scalar(t: start, v: a.first ?? .nan) }
            return .matrix([RangeSeries(labels: .empty, samples: a.enumerated().map { Sample(ev.time($0.offset), $0.element) })])
        case .vector(let m0):
            let m = try cleanupNames(m0)
            if !isRange {
                return .vector(m.compactMap { s in s.points.first.map { VectorSample(labels: s.labels, t: start, v: $0.v) } })
            }
            var out = m.filter { !$0.points.isEmpty }.map { RangeSeries(labels: $0.labels, samples: $0.points.map { Sample($0.t, $0.v) }) }
            out.sort { $0.labels < $1.labels }
            return .matrix(out)
        case .range(let m0):
            let m = try cleanupNames(m0)
            if isRange { throw QueryError(.badData, "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector") }
            var out = m.map { RangeSeries(labels: $0.labels, samples: $0.points.map { Sample($0.t, $0.v) }) }
            out.sort { $0.labels < $1.labels }
            return .matrix(out)
        }
    }
}
