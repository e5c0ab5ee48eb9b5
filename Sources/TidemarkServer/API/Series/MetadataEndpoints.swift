import TidemarkQuery

/// `/api/v1/metadata` and `/api/v1/query_exemplars`.
extension TidemarkAPI {
    /// `GET /api/v1/metadata`: `{"metric":[{"type","help","unit"}]}` for metrics whose
    /// metadata arrived by remote write or import; `metric`, `limit`, `limit_per_metric`.
    public func metricMetadata(_ r: APIRequest) async -> APIResponse {
        respond { () throws(APIError) -> APIResponse in
            let limit = try r.limit()
            var perMetric = 0
            if let s = r.value("limit_per_metric") {
                guard let n = Int(s) else { throw APIError.invalidParameter("limit_per_metric", "strconv.Atoi: parsing \(goQuote(s)): invalid syntax") }
                perMetric = n
            }
            let all = metadata.snapshot(metric: r.value("metric"))
            var out = "{"
            for (i, name) in all.keys.sorted().enumerated() {
                if limit > 0 && i >= limit { break }
                if i > 0 { out += "," }
                PrometheusJSON.appendString(name, to: &out)
                out += ":["
                let entries = perMetric > 0 ? Array(all[name]!.prefix(perMetric)) : all[name]!
                for (j, e) in entries.enumerated() {
                    if j > 0 { out += "," }
                    out += "{\"type\":" + PrometheusJSON.string(e.type) + ",\"help\":" + PrometheusJSON.string(e.help)
                        + ",\"unit\":" + PrometheusJSON.string(e.unit) + "}"
                }
                out += "]"
            }
            return .success(dataJSON: out + "}")
        }
    }

    /// `GET|POST /api/v1/query_exemplars`: Tidemark stores no exemplars, so a valid
    /// query answers an empty list (an invalid one is still `bad_data`).
    public func queryExemplars(_ r: APIRequest) async -> APIResponse {
        respond { () throws(APIError) -> APIResponse in
            _ = try r.timeRange()
            _ = try r.parsedQuery()
            return .success(dataJSON: "[]")
        }
    }
}
