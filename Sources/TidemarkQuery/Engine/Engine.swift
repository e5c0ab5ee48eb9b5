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
        let plan = Planner.make(expr, start: start, end: end, step: max(step, 1), options: options, rollups: rollupCatalog(storage.querier()), describing: true)
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
        try prepare(expr, start: start, end: end, step: step).run()
    }

    /// Plans `expr` over [start, end] every `step` ms (0: an instant query at `start`) and
    /// runs its storage selects, so that `PreparedQuery.cost` says how much the query will
    /// decode and evaluate before any sample is read; `run()` does the rest, on any thread.
    ///
    /// With `selectUpTo`, the selects are run here only when the storage can bound the
    /// series they return (`Querier.seriesUpperBound`) by that many; otherwise they are
    /// left to `run()` (`isSelected` is false), so preparing never reads much. The
    /// query's timeout counts from this call.
    public func prepare(_ expr: Expr, start: Int64, end: Int64, step: Int64, selectUpTo maxSeries: Int? = nil) throws(QueryError) -> PreparedQuery {
        let began = Date()
        let isRange = step != 0
        if isRange {
            if step < 0 {
                throw QueryError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
            }
            if end < start {
                throw QueryError(.badData, "end timestamp must not be before start time")
            }
        }
        let type = Engine.valueType(expr)
        if isRange && type != .scalar && type != .vector {
            throw QueryError(.badData, "invalid expression type \"\(type)\" for range query, must be Scalar or instant Vector", position: expr.position)
        }
        let expr = DurationResolver(stepMs: step, rangeMs: end - start).resolve(expr)
        let querier = storage.querier()
        let rollups = rollupCatalog(querier)
        let plan = Planner.make(expr, start: start, end: end, step: max(step, 1), options: options, rollups: rollups)
        let planned = Date()
        let ctx = QueryContext(data: [:], options: options, queryStart: start, queryEnd: end, began: began)
        let prepared = PreparedQuery(engine: self, expr: expr, start: start, end: end, step: step, querier: querier, rollups: rollups,
                                     plan: plan, ctx: ctx, began: began)
        prepared.timings.planSeconds = planned.timeIntervalSince(began)
        prepared.cost.steps = isRange ? Int((end - start) / step) + 1 : 1
        prepared.cost.subquerySteps = plan.subquerySteps
        do {
            var bounded = true
            if let maxSeries {
                var bound = 0
                for f in plan.fetches where f.mint <= f.maxt {
                    guard let n = try querier.seriesUpperBound(f.matchers, mint: f.mint, maxt: f.maxt) else { bounded = false; break }
                    bound += n
                    if bound > maxSeries { bounded = false; break }
                }
                var windows: Int? = 0
                for f in plan.rollupFetches where f.minEnd <= f.maxEnd {
                    guard let n = try querier.seriesUpperBound(f.matchers, mint: f.minEnd, maxt: f.maxEnd), let sum = windows else {
                        windows = nil
                        break
                    }
                    let perSeries = (f.maxEnd - f.minEnd) / max(1, f.window) + 1
                    let (w, o1) = n.multipliedReportingOverflow(by: Int(clamping: perSeries))
                    let (t, o2) = sum.addingReportingOverflow(w)
                    windows = o1 || o2 ? nil : t
                }
                prepared.cost.rollupWindows = windows
            }
            if bounded {
                let t0 = Date()
                prepared.selected = try select(plan, ctx, querier)
                prepared.selectSeconds = Date().timeIntervalSince(t0)
                prepared.cost.series = prepared.selected!.reduce(0) { $0 + $1.count }
                prepared.cost.chunks = prepared.selected!.reduce(0) { $0 + $1.reduce(0) { $0 + $1.chunks.count } }
            }
        } catch {
            throw Engine.queryError(error)
        }
        return prepared
    }

    /// Errors of a running query as `QueryError`s (storage errors keep their text).
    static func queryError(_ error: any Error) -> QueryError {
        switch error {
        case let e as QueryError: return e
        case let e as StorageError: return QueryError(.storage, e.description)
        default: return QueryError(.execution, "\(error)")
        }
    }

    /// The raw selects of a plan, one series list per fetch with a non-empty range.
    func select(_ plan: QueryPlan, _ ctx: QueryContext, _ q: any Querier) throws -> [[Series]] {
        var selected: [[Series]] = []
        for f in plan.fetches where f.mint <= f.maxt {
            try ctx.check()
            selected.append(try q.select(f.matchers, mint: f.mint, maxt: f.maxt))
        }
        return selected
    }

    /// Decodes the selected series of a plan (`select`'s lists, in fetch order).
    func fetch(_ plan: QueryPlan, _ selected: [[Series]], _ ctx: QueryContext) throws -> [String: [FetchedRange]] {
        let decoding = SeriesDecoding(deadline: ctx.deadline, cancellation: options.cancellation,
                                      maxSamples: options.maxSamples, parallelism: options.fetchParallelism)
        let fetches = plan.fetches.filter { $0.mint <= $0.maxt }
        let (decoded, total) = try decoding.decode(selected, fused: fetches.map(\.fused))
        var out: [String: [FetchedRange]] = [:]
        for (f, series) in zip(fetches, decoded) {
            ctx.stats.seriesRead += series.count
            out[f.key, default: []].append(FetchedRange(mint: f.mint, maxt: f.maxt, series: series, fused: f.fused))
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
            return .matrix(Self.sortedMatrix(m.filter { !$0.points.isEmpty }))
        case .range(let m0):
            let m = try cleanupNames(m0)
            if isRange { throw QueryError(.badData, "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector") }
            return .matrix(Self.sortedMatrix(m))
        }
    }

    /// A result matrix in label order (`Labels.sortedOrder`).
    static func sortedMatrix(_ m: EvalMatrix) -> [RangeSeries] {
        Labels.sortedOrder(m.map(\.labels)).map { i in
            RangeSeries(labels: m[i].labels, samples: m[i].points.map { Sample($0.t, $0.v) })
        }
    }
}

