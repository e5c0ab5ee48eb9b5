import Foundation
import TidemarkQuery
import TidemarkStorage

/// `/api/v1/query` and `/api/v1/query_range`.
extension TidemarkAPI {
    /// A parsed query request, ready to evaluate.
    struct QuerySpec: Sendable {
        var expr: Expr
        var start: Int64
        var end: Int64
        /// 0 for an instant query.
        var step: Int64
        var timeoutSeconds: Double
        /// `lookback_delta` in ms, when the request sets one.
        var lookbackDelta: Int64?
        var limit: Int
        var stats: Bool
    }

    /// Where a query request goes once parsed: answered on the calling thread (a bad
    /// request, or a query small enough to run inline), or a blocking closure to run on
    /// a worker thread (it waits for a slot in the query gate, then evaluates).
    enum QueryPath {
        case answered(APIResponse)
        case offload(@Sendable () -> APIResponse)
    }

    /// `GET|POST /api/v1/query`: `query`, `time` (default now), `timeout`, `limit`,
    /// `lookback_delta`, `stats`.
    public func query(_ r: APIRequest) async -> APIResponse {
        await Self.finish(startQuery(r, range: false))
    }

    /// `GET|POST /api/v1/query_range`: `query`, `start`, `end`, `step`, `timeout`, `limit`,
    /// `lookback_delta`, `stats`.
    public func queryRange(_ r: APIRequest) async -> APIResponse {
        await Self.finish(startQuery(r, range: true))
    }

    static func finish(_ path: QueryPath) async -> APIResponse {
        switch path {
        case .answered(let response): return response
        case .offload(let work): return await offload(work)
        }
    }

    /// Parses a query request and runs it inline when it is small (see
    /// `ServerOptions.InlineQueryLimits`), or says how to run it elsewhere. Never blocks:
    /// safe on a NIO event loop. `cancellation` stops an offloaded query (the client left).
    func startQuery(_ r: APIRequest, range: Bool, cancellation: QueryCancellation? = nil) -> QueryPath {
        let spec: QuerySpec
        do throws(APIError) {
            spec = range ? try rangeSpec(r) : try instantSpec(r)
        } catch {
            return .answered(.error(error))
        }
        return start(spec, cancellation: cancellation)
    }

    func instantSpec(_ r: APIRequest) throws(APIError) -> QuerySpec {
        let t = try r.time("time", default: TimeParams.now())
        return try querySpec(r, start: t, end: t, step: 0)
    }

