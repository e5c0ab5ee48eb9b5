import Foundation
import TidemarkStorage

/// Prometheus notation of a label set with every label in braces: `{__name__="x", a="b"}`.
func promLabelsString(_ l: Labels) -> String {
    "{" + l.map { "\($0.name)=\(LabelNames.quote($0.value))" }.joined(separator: ", ") + "}"
}

@inline(__always)
func arithmetic(_ op: BinaryOperator, _ l: Double, _ r: Double) -> Double {
    switch op {
    case .add: return l + r
    case .sub: return l - r
    case .mul: return l * r
    case .div: return l / r
    case .mod: return fmod(l, r)
    case .pow: return pow(l, r)
    case .atan2: return atan2(l, r)
    default: return .nan
    }
}

@inline(__always)
func compare(_ op: BinaryOperator, _ l: Double, _ r: Double) -> Bool {
    switch op {
    case .eql: return l == r
    case .neq: return l != r
    case .gtr: return l > r
    case .lss: return l < r
    case .gte: return l >= r
    case .lte: return l <= r
    default: return false
    }
}

/// `__name__`, `__type__`, `__unit__`: the labels that describe the metric rather than the series.
@inline(__always)
func isMetricDescriptor(_ name: String) -> Bool {
    name == metricNameLabel || name == "__type__" || name == "__unit__"
}

/// Matching key of a label set: the `on` labels, or all but the `ignoring` ones and
/// `__name__`. Compared and hashed by bytes (see `Label`).
func matchLabels(_ l: Labels, on: Bool, names: Set<String>) -> Labels {
    if on { return l.removing { !names.contains($0.name) } }
    if names.isEmpty { return l.removing { $0.hasName(metricNameLabel) } }
    return l.removing { $0.hasName(metricNameLabel) || names.contains($0.name) }
}

extension Evaluator {
    func evalBinary(_ b: BinaryExpr) throws -> EvalValue {
        if let operands = orChainOperands(b) {
            var vectors: [EvalMatrix] = []
            for e in operands {
                guard case .vector(let m) = try eval(e) else {
                    throw QueryError.exec("set operator \"or\" not allowed in binary scalar expression", b.position)
                }
                vectors.append(m)
            }
            return .vector(try union(vectors, b.matching ?? VectorMatching(cardinality: .manyToMany)))
        }
        let lv = try eval(b.lhs)
        let rv = try eval(b.rhs)
        let op = b.op
        switch (lv, rv) {
        case (.scalar(let l), .scalar(let r)):
            if op.isSetOperator { throw QueryError.exec("set operator \"\(op.rawValue)\" not allowed in binary scalar expression", b.position) }
            var out = [Double](repeating: 0, count: numSteps)
            for i in 0..<numSteps {
                out[i] = op.isComparison ? (compare(op, l[i], r[i]) ? 1 : 0) : arithmetic(op, l[i], r[i])
            }
            return .scalar(out)
        case (.vector(let m), .scalar(let s)):
            if op.isSetOperator { throw QueryError.exec("set operator \"\(op.rawValue)\" not allowed in binary scalar expression", b.position) }
            return .vector(try vectorScalar(op, m, s, swap: false, returnBool: b.returnBool))
        case (.scalar(let s), .vector(let m)):
            if op.isSetOperator { throw QueryError.exec("set operator \"\(op.rawValue)\" not allowed in binary scalar expression", b.position) }
            return .vector(try vectorScalar(op, m, s, swap: true, returnBool: b.returnBool))
        case (.vector(let l), .vector(let r)):
            let matching = b.matching ?? VectorMatching(cardinality: op.isSetOperator ? .manyToMany : .oneToOne)
            switch op {
            case .and, .or, .unless: return .vector(try setOperation(op, l, r, matching))
            default: return .vector(try vectorVector(op, l, r, matching, returnBool: b.returnBool, position: b.position))
            }
        default:
            throw QueryError.exec("binary expression must contain only scalar and instant vector types, got \(lv.typeName) and \(rv.typeName)", b.position)
        }
    }

    func vectorScalar(_ op: BinaryOperator, _ m: EvalMatrix, _ s: [Double], swap: Bool, returnBool: Bool) throws -> EvalMatrix {
        let dropName = !op.isComparison || returnBool
        var b = MatrixBuilder()
        for series in m {
            var pts: [FPoint] = []
            pts.reserveCapacity(series.points.count)
            for p in series.points {
                let sv = s[stepIndex(p.t)]
                let (l, r) = swap ? (sv, p.v) : (p.v, sv)
                if op.isComparison {
                    let keep = compare(op, l, r)
                    if returnBool { pts.append(FPoint(t: p.t, v: keep ? 1 : 0)) } else if keep { pts.append(p) }
                } else {
                    pts.append(FPoint(t: p.t, v: arithmetic(op, l, r)))
                }
            }
            if pts.isEmpty { continue }
            if dropName { try b.addSeries(droppingName(series, points: pts)) } else { b.series.append(EvalSeries(labels: series.labels, points: pts, dropName: series.dropName)) }
        }
        return b.series
    }