/// A query `Engine.prepare` planned (and, when small enough, selected): `cost` is known
/// before any sample is decoded, and `run()` evaluates it, once, on any thread. Not
/// shared: one thread prepares it, then one thread (the same or another, after a hand-off
/// that orders memory, such as a Dispatch queue) runs it.
public final class PreparedQuery: @unchecked Sendable {
    /// What the query will read and compute, for deciding where to run it.
    public struct Cost: Sendable {
        /// Evaluation steps (1 for an instant query).
        public var steps = 1
        /// Steps of subquery inner evaluations, summed over the subqueries.
        public var subquerySteps = 0
        /// Series and chunks the raw selects returned; nil when the selects were left to
        /// `run()`.
        public var series: Int?
        public var chunks: Int?
        /// Upper bound of the rollup windows the plan reads (0 when it reads none); nil when
        /// not estimated (no `selectUpTo`) or unbounded.
        public var rollupWindows: Int?
    }

    public internal(set) var cost = Cost()
    let engine: Engine
    let expr: Expr
    let start: Int64
    let end: Int64
    let step: Int64
    let querier: any Querier
    let rollups: RollupCatalog
    let plan: QueryPlan
    let ctx: QueryContext
    /// When `prepare` was called: the query's timeout counts from here.
    let began: Date
    var timings = QueryTimings()
    /// The raw selects' series when `prepare` ran them.
    var selected: [[Series]]?
    var selectSeconds: Double = 0

    init(engine: Engine, expr: Expr, start: Int64, end: Int64, step: Int64, querier: any Querier, rollups: RollupCatalog,
         plan: QueryPlan, ctx: QueryContext, began: Date) {
        self.engine = engine
        self.expr = expr
        self.start = start
        self.end = end
        self.step = step
        self.querier = querier
        self.rollups = rollups
        self.plan = plan
        self.ctx = ctx
        self.began = began
    }

    /// Whether the raw selects are done (`cost.series` and `cost.chunks` are known).
    public var isSelected: Bool { selected != nil }

    /// Selects (unless `prepare` did), decodes and evaluates. Call once.
    public func run() throws(QueryError) -> QueryResult {
        let isRange = step > 0
        do {
            let t0 = Date()
            let selected = try self.selected ?? engine.select(plan, ctx, querier)
            let data = try engine.fetch(plan, selected, ctx)
            let fetched = Date()
            timings.fetchSeconds = selectSeconds + fetched.timeIntervalSince(t0)
            let ctx2 = QueryContext(data: data, options: engine.options, queryStart: start, queryEnd: end, began: began)
            ctx2.rollups = rollups
            ctx2.rollupData = try engine.fetchRollups(plan, ctx, querier)
            ctx2.stats = ctx.stats
            ctx2.queryStep = step
            let ev = Evaluator(ctx: ctx2, start: start, end: end, interval: isRange ? step : 1)
            let v = try ev.eval(expr)
            let value = try engine.result(v, start: start, isRange: isRange, ev: ev)
            timings.evalSeconds = Date().timeIntervalSince(fetched)
            return QueryResult(value: value, warnings: ctx2.warnings, infos: ctx2.infos, stats: ctx2.stats, timings: timings)
        } catch {
            throw Engine.queryError(error)
        }
    }
}
