import Foundation
import TidemarkStorage

/// Neumaier-compensated summation step (as Prometheus's kahanSumInc).
@inline(__always)
func kahanSumInc(_ inc: Double, _ sum: Double, _ c: Double) -> (Double, Double) {
    let t = sum + inc
    var c = c
    if t.isInfinite {
        c = 0
    } else if abs(sum) >= abs(inc) {
        c += (sum - t) + inc
    } else {
        c += (inc - t) + sum
    }
    return (t, c)
}

/// Running mean: direct Kahan-compensated sum while it stays finite, then incremental
/// mean (Prometheus 3's avg and avg_over_time).
struct MeanAccumulator {
    var sum = 0.0
    var c = 0.0
    var mean = 0.0
    var count = 0.0
    var incremental = false

    @inline(__always)
    mutating func add(_ v: Double) {
        count += 1
        if count == 1 {
            sum = v
            c = 0
            return
        }
        if !incremental {
            let (ns, nc) = kahanSumInc(v, sum, c)
            if !ns.isInfinite {
                sum = ns
                c = nc
                return
            }
            incremental = true
            mean = sum / (count - 1)
            c /= count - 1
        }
        if mean.isInfinite {
            if v.isInfinite && (mean > 0) == (v > 0) { return }
            if !v.isInfinite && !v.isNaN { return }
        }
        let current = mean + c
        (mean, c) = kahanSumInc(v / count - current / count, mean, c)
    }

    var value: Double { incremental ? mean + c : (sum + c) / count }
}

/// The q-quantile of `values` (sorted in place), interpolating between neighbours.
func quantile(_ q: Double, _ values: inout [Double]) -> Double {
    if values.isEmpty || q.isNaN { return .nan }
    if q < 0 { return -.infinity }
    if q > 1 { return .infinity }
    values.sort { a, b in a.isNaN ? !b.isNaN : (b.isNaN ? false : a < b) }
    let n = Double(values.count)
    let rank = q * (n - 1)
    let lower = max(0, floor(rank))
    let upper = min(n - 1, lower + 1)
    let weight = rank - floor(rank)
    return values[Int(lower)] * (1 - weight) + values[Int(upper)] * weight
}

/// Go's strconv.FormatFloat(v, 'f', -1, 64): shortest round-trip digits, no exponent.
func formatFloatPlain(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
    var s = "\(v)"
    var neg = false
    if s.hasPrefix("-") { neg = true; s.removeFirst() }
    var mantissa = s
    var exp = 0
    if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
        mantissa = String(s[s.startIndex..<e])
        exp = Int(s[s.index(after: e)...]) ?? 0
    }
    var intPart = mantissa
    var frac = ""
    if let dot = mantissa.firstIndex(of: ".") {
        intPart = String(mantissa[mantissa.startIndex..<dot])
        frac = String(mantissa[mantissa.index(after: dot)...])
    }
    var digits = intPart + frac
    var pointPos = intPart.count + exp
    // Trim leading zeros (keeping the point position right).
    while digits.count > 1 && digits.hasPrefix("0") { digits.removeFirst(); pointPos -= 1 }
    while digits.hasSuffix("0") && digits.count > 1 { digits.removeLast() }
    if digits == "0" { return neg ? "-0" : "0" }
    var out: String
    if pointPos <= 0 {
        out = "0." + String(repeating: "0", count: -pointPos) + digits
    } else if pointPos >= digits.count {
        out = digits + String(repeating: "0", count: pointPos - digits.count)
    } else {
        let i = digits.index(digits.startIndex, offsetBy: pointPos)
        out = String(digits[..<i]) + "." + String(digits[i...])
    }
    return neg ? "-" + out : out
}

extension Evaluator {
    func groupLabels(_ l: Labels, _ a: AggregateExpr, _ names: Set<String>) -> Labels {
        // `by`/`without` lists are short: comparing each label name with a few strings is
        // cheaper than hashing it (a `Set` lookup hashed every label of every series, the
        // largest cost of `max by (hostname) (…)` over 100 series).
        if names.count <= 8 {
            let list = a.grouping
            if a.without {
                return Labels(sorted: l.filter { !list.contains($0.name) && $0.name != metricNameLabel })
            }
            return Labels(sorted: l.filter { list.contains($0.name) })
        }
        if a.without {
            return Labels(sorted: l.filter { !names.contains($0.name) && $0.name != metricNameLabel })
        }
        return Labels(sorted: l.filter { names.contains($0.name) })
    }

