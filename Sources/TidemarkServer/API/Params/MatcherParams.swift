import TidemarkQuery
import TidemarkStorage

extension APIRequest {
    /// The `match[]` selectors, each parsed as a PromQL vector selector; `required`
    /// makes an empty list an error (`/api/v1/series` needs one).
    func matcherSets(required: Bool = false) throws(APIError) -> [[LabelMatcher]] {
        let texts = values("match[]")
        if required && texts.isEmpty { throw APIError(.badData, "no match[] parameter provided") }
        var out: [[LabelMatcher]] = []
        for t in texts {
            let expr: Expr
            do { expr = try PromQL.parse(t) } catch { throw APIError.invalidParameter("match[]", error.description) }
            guard case .vectorSelector(let vs) = expr else {
                throw APIError.invalidParameter("match[]", "1:1: parse error: expected type instant vector in series selector, got \(exprTypeName(expr))")
            }
            out.append(vs.matchers)
        }
        return out
    }

    /// `start` and `end` of the metadata endpoints: Prometheus's minimum and maximum
    /// times when absent.
    func timeRange() throws(APIError) -> (start: Int64, end: Int64) {
        let start = try time("start", default: TimeParams.minTime)
        let end = try time("end", default: TimeParams.maxTime)
        if end < start { throw APIError(.badData, "end timestamp must not be before start time") }
        return (start, end)
    }
}

/// How Prometheus names an expression's type in error messages.
func exprTypeName(_ e: Expr) -> String {
    switch e {
    case .matrixSelector, .subquery: return "range vector"
    case .number: return "scalar"
    case .string: return "string"
    default: return "instant vector"
    }
}
