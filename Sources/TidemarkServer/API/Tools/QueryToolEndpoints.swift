import TidemarkQuery

/// `/api/v1/format_query`, `/api/v1/parse_query` and Tidemark's `/api/v1/explain`.
extension TidemarkAPI {
    /// `GET|POST /api/v1/format_query`: the query in canonical form, as a JSON string.
    public func formatQuery(_ r: APIRequest) async -> APIResponse {
        respond { () throws(APIError) -> APIResponse in
            .success(dataJSON: PrometheusJSON.string(try r.parsedQuery().promql))
        }
    }

    /// `GET|POST /api/v1/parse_query`: the AST as JSON, in Prometheus's shape.
    public func parseQuery(_ r: APIRequest) async -> APIResponse {
        respond { () throws(APIError) -> APIResponse in
            .success(dataJSON: ASTJSON.render(try r.parsedQuery()))
        }
    }

    /// `GET|POST /api/v1/explain` (Tidemark extension): the planner's plan for an
    /// instant query at `time`, or a range query with `start`, `end`, `step`:
    /// `{"query": …, "plan": "<text>"}`.
    public func explain(_ r: APIRequest) async -> APIResponse {
        respond { () throws(APIError) -> APIResponse in
            let expr = try r.parsedQuery()
            let engine = Engine(storage: db)
            let plan: String
            if r.value("start") != nil || r.value("end") != nil || r.value("step") != nil {
                let start = try r.time("start"), end = try r.time("end")
                guard let step = try r.duration("step"), step > 0 else {
                    throw APIError(.badData, "zero or negative query resolution step widths are not accepted. Try a positive integer")
                }
                plan = engine.explain(expr, start: start, end: end, step: step)
            } else {
                let t = try r.time("time", default: TimeParams.now())
                plan = engine.explain(expr, start: t, end: t, step: 0)
            }
            return .success(dataJSON: "{\"query\":" + PrometheusJSON.string(expr.promql) + ",\"plan\":" + PrometheusJSON.string(plan) + "}")
        }
    }
}
