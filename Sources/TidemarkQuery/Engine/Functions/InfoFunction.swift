import TidemarkStorage

/// The selector of `info(v, selector)`'s info series: the given one (default
/// `target_info` when it names no metric), with the base selector's `@` and offset.
func infoSelector(_ c: Call) -> VectorSelector {
    var vs = VectorSelector(name: nil, matchers: [])
    if c.args.count > 1, case .vectorSelector(let s) = c.args[1].unwrapped { vs = s }
    let names = vs.matchers.filter { $0.name == metricNameLabel }
    if names.isEmpty {
        vs.matchers.append(.equal(metricNameLabel, "target_info"))
    } else if !names.contains(where: { $0.kind == .equal || $0.kind == .regexMatch }) {
        // Only negative name matchers: candidates are still info metrics.
        vs.matchers.append(try! LabelMatcher(.regexMatch, metricNameLabel, ".+_info"))
    }
    vs.offset = 0
    vs.at = nil
    vs.modifier = nil
    if let base = c.args.first, let (at, offset) = selectorTiming(base) {
        vs.offset = offset
        vs.at = at
    }
    return vs
}

/// The `@` and total offset that apply to the first selector of `e` (an inner `@` wins over
/// everything outside it; offsets add up along the path).
func selectorTiming(_ e: Expr) -> (AtModifier?, Int64)? {
    func combine(_ at: AtModifier?, _ offset: Int64, _ inner: (AtModifier?, Int64)?) -> (AtModifier?, Int64)? {
        guard let (iat, ioff) = inner else { return nil }
        if iat != nil { return (iat, ioff) }
        return (at, offset + ioff)
    }
    switch e {
    case .vectorSelector(let v): return (v.at, v.offset)
    case .matrixSelector(let m): return (m.selector.at, m.selector.offset)
    case .subquery(let s): return combine(s.at, s.offset, selectorTiming(s.expr))
    case .paren(let p): return selectorTiming(p.expr)
    case .unary(let u): return selectorTiming(u.expr)
    case .binary(let b): return selectorTiming(b.lhs) ?? selectorTiming(b.rhs)
    case .aggregate(let a): return selectorTiming(a.expr)
    case .call(let c):
        for arg in c.args { if let t = selectorTiming(arg) { return t } }
        return nil
    case .number, .string: return nil
    }
}

extension Evaluator {
    /// `info(v [, selector])`: adds the data labels of the info series that share `v`'s
    /// identifying labels (`instance`, `job`), as Prometheus 3's experimental info().
    func evalInfo(_ c: Call) throws -> EvalMatrix {
        let base = try evalVector(arg(c, 0))
        let sel = infoSelector(c)
        let nameMatchers = sel.matchers.filter { $0.name == metricNameLabel }
        let dataMatchers = sel.matchers.filter { $0.name != metricNameLabel }
        let dataNames = Set(dataMatchers.map(\.name))
        let hasPositiveName = nameMatchers.contains { $0.kind == .equal || $0.kind == .regexMatch }
        let emptyOK = dataMatchers.allSatisfy(\.matchesEmpty)
        // Info series, with the timestamp of the sample they have at each step.
        let infoSeries = try evalVectorSelector(sel, sampleTimes: true)
        func key(_ l: Labels) -> String { (l["instance"] ?? "") + "\u{FF}" + (l["job"] ?? "") }
        var byKey: [String: [Int]] = [:]
        var sampleTime: [[Double]] = []  // per info series, per step (NaN: absent)
        for (k, s) in infoSeries.enumerated() {
            byKey[key(s.labels), default: []].append(k)
            var row = [Double](repeating: .nan, count: numSteps)
            for p in s.points { row[stepIndex(p.t)] = p.v }
            sampleTime.append(row)
        }
        var b = MatrixBuilder()
        for s in base {
            try ctx.check()
            let name = s.labels.metricName ?? ""
            if hasPositiveName && s.labels.metricName != nil && nameMatchers.allSatisfy({ $0.matches(name) }) {
                try b.addSeries(s)
                continue
            }
            let cands = byKey[key(s.labels)] ?? []
            for p in s.points {
                let i = stepIndex(p.t)
                // Per data label name, the value from the info series with the newest sample.
                var add: [String: (Double, String, String)] = [:]
                var found = false
                for k in cands where !sampleTime[k][i].isNaN {
                    found = true
                    let st = sampleTime[k][i]
                    for l in infoSeries[k].labels where l.name != metricNameLabel && l.name != "instance" && l.name != "job" {
                        if !dataNames.isEmpty && !dataNames.contains(l.name) { continue }
                        if s.labels[l.name] != nil { continue }
                        let infoName = infoSeries[k].labels.metricName ?? ""
                        if let cur = add[l.name] {
                            if cur.2 != infoName && cur.1 != l.value {
                                throw QueryError.exec("conflicting label: \(l.name) has values \(LabelNames.quote(cur.1)) (from \(cur.2)) and \(LabelNames.quote(l.value)) (from \(infoName))", c.position)
                            }
                            if cur.0 >= st { continue }
                        }
                        add[l.name] = (st, l.value, infoName)
                    }
                }
                if !found && !emptyOK { continue }
                var labels = s.labels
                if !add.isEmpty {
                    var ls = s.labels.labels
                    for (n, v) in add { ls.append(Label(n, v.1)) }
                    labels = Labels(ls)
                }
                try b.add(labels, p.t, p.v, dropName: s.dropName)
            }
        }
        return b.series
    }
}
