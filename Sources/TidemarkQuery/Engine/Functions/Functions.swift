import Foundation
import TidemarkStorage

extension Expr {
    /// The expression without enclosing parentheses.
    var unwrapped: Expr {
        if case .paren(let p) = self { return p.expr.unwrapped }
        return self
    }
}

enum SimpleFunctions {
    static func math(_ name: String) -> ((Double) -> Double)? {
        switch name {
        case "abs": return { Swift.abs($0) }
        case "ceil": return { Foundation.ceil($0) }
        case "floor": return { Foundation.floor($0) }
        case "exp": return { Foundation.exp($0) }
        case "sqrt": return { $0.squareRoot() }
        case "ln": return { Foundation.log($0) }
        case "log2": return { Foundation.log2($0) }
        case "log10": return { Foundation.log10($0) }
        case "sgn": return { $0 < 0 ? -1 : ($0 > 0 ? 1 : $0) }
        case "sin": return { Foundation.sin($0) }
        case "cos": return { Foundation.cos($0) }
        case "tan": return { Foundation.tan($0) }
        case "asin": return { Foundation.asin($0) }
        case "acos": return { Foundation.acos($0) }
        case "atan": return { Foundation.atan($0) }
        case "sinh": return { Foundation.sinh($0) }
        case "cosh": return { Foundation.cosh($0) }
        case "tanh": return { Foundation.tanh($0) }
        case "asinh": return { Foundation.asinh($0) }
        case "acosh": return { Foundation.acosh($0) }
        case "atanh": return { Foundation.atanh($0) }
        case "deg": return { $0 * 180 / Double.pi }
        case "rad": return { $0 * Double.pi / 180 }
        default: return nil
        }
    }
}

extension Evaluator {
    func arg(_ c: Call, _ i: Int) throws -> Expr {
        guard i < c.args.count else {
            throw QueryError.exec("\(c.function): expected at least \(i + 1) argument(s), got \(c.args.count)", c.position)
        }
        return c.args[i]
    }

    /// Applies `f(value, step)` to every point, dropping `__name__` (duplicate label sets at
    /// one step are an error, as in Prometheus).
    func mapVector(_ m: EvalMatrix, dropName: Bool = true, _ f: (Double, Int) -> Double?) throws -> EvalMatrix {
        var b = MatrixBuilder()
        for s in m {
            var pts: [FPoint] = []
            pts.reserveCapacity(s.points.count)
            for p in s.points {
                if let v = f(p.v, stepIndex(p.t)) { pts.append(FPoint(t: p.t, v: v)) }
            }
            if pts.isEmpty { continue }
            if dropName { try b.addSeries(droppingName(s, points: pts)) } else { b.series.append(EvalSeries(labels: s.labels, points: pts, dropName: s.dropName)) }
        }
        return b.series
    }

