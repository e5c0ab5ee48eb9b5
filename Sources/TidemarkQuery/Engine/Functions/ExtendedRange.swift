import TidemarkStorage

/// Prometheus 3's experimental extended range selectors: `x[5m] anchored` (the window
/// starts from the last sample at or before its start, no extrapolation) and
/// `x[5m] smoothed` (values interpolated at both window edges), and `x smoothed`.
extension Evaluator {
    static let anchoredFunctions = ["changes", "delta", "increase", "rate", "resets"]
    static let smoothedFunctions = ["delta", "increase", "rate"]

    /// Linear interpolation at `t` between two samples; for counters a drop is a reset
    /// (the counter restarted from 0 towards the later value).
    @inline(__always)
    static func interpolate(_ t0: Int64, _ v0: Double, _ t1: Int64, _ v1: Double, at t: Int64, counter: Bool) -> Double {
        let f = Double(t - t0) / Double(t1 - t0)
        let start = counter && v1 < v0 ? 0 : v0
        return start + (v1 - start) * f
    }

    /// A modifier on the range argument of a function that does not support it is an
    /// evaluation error (as in Prometheus; the parser accepts it), with Prometheus's text.
    func checkExtendedModifier(_ c: Call, _ mod: SelectorModifier) throws {
        let allowed = mod == .anchored ? Evaluator.anchoredFunctions : Evaluator.smoothedFunctions
        guard allowed.contains(c.function) else {
            throw QueryError.exec("\(mod.rawValue) modifier can only be used with: \(allowed.joined(separator: ", ")) - not with \(c.function)", c.position)
        }
    }

    func evalExtendedRange(_ c: Call, _ input: RangeInput, _ mod: SelectorModifier, _ scalars: [[Double]]) throws -> EvalValue {
        try checkExtendedModifier(c, mod)
        let lb = ctx.options.lookbackDelta
        let isCounter = c.function == "rate" || c.function == "increase"
        var out: EvalMatrix = []
        var vals: [Double] = []
        for s in input.series {
            try ctx.check()
            var pts: [FPoint] = []
            let ts = s.ts, vs = s.vs, n = ts.count
            forEachWindow(ts, input, includeEmpty: mod == .smoothed) { _, t, lo, hi, ref in
                let rangeStart = ref - input.range
                // The newest sample at or before the window start, within the lookback delta.
                let before: Int? = (lo > 0 && ts[lo - 1] > rangeStart - lb) ? lo - 1 : nil
                vals.removeAll(keepingCapacity: true)
                switch mod {
                case .anchored:
                    if hi == lo { return }
                    if let b = before { vals.append(vs[b]) }
                    for k in lo..<hi { vals.append(vs[k]) }
                case .smoothed:
                    let after: Int? = (hi < n && ts[hi] <= ref + lb) ? hi : nil
                    if hi == lo && (before == nil || after == nil) { return }
                    if let b = before {
                        let nx = hi > lo ? lo : after!
                        vals.append(ts[b] == rangeStart ? vs[b] : Evaluator.interpolate(ts[b], vs[b], ts[nx], vs[nx], at: rangeStart, counter: isCounter))
                    }
                    for k in lo..<hi { vals.append(vs[k]) }
                    if let a = after {
                        let pv = hi > lo ? hi - 1 : before!
                        vals.append(Evaluator.interpolate(ts[pv], vs[pv], ts[a], vs[a], at: ref, counter: isCounter))
                    }
                }
                var v: Double
                switch c.function {
                case "changes":
                    v = 0
                    for k in vals.indices.dropFirst() where vals[k] != vals[k - 1] && !(vals[k].isNaN && vals[k - 1].isNaN) { v += 1 }
                case "resets":
                    v = 0
                    for k in vals.indices.dropFirst() where vals[k] < vals[k - 1] { v += 1 }
                default:
                    v = vals[vals.count - 1] - vals[0]
                    if isCounter {
                        for k in vals.indices.dropFirst() where vals[k] < vals[k - 1] { v += vals[k - 1] }
                    }
                    if c.function == "rate" { v /= Double(input.range) / 1000 }
                }
                pts.append(FPoint(t: t, v: v))
            }
            if !pts.isEmpty {
                let (l, f) = dropped(s.labels, s.dropName)
                out.append(EvalSeries(labels: l, points: pts, dropName: f))
            }
        }
        if !ctx.options.delayedNameRemoval && containsSameLabelset(out) {
            throw QueryError.exec("vector cannot contain metrics with the same labelset", c.position)
        }
        return .vector(out)
    }

    /// `x smoothed`: the value interpolated at each step between the samples around it
    /// (the last one when none follows within the lookback delta).
    func evalSmoothedSelector(_ vs: VectorSelector) throws -> EvalMatrix {
        let at = atTime(vs.at)
        let lb = ctx.options.lookbackDelta
        var out: EvalMatrix = []
        for s in storedInstant(vs) {
            try ctx.check()
            let ts = s.rts, vals = s.rvs, n = ts.count
            var pts: [FPoint] = []
            for i in 0..<numSteps {
                let t = time(i)
                let ref = (at ?? t) - vs.offset
                let j = upperBound(ts, ref)
                guard j > 0, ts[j - 1] > ref - lb else { continue }
                if ts[j - 1] == ref || j == n || ts[j] > ref + lb {
                    pts.append(FPoint(t: t, v: vals[j - 1]))
                } else {
                    pts.append(FPoint(t: t, v: Evaluator.interpolate(ts[j - 1], vals[j - 1], ts[j], vals[j], at: ref, counter: false)))
                }
            }
            if !pts.isEmpty { out.append(EvalSeries(labels: s.labels, points: pts)) }
        }
        return out
    }
}
