import Foundation

/// Replaces query-dependent durations (`foo[step()]`, `offset range()`, `[range():step()]`)
/// by constants for one query, so the planner and evaluator see plain numbers.
struct DurationResolver {
    /// The range query's step (0 for an instant query), ms.
    let stepMs: Int64
    /// end − start, ms.
    let rangeMs: Int64

    func seconds(_ d: DurationExpr) -> Double {
        switch d {
        case .number(let v): return v
        case .step: return Double(stepMs) / 1000
        case .range: return Double(rangeMs) / 1000
        case .negate(let x): return -seconds(x)
        case .paren(let x): return seconds(x)
        case .minOf(let a, let b): return min(seconds(a), seconds(b))
        case .maxOf(let a, let b): return max(seconds(a), seconds(b))
        case .binary(let op, let a, let b):
            let x = seconds(a), y = seconds(b)
            switch op {
            case .add: return x + y
            case .sub: return x - y
            case .mul: return x * y
            case .div: return x / y
            case .mod: return fmod(x, y)
            case .pow: return pow(x, y)
            default: return .nan
            }
        }
    }

    func ms(_ d: DurationExpr) -> Int64 {
        let v = (seconds(d) * 1000).rounded()
        if !v.isFinite || abs(v) > 9e18 { return 0 }
        return Int64(v)
    }

    func selector(_ vs: VectorSelector) -> VectorSelector {
        guard let o = vs.offsetExpr else { return vs }
        var v = vs
        v.offset = ms(o)
        v.offsetExpr = nil
        return v
    }

    func resolve(_ e: Expr) -> Expr {
        switch e {
        case .number, .string: return e
        case .vectorSelector(let vs): return .vectorSelector(selector(vs))
        case .matrixSelector(var ms):
            ms.selector = selector(ms.selector)
            if let r = ms.rangeExpr { ms.range = self.ms(r); ms.rangeExpr = nil }
            return .matrixSelector(ms)
        case .subquery(var sq):
            sq.expr = resolve(sq.expr)
            if let r = sq.rangeExpr { sq.range = ms(r); sq.rangeExpr = nil }
            if let s = sq.stepExpr { sq.step = ms(s); sq.stepExpr = nil }
            if let o = sq.offsetExpr { sq.offset = ms(o); sq.offsetExpr = nil }
            return .subquery(sq)
        case .paren(var p):
            p.expr = resolve(p.expr)
            return .paren(p)
        case .unary(var u):
            u.expr = resolve(u.expr)
            return .unary(u)
        case .binary(var b):
            b.lhs = resolve(b.lhs)
            b.rhs = resolve(b.rhs)
            return .binary(b)
        case .aggregate(var a):
            a.expr = resolve(a.expr)
            a.param = a.param.map(resolve)
            return .aggregate(a)
        case .call(var c):
            c.args = c.args.map(resolve)
            return .call(c)
        }
    }
}