    func rangeSpec(_ r: APIRequest) throws(APIError) -> QuerySpec {
        let start = try r.time("start")
        let end = try r.time("end")
        if end < start { throw APIError(.badData, "end timestamp must not be before start time") }
        guard let step = try r.duration("step") else {
            throw APIError.invalidParameter("step", "cannot parse \"\" to a valid duration")
        }
        if step <= 0 {
            throw APIError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        if (end - start) / step > 11_000 {
            throw APIError(.badData, "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        return try querySpec(r, start: start, end: end, step: step)
    }

    /// The parameters every query shares: the expression, timeout, limit and stats.
    func querySpec(_ r: APIRequest, start: Int64, end: Int64, step: Int64) throws(APIError) -> QuerySpec {
        var timeout = options.queryTimeoutSeconds
        if let t = try r.duration("timeout") {
            timeout = min(timeout, Double(t) / 1000)
        }
        let limit = try r.limit()
        let lookback = try r.duration("lookback_delta")
        if let l = lookback, l < 0 { throw APIError.invalidParameter("lookback_delta", "lookback delta must not be negative") }
        return QuerySpec(expr: try r.parsedQuery(cache: expressions), start: start, end: end, step: step, timeoutSeconds: timeout, lookbackDelta: lookback.flatMap { $0 > 0 ? $0 : nil },
                         limit: limit, stats: r.value("stats") != nil)
    }

    /// An engine for one query: `timeoutSeconds` counts from the engine's `prepare`.
    func engine(_ spec: QuerySpec, timeoutSeconds: Double, cancellation: QueryCancellation?) -> Engine {
        var engineOptions = EngineOptions()
        engineOptions.timeoutSeconds = timeoutSeconds
        engineOptions.maxSamples = options.maxSamples
        engineOptions.cancellation = cancellation
        if let l = spec.lookbackDelta { engineOptions.lookbackDelta = l }
        return Engine(storage: db, options: engineOptions)
    }

    /// Runs `spec` inline if a gate slot is free and the prepared query is within the
    /// inline limits; otherwise hands it to a worker thread. Every query goes through the
    /// concurrency gate; time spent waiting for a slot counts against the timeout, as in
    /// Prometheus.
    ///
    /// Why inline: the hop to a Dispatch thread and back (two thread wake-ups) cost more
    /// than evaluating a small query. Why not always: the caller is usually an event loop
    /// serving other connections, so only queries whose selects the storage can bound
    /// (`Engine.prepare(selectUpTo:)`) and whose decoded chunks and output points are few
    /// run there.
    func start(_ spec: QuerySpec, cancellation: QueryCancellation?) -> QueryPath {
        let queued = Date()
        let limits = options.inlineQueries
        if limits.maxSeries > 0 {
            let inline: QueryPath? = gate.runIfFree { () -> QueryPath? in
                let prepared: PreparedQuery
                do throws(QueryError) {
                    prepared = try engine(spec, timeoutSeconds: spec.timeoutSeconds, cancellation: cancellation)
                        .prepare(spec.expr, start: spec.start, end: spec.end, step: spec.step, selectUpTo: limits.maxSeries)
                } catch {
                    return .answered(respond(spec, .failure(error), queued: queued))
                }
                guard limits.admits(prepared.cost) else {
                    // Planned (and maybe selected) already: the worker runs the rest.
                    return .offload { [self] in
                        let waited = Date().timeIntervalSince(queued)
                        let outcome = gate.run(timeoutSeconds: max(0, spec.timeoutSeconds - waited)) {
                            Result { () throws(QueryError) -> QueryResult in try prepared.run() }
                        }
                        return respond(spec, outcome, queued: queued)
                    }
                }
                return .answered(respond(spec, Result { () throws(QueryError) -> QueryResult in try prepared.run() }, queued: queued))
            } ?? nil
            if let inline { return inline }
        }
        return .offload { [self] in
            let outcome: Result<QueryResult, QueryError>? = gate.run(timeoutSeconds: spec.timeoutSeconds) {
                let engine = engine(spec, timeoutSeconds: max(0.001, spec.timeoutSeconds - Date().timeIntervalSince(queued)), cancellation: cancellation)
                return Result { () throws(QueryError) -> QueryResult in
                    spec.step > 0
                        ? try engine.rangeQuery(spec.expr, start: spec.start, end: spec.end, step: spec.step)
                        : try engine.instantQuery(spec.expr, at: spec.start)
                }
            }
            return respond(spec, outcome, queued: queued)
        }
    }

    /// Records the query's metrics and writes its answer; nil `outcome`: no gate slot
    /// freed up in time.
    func respond(_ spec: QuerySpec, _ outcome: Result<QueryResult, QueryError>?, queued: Date) -> APIResponse {
        let elapsed = Date().timeIntervalSince(queued)
        metrics.queries.increment()
        metrics.queryLatency.recordNanoseconds(Int64(elapsed * 1e9))
        switch outcome {
        case nil:
            metrics.queryFailures.increment()
            return .error(APIError(.timeout, "query timed out in query queue"))
        case .failure(let e)?:
            metrics.queryFailures.increment()
            return .error(APIError(e))
        case .success(var result)?:
            var warnings = result.warnings
            if spec.limit > 0, Self.truncate(&result.value, to: spec.limit) {
                warnings.append("results truncated due to limit")
            }
            return .success(warnings: warnings, infos: result.infos) { body in
                PrometheusJSON.appendData(result.value, toBytes: &body, close: !spec.stats)
                if spec.stats {
                    body.append(contentsOf: ",\"stats\":".utf8)
                    body.append(contentsOf: QueryStatsJSON.render(result.stats, seconds: elapsed).utf8)
                    body.append(UInt8(ascii: "}"))
                }
            }
        }
    }

    /// Keeps the first `limit` series of a vector or matrix; true when some were dropped.
    static func truncate(_ v: inout QueryValue, to limit: Int) -> Bool {
        switch v {
        case .vector(let s) where s.count > limit:
            v = .vector(Array(s.prefix(limit)))
            return true
        case .matrix(let s) where s.count > limit:
            v = .matrix(Array(s.prefix(limit)))
            return true
        default:
            return false
        }
    }
}
