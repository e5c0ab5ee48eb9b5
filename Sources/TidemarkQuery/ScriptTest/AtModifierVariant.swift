/// The step-invariance check of the reference runner: every selector and subquery
/// outside a subquery gets `@ t` (unless it has an `@` already); the query must then give
/// the same answer at other evaluation times.
public enum AtModifierVariant {
    /// Functions whose result can change with the evaluation time even when their
    /// arguments do not (or that use sample timestamps): queries using them are not varied.
    public static let unsafeFunctions: Set<String> = [
        "days_in_month", "day_of_month", "day_of_week", "day_of_year",
        "hour", "minute", "month", "year", "predict_linear", "time", "timestamp",
    ]

    /// The query with `@ t` (ms) added, or nil when it must not be varied.
    public static func pin(_ e: Expr, at t: Int64) -> Expr? {
        var unsafe = false
        let out = rewrite(e, t, &unsafe)
        return unsafe ? nil : out
    }

    /// The other evaluation times the reference runner uses for a query at `t` (ms).
    public static func evaluationTimes(for t: Int64) -> [Int64] {
        t == 0 ? [-1000, 0, 1000] : [-10 &* t, 0, t / 5, t, 10 &* t]
    }

    static func rewrite(_ e: Expr, _ t: Int64, _ unsafe: inout Bool) -> Expr {
        switch e {
        case .number, .string:
            return e
        case .vectorSelector(var v):
            if v.at == nil { v.at = .timestamp(t) }
            return .vectorSelector(v)
        case .matrixSelector(var m):
            if m.selector.at == nil { m.selector.at = .timestamp(t) }
            return .matrixSelector(m)
        case .subquery(var s):
            // Selectors inside a subquery keep their own times.
            if s.at == nil { s.at = .timestamp(t) }
            return .subquery(s)
        case .paren(var p):
            p.expr = rewrite(p.expr, t, &unsafe)
            return .paren(p)
        case .unary(var u):
            u.expr = rewrite(u.expr, t, &unsafe)
            return .unary(u)
        case .binary(var b):
            b.lhs = rewrite(b.lhs, t, &unsafe)
            b.rhs = rewrite(b.rhs, t, &unsafe)
            return .binary(b)
        case .aggregate(var a):
            a.expr = rewrite(a.expr, t, &unsafe)
            if let p = a.param { a.param = rewrite(p, t, &unsafe) }
            return .aggregate(a)
        case .call(var c):
            if unsafeFunctions.contains(c.function) { unsafe = true }
            c.args = c.args.map { rewrite($0, t, &unsafe) }
            return .call(c)
        // Node kinds added later are left as they are.
        @unknown default:
            return e
        }
    }
}
