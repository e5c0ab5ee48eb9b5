import TidemarkQuery

extension APIRequest {
    /// The `query` parameter parsed, or `bad_data` naming it (an absent query is
    /// Prometheus's "no expression found in input").
    func parsedQuery() throws(APIError) -> Expr {
        do { return try PromQL.parse(value("query") ?? "") } catch { throw APIError.invalidParameter("query", error.description) }
    }
}