    /// Per-step lists of (series index, value).
    func byStep(_ m: EvalMatrix) -> [[(Int, Double)]] {
        var steps = [[(Int, Double)]](repeating: [], count: numSteps)
        for (k, s) in m.enumerated() {
            for p in s.points { steps[stepIndex(p.t)].append((k, p.v)) }
        }
        return steps
    }

    func setOperation(_ op: BinaryOperator, _ l: EvalMatrix, _ r: EvalMatrix, _ matching: VectorMatching) throws -> EvalMatrix {
        let names = Set(matching.labels)
        let lsig = l.map { matchLabels($0.labels, on: matching.on, names: names) }
        let rsig = r.map { matchLabels($0.labels, on: matching.on, names: names) }
        // Steps at which each signature is present on the other side.
        func presence(_ m: EvalMatrix, _ sigs: [Labels]) -> [Labels: [Bool]] {
            var out: [Labels: [Bool]] = [:]
            for (k, s) in m.enumerated() {
                var bits = out[sigs[k]] ?? [Bool](repeating: false, count: numSteps)
                for p in s.points { bits[stepIndex(p.t)] = true }
                out[sigs[k]] = bits
            }
            return out
        }
        var b = MatrixBuilder()
        switch op {
        case .and, .unless:
            let rp = presence(r, rsig)
            let wantPresent = op == .and
            for (k, s) in l.enumerated() {
                let bits = rp[lsig[k]]
                let pts = s.points.filter { p in (bits?[stepIndex(p.t)] ?? false) == wantPresent }
                if !pts.isEmpty { try b.addSeries(EvalSeries(labels: s.labels, points: pts, dropName: s.dropName)) }
            }
        default:  // or
            let lp = presence(l, lsig)
            for s in l { try b.addSeries(s) }
            for (k, s) in r.enumerated() {
                let bits = lp[rsig[k]]
                let pts = s.points.filter { p in !(bits?[stepIndex(p.t)] ?? false) }
                if !pts.isEmpty { try b.addSeries(EvalSeries(labels: s.labels, points: pts, dropName: s.dropName)) }
            }
        }
        return b.series
    }