    func evalAggregate(_ a: AggregateExpr) throws -> EvalValue {
        var param: [Double] = []
        var stringParam = ""
        if a.op == .count_values {
            guard let p = a.param else { throw QueryError.exec("count_values needs a label name", a.position) }
            stringParam = try evalString(p)
        } else if a.op.takesParameter {
            guard let p = a.param else { throw QueryError.exec("\(a.op.rawValue) needs a parameter", a.position) }
            param = try evalScalar(p)
        }
        let m = try evalVector(a.expr)
        let names = Set(a.grouping)
        var groupIndex: [Labels: Int] = [:]
        var groups: [Labels] = []
        var seriesGroup = [Int](repeating: 0, count: m.count)
        // With delayed name removal, a group keeping `__name__` drops it if any member does.
        var groupDrop: [Bool] = []
        for (k, s) in m.enumerated() {
            let gl = groupLabels(s.labels, a, names)
            if let g = groupIndex[gl] {
                seriesGroup[k] = g
            } else {
                groupIndex[gl] = groups.count
                seriesGroup[k] = groups.count
                groups.append(gl)
                groupDrop.append(false)
            }
            if s.dropName && gl.metricName != nil { groupDrop[seriesGroup[k]] = true }
        }
        switch a.op {
        case .sum, .avg, .count, .group, .min, .max, .stddev, .stdvar:
            var out = try denseAggregate(a.op, m, groups, seriesGroup)
            if groupDrop.contains(true) {
                for i in out.indices where groupDrop[groupIndex[out[i].labels]!] { out[i].dropName = true }
            }
            return .vector(out)
        default:
            return .vector(try stepAggregate(a, m, groups, seriesGroup, param, stringParam))
        }
    }

    private struct AggState {
        var seen = false
        var value = 0.0
        var c = 0.0
        var mean = 0.0
        var count = 0.0
    }

    func denseAggregate(_ op: AggregateOperator, _ m: EvalMatrix, _ groups: [Labels], _ seriesGroup: [Int]) throws -> EvalMatrix {
        let n = numSteps
        var st = [AggState](repeating: AggState(), count: groups.count * n)
        // Means only for avg (keeps the per-cell state small for the other operators).
        var acc = [MeanAccumulator](repeating: MeanAccumulator(), count: op == .avg ? groups.count * n : 0)
        for (k, s) in m.enumerated() {
            try ctx.check()
            let base = seriesGroup[k] * n
            for p in s.points {
                let v = p.v
                let idx = base + stepIndex(p.t)
                if !st[idx].seen {
                    st[idx].seen = true
                    st[idx].count = 1
                    st[idx].value = v
                    st[idx].mean = v
                    switch op {
                    case .avg: acc[idx].add(v)
                    case .stddev, .stdvar: st[idx].value = (v.isNaN || v.isInfinite) ? .nan : 0
                    case .group: st[idx].value = 1
                    default: break
                    }
                    continue
                }
                st[idx].count += 1
                switch op {
                case .sum: (st[idx].value, st[idx].c) = kahanSumInc(v, st[idx].value, st[idx].c)
                case .avg: acc[idx].add(v)
                case .max: if st[idx].value < v || st[idx].value.isNaN { st[idx].value = v }
                case .min: if st[idx].value > v || st[idx].value.isNaN { st[idx].value = v }
                case .stddev, .stdvar:
                    let delta = v - st[idx].mean
                    st[idx].mean += delta / st[idx].count
                    st[idx].value += delta * (v - st[idx].mean)
                default: break
                }
            }
        }
        var out: EvalMatrix = []
        out.reserveCapacity(groups.count)
        for (g, labels) in groups.enumerated() {
            var pts: [FPoint] = []
            for i in 0..<n {
                let s = st[g * n + i]
                guard s.seen else { continue }
                let v: Double
                switch op {
                case .sum: v = s.value + s.c
                case .avg: v = acc[g * n + i].value
                case .count: v = s.count
                case .stdvar: v = s.value / s.count
                case .stddev: v = (s.value / s.count).squareRoot()
                default: v = s.value
                }
                pts.append(FPoint(t: time(i), v: v))
            }
            if !pts.isEmpty { out.append(EvalSeries(labels: labels, points: pts)) }
        }
        return out
    }