    func evalCall(_ c: Call) throws -> EvalValue {
        let name = c.function
        if name == "absent_over_time" { return try evalAbsentOverTime(c) }
        if let (ms, choice) = rollupChoice(c) { return try evalWithRollup(c, ms, choice) }
        if let k = RangeFunctions.kernel(name) { return try evalRangeFunction(c, kernel: k) }
        if let f = SimpleFunctions.math(name) {
            return .vector(try mapVector(try evalVector(arg(c, 0))) { v, _ in f(v) })
        }
        switch name {
        case "time":
            return .scalar((0..<numSteps).map { Double(time($0)) / 1000 })
        case "step":
            return .scalar([Double](repeating: Double(ctx.queryStep) / 1000, count: numSteps))
        case "range":
            return .scalar([Double](repeating: Double(ctx.queryEnd - ctx.queryStart) / 1000, count: numSteps))
        case "start":
            return .scalar([Double](repeating: Double(ctx.queryStart) / 1000, count: numSteps))
        case "end":
            return .scalar([Double](repeating: Double(ctx.queryEnd) / 1000, count: numSteps))
        case "min_of", "max_of":
            let a = try evalScalar(arg(c, 0)), b = try evalScalar(arg(c, 1))
            let isMin = name == "min_of"
            return .scalar((0..<numSteps).map { i in
                if a[i].isNaN || b[i].isNaN { return .nan }
                return isMin ? Swift.min(a[i], b[i]) : Swift.max(a[i], b[i])
            })
        case "pi":
            return .scalar([Double](repeating: Double.pi, count: numSteps))
        case "vector":
            let s = try evalScalar(arg(c, 0))
            return .vector([EvalSeries(labels: .empty, points: s.enumerated().map { FPoint(t: time($0.offset), v: $0.element) })])
        case "scalar":
            let m = try evalVector(arg(c, 0))
            var count = [Int](repeating: 0, count: numSteps)
            var val = [Double](repeating: .nan, count: numSteps)
            for s in m {
                for p in s.points {
                    let i = stepIndex(p.t)
                    count[i] += 1
                    val[i] = p.v
                }
            }
            return .scalar((0..<numSteps).map { count[$0] == 1 ? val[$0] : .nan })
        case "timestamp":
            let a = try arg(c, 0).unwrapped
            if case .vectorSelector(let vs) = a {
                let m = try evalVectorSelector(vs, sampleTimes: true)
                return .vector(try mapVector(m) { v, _ in v })
            }
            let m = try evalVector(a)
            var b = MatrixBuilder()
            for s in m {
                try b.addSeries(droppingName(s, points: s.points.map { FPoint(t: $0.t, v: Double($0.t) / 1000) }))
            }
            return .vector(b.series)
        case "round":
            let m = try evalVector(arg(c, 0))
            let to = c.args.count > 1 ? try evalScalar(c.args[1]) : [Double](repeating: 1, count: numSteps)
            return .vector(try mapVector(m) { v, i in
                let inv = 1.0 / to[i]
                return Foundation.floor(v * inv + 0.5) / inv
            })
        case "clamp":
            let m = try evalVector(arg(c, 0))
            let lo = try evalScalar(arg(c, 1)), hi = try evalScalar(arg(c, 2))
            return .vector(try mapVector(m) { v, i in
                if hi[i] < lo[i] { return nil }
                return Swift.max(lo[i], Swift.min(hi[i], v)).nanPropagating(v, lo[i], hi[i])
            })
        case "clamp_min":
            let m = try evalVector(arg(c, 0))
            let lo = try evalScalar(arg(c, 1))
            return .vector(try mapVector(m) { v, i in Swift.max(lo[i], v).nanPropagating(v, lo[i]) })
        case "clamp_max":
            let m = try evalVector(arg(c, 0))
            let hi = try evalScalar(arg(c, 1))
            return .vector(try mapVector(m) { v, i in Swift.min(hi[i], v).nanPropagating(v, hi[i]) })
        case "sort", "sort_desc":
            sortWarning(c)
            var m = try evalVector(arg(c, 0))
            if numSteps == 1 {
                let desc = name == "sort_desc"
                m = stableSorted(m) { a, b in
                    let x = a.points[0].v, y = b.points[0].v
                    if x.isNaN || y.isNaN { return !x.isNaN && y.isNaN }
                    return desc ? x > y : x < y
                }
            }
            return .vector(m)
        case "sort_by_label", "sort_by_label_desc":
            sortWarning(c)
            var m = try evalVector(arg(c, 0))
            var names: [String] = []
            for i in 1..<Swift.max(c.args.count, 1) { names.append(try evalString(c.args[i])) }
            let desc = name == "sort_by_label_desc"
            m = stableSorted(m) { a, b in
                for n in names {
                    let x = a.labels[n] ?? "", y = b.labels[n] ?? ""
                    if x == y { continue }
                    return desc ? naturalLess(y, x) : naturalLess(x, y)
                }
                return desc ? b.labels < a.labels : a.labels < b.labels
            }
            return .vector(m)
        case "label_replace":
            return .vector(try labelReplace(c))
        case "label_join":
            return .vector(try labelJoin(c))
        case "absent":
            let a = try arg(c, 0)
            let m = try evalVector(a)
            var present = [Bool](repeating: false, count: numSteps)
            for s in m { for p in s.points { present[stepIndex(p.t)] = true } }
            var labels = Labels.empty
            if case .vectorSelector(let vs) = a { labels = absentLabels(vs.matchers) }
            let pts = (0..<numSteps).filter { !present[$0] }.map { FPoint(t: time($0), v: 1) }
            return .vector(pts.isEmpty ? [] : [EvalSeries(labels: labels, points: pts)])
        case "histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar":
            // Native-histogram functions: float samples are ignored (Tidemark stores floats only).
            _ = try evalVector(arg(c, 0))
            return .vector([])
        case "info":
            return .vector(try evalInfo(c))
        case "histogram_quantile", "histogram_quantiles", "histogram_fraction":
            return .vector(try histogramQuantile(c))
        case "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year":
            let f = DateFunctions.component(name)
            if c.args.isEmpty {
                return .vector([EvalSeries(labels: .empty, points: (0..<numSteps).map { FPoint(t: time($0), v: f(time($0) / 1000)) })])
            }
            let m = try evalVector(c.args[0])
            return .vector(try mapVector(m) { v, _ in
                if v.isNaN || v.isInfinite || Swift.abs(v) > 9.2e18 { return f(Int64.min / 1000) }
                return f(Int64(v))
            })
        default:
            throw QueryError(.badData, "unknown function with name \(LabelNames.quote(name))", position: c.position)
        }
    }