    func vectorVector(_ op: BinaryOperator, _ lhsIn: EvalMatrix, _ rhsIn: EvalMatrix, _ matching: VectorMatching, returnBool: Bool, position: PositionRange) throws -> EvalMatrix {
        if matching.cardinality == .manyToMany {
            throw QueryError.exec("many-to-many only allowed for set operators", position)
        }
        // fill(v) modifiers: after the swap below, fillLeft stands in for a missing sample of the
        // "many" side and fillRight for one of the "one" side (as Prometheus applies them).
        let fillMany = matching.fillLeft, fillOne = matching.fillRight
        if (lhsIn.isEmpty && fillMany == nil) || (rhsIn.isEmpty && fillOne == nil) || (lhsIn.isEmpty && rhsIn.isEmpty) { return [] }
        let names = Set(matching.labels)
        let swapped = matching.cardinality == .oneToMany
        // After the swap, `lhs` is the "many" side and `rhs` the "one" side.
        let lhs = swapped ? rhsIn : lhsIn
        let rhs = swapped ? lhsIn : rhsIn
        // Match signatures as small integers, so the per-step work indexes arrays.
        var sigIds: [Labels: Int] = [:]
        func sigId(_ l: Labels) -> Int {
            let s = matchLabels(l, on: matching.on, names: names)
            if let id = sigIds[s] { return id }
            sigIds[s] = sigIds.count
            return sigIds.count - 1
        }
        let lsig = lhs.map { sigId($0.labels) }
        let rsig = rhs.map { sigId($0.labels) }
        let nsig = sigIds.count
        let lsteps = byStep(lhs)
        let rsteps = byStep(rhs)
        let dropsName = !op.isComparison || returnBool
        let delayed = ctx.options.delayedNameRemoval
        let dropName = dropsName && !delayed
        // Per signature: the "one"-side sample at the current step (valid when rStamp == step).
        var rStamp = [Int](repeating: -1, count: nsig)
        var rIdx = [Int](repeating: 0, count: nsig)
        var rVal = [Double](repeating: 0, count: nsig)
        var matchedStamp = [Int](repeating: -1, count: nsig)
        // Output series, found once per (many, one) pair (or per unmatched sample when filling).
        var out: [EvalSeries] = []
        var outByLabels: [Labels: Int] = [:]
        var pairOut: [Int: Int] = [:]
        var outMatchStamp: [Int] = []
        var outMatchSig: [Int] = []
        var outPointStamp: [Int] = []
        func outputIndex(_ labels: Labels, _ flag: Bool) -> Int {
            if let i = outByLabels[labels] {
                if flag { out[i].dropName = true }
                return i
            }
            outByLabels[labels] = out.count
            out.append(EvalSeries(labels: labels, points: [], dropName: flag))
            outMatchStamp.append(-1)
            outMatchSig.append(-1)
            outPointStamp.append(-1)
            return out.count - 1
        }
        func emit(_ o: Int, _ i: Int, _ t: Int64, _ v: Double) throws {
            if outPointStamp[o] == i { throw QueryError.exec("vector cannot contain metrics with the same labelset", position) }
            outPointStamp[o] = i
            out[o].points.append(FPoint(t: t, v: v))
        }
        let nr = rhs.count
        for i in 0..<numSteps {
            try ctx.check()
            let L = lsteps[i], R = rsteps[i]
            if (L.isEmpty && fillMany == nil) || (R.isEmpty && fillOne == nil) { continue }
            let t = time(i)
            for (j, v) in R {
                let sg = rsig[j]
                if rStamp[sg] == i {
                    let dj = rIdx[sg]
                    let side = swapped ? "left" : "right"
                    let ml = matchLabels(rhs[j].labels, on: matching.on, names: names)
                    let pair = [rhs[j].labels, rhs[dj].labels].sorted(by: <)
                    throw QueryError.exec("found duplicate series for the match group \(promLabelsString(ml)) on the \(side) hand-side of the operation: [\(promLabelsString(pair[0])), \(promLabelsString(pair[1]))];many-to-many matching not allowed: matching labels must be unique on one side", position)
                }
                rStamp[sg] = i
                rIdx[sg] = j
                rVal[sg] = v
            }
            for (k, lv) in L {
                let sg = lsig[k]
                guard rStamp[sg] == i else {
                    if let f = fillOne {
                        let (fl, fr) = swapped ? (f, lv) : (lv, f)
                        if let v = binaryValue(op, fl, fr, returnBool) {
                            let key = -1 - k
                            let o: Int
                            if let c = pairOut[key] { o = c } else {
                                o = outputIndex(resultMetric(lhs[k].labels, .empty, matching: matching, names: names, dropName: dropName), (delayed && dropsName) || lhs[k].dropName)
                                pairOut[key] = o
                            }
                            try emit(o, i, t, v)
                        }
                    }
                    continue
                }
                let j = rIdx[sg], rv = rVal[sg]
                let (fl, fr) = swapped ? (rv, lv) : (lv, rv)
                let key = k &* nr &+ j
                let o: Int
                if let c = pairOut[key] { o = c } else {
                    o = outputIndex(resultMetric(lhs[k].labels, rhs[j].labels, matching: matching, names: names, dropName: dropName), (delayed && dropsName) || lhs[k].dropName)
                    pairOut[key] = o
                }
                if matching.cardinality == .oneToOne {
                    if matchedStamp[sg] == i {
                        throw QueryError.exec("multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)", position)
                    }
                } else if outMatchStamp[o] == i && outMatchSig[o] == sg {
                    throw QueryError.exec("multiple matches for labels: grouping labels must ensure unique matches", position)
                }
                matchedStamp[sg] = i
                outMatchStamp[o] = i
                outMatchSig[o] = sg
                guard let value = binaryValue(op, fl, fr, returnBool) else { continue }
                try emit(o, i, t, value)
            }
            if let f = fillMany {
                for (j, rv) in R where matchedStamp[rsig[j]] != i {
                    let (fl, fr) = swapped ? (rv, f) : (f, rv)
                    if let v = binaryValue(op, fl, fr, returnBool) {
                        let key = Int.min / 2 + j
                        let o: Int
                        if let c = pairOut[key] { o = c } else {
                            o = outputIndex(matchLabels(rhs[j].labels, on: matching.on, names: names), false)
                            pairOut[key] = o
                        }
                        try emit(o, i, t, v)
                    }
                }
            }
        }
        return out.filter { !$0.points.isEmpty }
    }

    @inline(__always)
    func binaryValue(_ op: BinaryOperator, _ l: Double, _ r: Double, _ returnBool: Bool) -> Double? {
        if op.isComparison {
            let keep = compare(op, l, r)
            if returnBool { return keep ? 1 : 0 }
            return keep ? l : nil
        }
        return arithmetic(op, l, r)
    }

    func resultMetric(_ l: Labels, _ r: Labels, matching: VectorMatching, names: Set<String>, dropName: Bool) -> Labels {
        var out = l.labels
        if dropName { out.removeAll { isMetricDescriptor($0.name) } }
        if matching.cardinality == .oneToOne {
            if matching.on { out.removeAll { !names.contains($0.name) } } else { out.removeAll { names.contains($0.name) } }
        }
        if matching.include.isEmpty { return Labels(sorted: out) }
        var result = Labels(sorted: out)
        for name in matching.include {
            result = result.setting(name, to: r[name] ?? "")
        }
        return result
    }
}