    func stepAggregate(_ a: AggregateExpr, _ m: EvalMatrix, _ groups: [Labels], _ seriesGroup: [Int], _ param: [Double], _ label: String) throws -> EvalMatrix {
        let steps = byStep(m)
        var b = MatrixBuilder()
        var members = [[(Int, Double)]](repeating: [], count: groups.count)
        if a.op == .count_values && label.isEmpty {
            throw QueryError.exec("invalid label name \"\(label)\"", a.position)
        }
        var hashes: [UInt64] = []
        if a.op == .limit_ratio { hashes = m.map { labelsHash($0.labels) } }
        for p in param where p.isNaN {
            switch a.op {
            case .topk, .bottomk, .limitk: throw QueryError.exec("Parameter value is NaN", a.param?.position)
            case .limit_ratio: throw QueryError.exec("Ratio value is NaN", a.param?.position)
            default: break
            }
        }
        for i in 0..<numSteps {
            try ctx.check()
            let sv = steps[i]
            if sv.isEmpty { continue }
            let t = time(i)
            var p = param.isEmpty ? 0 : param[i]
            var k = 0
            switch a.op {
            case .topk, .bottomk, .limitk:
                if p.isNaN { throw QueryError.exec("Parameter value is NaN", a.param?.position) }
                if p >= 9.2e18 { k = Int.max } else if p <= -9.2e18 { k = Int.min } else { k = Int(p) }
                if k < 1 { continue }
            case .quantile:
                if p.isNaN || p < 0 || p > 1 { ctx.warn("PromQL warning: quantile value should be between 0 and 1, got \(formatG(p))" + Evaluator.posSuffix(a.param?.position ?? .none)) }
            case .limit_ratio:
                if p.isNaN { throw QueryError.exec("Ratio value is NaN", a.param?.position) }
                if p < -1 || p > 1 {
                    ctx.warn("PromQL warning: ratio value should be between -1 and 1, got \(formatG(p)), capping to \(p < 0 ? -1 : 1)" + Evaluator.posSuffix(a.param?.position ?? .none))
                    p = p < 0 ? -1 : 1
                }
            default: break
            }
            for g in members.indices { members[g].removeAll(keepingCapacity: true) }
            for (sk, v) in sv { members[seriesGroup[sk]].append((sk, v)) }
            for g in members.indices where !members[g].isEmpty {
                let mem = members[g]
                switch a.op {
                case .topk, .bottomk:
                    let top = a.op == .topk
                    // The survivors as Prometheus picks them (ties included), then ordered.
                    let kept = HeapSelection.select(mem.map(\.1), k: k, top: top).map { ($0, mem[$0]) }
                    let sorted = kept.map { (offset: $0.0, element: $0.1) }.sorted { x, y in
                        let (xv, yv) = (x.element.1, y.element.1)
                        if xv.isNaN != yv.isNaN { return !xv.isNaN }
                        if xv != yv && !xv.isNaN { return top ? xv > yv : xv < yv }
                        return x.offset < y.offset
                    }
                    for e in sorted.prefix(k) { try b.add(m[e.element.0].labels, t, e.element.1, dropName: m[e.element.0].dropName) }
                case .limitk:
                    for e in mem.prefix(k) { try b.add(m[e.0].labels, t, e.1, dropName: m[e.0].dropName) }
                case .limit_ratio:
                    for (sk, v) in mem {
                        let r = Double(hashes[sk]) / Double(UInt64.max)
                        if (p >= 0 && r < p) || (p < 0 && r >= 1 + p) { try b.add(m[sk].labels, t, v, dropName: m[sk].dropName) }
                    }
                case .quantile:
                    var vals = mem.map(\.1)
                    try b.add(groups[g], t, quantile(p, &vals))
                case .count_values:
                    var counts: [String: Double] = [:]
                    var order: [String] = []
                    for (_, v) in mem {
                        let s = formatFloatPlain(v)
                        if counts[s] == nil { order.append(s) }
                        counts[s, default: 0] += 1
                    }
                    for s in order { try b.add(groups[g].setting(label, to: s), t, counts[s]!) }
                default:
                    break
                }
            }
        }
        return b.series
    }
}

/// Go's %g for annotation texts (shortest representation).
func formatG(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
    if v == v.rounded() && abs(v) < 1e21 { return formatFloatPlain(v) }
    return "\(v)"
}