    func sortWarning(_ c: Call) {
        if ctx.queryStep > 0 {
            ctx.warn("PromQL warning: sort is ineffective for range queries since results are always ordered by labels" + Evaluator.posSuffix(c.position))
        }
    }

    func stableSorted(_ m: EvalMatrix, _ less: (EvalSeries, EvalSeries) -> Bool) -> EvalMatrix {
        m.enumerated().sorted { a, b in
            if less(a.element, b.element) { return true }
            if less(b.element, a.element) { return false }
            return a.offset < b.offset
        }.map(\.element)
    }
}

extension Double {
    /// `self`, unless one of the inputs is NaN (Go's math.Max/Min return NaN then).
    @inline(__always)
    func nanPropagating(_ xs: Double...) -> Double {
        for x in xs where x.isNaN { return .nan }
        return self
    }
}

/// Natural order: digit runs compare as numbers, the rest byte-wise.
func naturalLess(_ a: String, _ b: String) -> Bool {
    func chunks(_ s: String) -> [Substring] {
        var out: [Substring] = []
        var start = s.startIndex
        var i = s.startIndex
        var digit: Bool? = nil
        while i < s.endIndex {
            let d = s[i].isASCII && s[i].isNumber
            if let cur = digit, cur != d {
                out.append(s[start..<i])
                start = i
            }
            digit = d
            i = s.index(after: i)
        }
        if start < s.endIndex { out.append(s[start...]) }
        return out
    }
    let ca = chunks(a), cb = chunks(b)
    for (x, y) in zip(ca, cb) where x != y {
        let xd = x.first.map { $0.isASCII && $0.isNumber } ?? false
        let yd = y.first.map { $0.isASCII && $0.isNumber } ?? false
        if xd && yd {
            let xs = x.drop { $0 == "0" }, ys = y.drop { $0 == "0" }
            if xs.count != ys.count { return xs.count < ys.count }
            if xs != ys { return xs.utf8.lexicographicallyPrecedes(ys.utf8) }
            continue
        }
        return x.utf8.lexicographicallyPrecedes(y.utf8)
    }
    return ca.count < cb.count
}

enum DateFunctions {
    static func civil(_ days: Int64) -> (y: Int64, m: Int64, d: Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func isLeap(_ y: Int64) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : -((-a + b - 1) / b) }

    static func component(_ name: String) -> (Int64) -> Double {
        { secs in
            let days = floorDiv(secs, 86_400)
            let sod = secs - days * 86_400
            let (y, m, d) = civil(days)
            switch name {
            case "day_of_month": return Double(d)
            case "day_of_week": return Double(((days % 7) + 11) % 7)
            case "day_of_year":
                let cum: [Int64] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]
                return Double(cum[Int(m - 1)] + d + (m > 2 && isLeap(y) ? 1 : 0))
            case "days_in_month":
                let lens: [Int64] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
                return Double(lens[Int(m - 1)] + (m == 2 && isLeap(y) ? 1 : 0))
            case "hour": return Double(sod / 3600)
            case "minute": return Double((sod % 3600) / 60)
            case "month": return Double(m)
            default: return Double(y)
            }
        }
    }
}
