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

    /// `GET|POST /api/v1/query`: `query`, `time` (default now), `timeout`, `limit`,
    /// `lookback_delta`, `stats`.
    public func query(_ r: APIRequest) async -> APIResponse {
        let spec: QuerySpec
        do throws(APIError) {
            let t = try r.time("time", default: TimeParams.now())
            spec = try querySpec(r, start: t, end: t, step: 0)
        } catch {
            return .error(error)
        }
        return await execute(spec)
    }

    /// `GET|POST /api/v1/query_range`: `query`, `start`, `end`, `step`, `timeout`, `limit`,
    /// `lookback_delta`, `stats`.
    public func queryRange(_ r: APIRequest) async -> APIResponse {
        let spec: QuerySpec
        do throws(APIError) {
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
            spec = try querySpec(r, start: start, end: end, step: step)
        } catch {
            return .error(error)
        }
        return await execute(spec)
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
        return QuerySpec(expr: try r.parsedQuery(), start: start, end: end, step: step, timeoutSeconds: timeout, lookbackDelta: lookback.flatMap { $0 > 0 ? $0 : nil },
                         limit: limit, stats: r.value("stats") != nil)
    }

    /// Evaluates a query on a Dispatch thread, through the concurrency gate; time spent
    /// waiting for a slot counts against the query's timeout, as in Prometheus.
    func execute(_ spec: QuerySpec) async -> APIResponse {
        let queued = Date()
        let outcome: Result<QueryResult, QueryError>? = await offload { [gate, db, options] in
            gate.run(timeoutSeconds: spec.timeoutSeconds) {
                var engineOptions = EngineOptions()
                engineOptions.timeoutSeconds = max(0.001, spec.timeoutSeconds - Date().timeIntervalSince(queued))
                engineOptions.maxSamples = options.maxSamples
                if let l = spec.lookbackDelta { engineOptions.lookbackDelta = l }
                let engine = Engine(storage: db, options: engineOptions)
                return Result { () throws(QueryError) -> QueryResult in
                    spec.step > 0
                        ? try engine.rangeQuery(spec.expr, start: spec.start, end: spec.end, step: spec.step)
                        : try engine.instantQuery(spec.expr, at: spec.start)
                }
            }
        }
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
            var data = ""
            PrometheusJSON.appendData(result.value, to: &data, close: !spec.stats)
            if spec.stats {
                data += ",\"stats\":"
                data += QueryStatsJSON.render(result.stats, seconds: elapsed)
                data += "}"
            }
            return .success(dataJSON: data, warnings: warnings, infos: result.infos)
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
