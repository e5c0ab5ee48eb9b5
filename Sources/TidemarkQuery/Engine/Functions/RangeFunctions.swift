import Foundation
import TidemarkStorage

/// Where a step's window lies and the step's scalar arguments.
struct WindowArgs {
    /// The window is (rangeStart, rangeEnd].
    var rangeStart: Int64
    var rangeEnd: Int64
    var range: Int64
    /// The step's evaluation time.
    var t: Int64
    var p0: Double = 0
    var p1: Double = 0
    /// The window's start timestamps (0 = none), parallel to its samples; nil when the
    /// series has none.
    var sts: Times? = nil
}

typealias Floats = UnsafeBufferPointer<Double>
typealias Times = UnsafeBufferPointer<Int64>
/// A function of one window's samples (at least one); nil means no output at this step.
typealias RangeKernel = (Times, Floats, WindowArgs) throws -> Double?

enum RangeFunctions {
    /// Whether the sample at `t` with start `st` begins anew after the sample at `prevT`
    /// with start `prevST` (0 = no start timestamp), as Prometheus decides it: a start
    /// after the previous sample is a reset; a start exactly at the previous sample is one
    /// only if that sample had a valid start of its own (a delta series), not when its start
    /// was unknown (OTel's cumulative series with unknown start, ST = T); a start at or
    /// after `t`, or before the previous sample, is none.
    @inline(__always)
    static func isStartTimestampReset(prevST: Int64, prevT: Int64, st: Int64, t: Int64) -> Bool {
        CounterReset.isStartTimestampReset(prevST: prevST, prevT: prevT, st: st, t: t)
    }

    /// Whether a sample's start lies before the previous sample without being that
    /// sample's start too (the intervals overlap): Prometheus warns about it.
    @inline(__always)
    static func startOverlaps(prevST: Int64, prevT: Int64, st: Int64) -> Bool {
        st != 0 && st < prevT && st != prevST
    }

    /// Whether sample `i` of a window is a counter reset: its value dropped, or its start
    /// timestamp says it started anew.
    @inline(__always)
    static func isReset(_ ts: Times, _ vs: Floats, _ sts: Times?, _ i: Int) -> Bool {
        if vs[i] < vs[i - 1] { return true }
        guard let sts else { return false }
        return isStartTimestampReset(prevST: sts[i - 1], prevT: ts[i - 1], st: sts[i], t: ts[i])
    }

    /// Prometheus's extrapolated rate/increase/delta. For counters with start timestamps,
    /// a first sample whose start lies inside the window is taken as rising from 0 at
    /// that start instead of extrapolating to the window's start (so one sample is
    /// enough).
    static func extrapolatedRate(_ ts: Times, _ vs: Floats, _ a: WindowArgs, isCounter: Bool, isRate: Bool) -> Double? {
        let n = ts.count
        if n < 1 { return nil }
        var result = vs[n - 1] - vs[0]
        if isCounter {
            for i in 1..<n where isReset(ts, vs, a.sts, i) { result += vs[i - 1] }
        }
        return extrapolate(result, count: n, firstT: ts[0], lastT: ts[n - 1], firstV: vs[0], firstST: a.sts?[0] ?? 0, a, isCounter: isCounter, isRate: isRate)
    }

    /// The extrapolation of `extrapolatedRate`, from what it needs of the window's samples:
    /// `result` (last − first, plus the value before each counter reset), the sample count,
    /// the first and last sample times, the first value and its start timestamp (0 = none).
    /// Rollups call it with the same figures taken from their windows.
    static func extrapolate(_ result: Double, count n: Int, firstT: Int64, lastT: Int64, firstV: Double, firstST st0: Int64,
                            _ a: WindowArgs, isCounter: Bool, isRate: Bool) -> Double? {
        var result = result
        var durationToStart = Double(firstT - a.rangeStart) / 1000
        var durationToEnd = Double(a.rangeEnd - lastT) / 1000
        var sampledInterval = Double(lastT - firstT) / 1000
        let averageDurationBetweenSamples = n > 1 ? sampledInterval / Double(n - 1) : 0
        let threshold = averageDurationBetweenSamples * 1.1
        if isCounter, st0 != 0, st0 > a.rangeStart, st0 < firstT {
            durationToStart = 0
            sampledInterval = Double(lastT - st0) / 1000
            result += firstV
        } else if n < 2 {
            return nil
        } else {
            if durationToStart >= threshold { durationToStart = averageDurationBetweenSamples / 2 }
            if isCounter && result > 0 && firstV >= 0 {
                let durationToZero = sampledInterval * (firstV / result)
                if durationToZero < durationToStart { durationToStart = durationToZero }
            }
        }
        if durationToEnd >= threshold { durationToEnd = averageDurationBetweenSamples / 2 }
        var factor = sampledInterval != 0 ? (sampledInterval + durationToStart + durationToEnd) / sampledInterval : 1
        if isRate { factor /= Double(a.range) / 1000 }
        return result * factor
    }

    static func instantValue(_ ts: Times, _ vs: Floats, _ a: WindowArgs, isRate: Bool) -> Double? {
        let n = ts.count
        if n < 2 { return nil }
        let last = vs[n - 1], prev = vs[n - 2]
        var result = (isRate && isReset(ts, vs, a.sts, n - 1)) ? last : last - prev
        let interval = ts[n - 1] - ts[n - 2]
        if interval == 0 { return nil }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    static func linearRegression(_ ts: Times, _ vs: Floats, interceptTime: Int64) -> (slope: Double, intercept: Double) {
        var n = 0.0
        var sumX = 0.0, cX = 0.0, sumY = 0.0, cY = 0.0, sumXY = 0.0, cXY = 0.0, sumX2 = 0.0, cX2 = 0.0
        let initY = vs[0]
        var constY = true
        for i in 0..<ts.count {
            let y = vs[i]
            if constY && i > 0 && y != initY { constY = false }
            n += 1
            let x = Double(ts[i] - interceptTime) / 1e3
            (sumX, cX) = kahanSumInc(x, sumX, cX)
            (sumY, cY) = kahanSumInc(y, sumY, cY)
            (sumXY, cXY) = kahanSumInc(x * y, sumXY, cXY)
            (sumX2, cX2) = kahanSumInc(x * x, sumX2, cX2)
        }
        if constY {
            if initY.isInfinite { return (.nan, .nan) }
            return (0, initY)
        }
        sumX += cX; sumY += cY; sumXY += cXY; sumX2 += cX2
        let covXY = sumXY - sumX * sumY / n
        let varX = sumX2 - sumX * sumX / n
        let slope = covXY / varX
        return (slope, sumY / n - slope * sumX / n)
    }

    static func values(_ vs: Floats) -> [Double] { Array(vs) }

    /// The sum of `vs` by plain addition when that is exact: every value an integer and
    /// the sum of their magnitudes below 2⁵³, so that every partial sum, in any order,
    /// is an integer a double holds exactly. Kahan summation (what Prometheus does) then
    /// gives the same bits, its compensation staying 0; and since exact sums do not
    /// depend on order, four lanes add at once instead of Kahan's one serial chain. nil
    /// when some value is fractional, infinite or NaN, or the sum could be inexact.
    @inline(__always)
    static func exactIntegerSum(_ vs: Floats) -> Double? {
        let n = vs.count
        guard let p = vs.baseAddress, n > 0 else { return 0 }
        // (|v| + 2⁵²) − 2⁵² is |v| rounded to an integer (for |v| ≤ 2⁵²; larger values
        // fail the bound below). `off` adds up how far each value is from it: 0 only if
        // all are integers; NaN and ±Inf make it NaN. `mass` adds the magnitudes: while
        // the true total is below 2⁵³ each addition is exact, and once it is not, the
        // computed one is not below 2⁵³ either (rounding is monotonic), so the test
        // `mass < 2⁵³` is exact.
        let magic = SIMD4<Double>(repeating: 0x1p52)
        var sum = SIMD4<Double>(repeating: 0), off = SIMD4<Double>(repeating: 0), mass = SIMD4<Double>(repeating: 0)
        @inline(__always) func absolute(_ x: SIMD4<Double>) -> SIMD4<Double> { x.replacing(with: -x, where: x .< 0) }
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i &+ 4 <= n {
            let v = raw.loadUnaligned(fromByteOffset: i &* 8, as: SIMD4<Double>.self)
            let a = absolute(v)
            sum += v
            off += absolute(((a + magic) - magic) - a)
            mass += a
            i &+= 4
        }
        var total = sum.sum(), offTotal = off.sum(), massTotal = mass.sum()
        while i < n {
            let v = p[i], a = v.magnitude
            total += v
            offTotal += (((a + 0x1p52) - 0x1p52) - a).magnitude
            massTotal += a
            i &+= 1
        }
        guard offTotal == 0, massTotal < 0x1p53 else { return nil }
        return total
    }

    /// The kernel of a range-vector function, or nil if `name` is not one.
    static func kernel(_ name: String) -> RangeKernel? {
        switch name {
        case "rate": return { ts, vs, a in extrapolatedRate(ts, vs, a, isCounter: true, isRate: true) }
        case "increase": return { ts, vs, a in extrapolatedRate(ts, vs, a, isCounter: true, isRate: false) }
        case "delta": return { ts, vs, a in extrapolatedRate(ts, vs, a, isCounter: false, isRate: false) }
        case "irate": return { ts, vs, a in instantValue(ts, vs, a, isRate: true) }
        case "idelta": return { ts, vs, a in instantValue(ts, vs, a, isRate: false) }
        case "deriv":
            return { ts, vs, _ in ts.count < 2 ? nil : linearRegression(ts, vs, interceptTime: ts[0]).slope }
        case "predict_linear":
            return { ts, vs, a in
                if ts.count < 2 { return nil }
                let (slope, intercept) = linearRegression(ts, vs, interceptTime: a.t)
                return intercept + slope * a.p0
            }
        case "resets":
            return { ts, vs, a in
                var r = 0.0
                for i in 1..<max(vs.count, 1) where isReset(ts, vs, a.sts, i) { r += 1 }
                return r
            }
        case "changes":
            return { _, vs, _ in
                var r = 0.0
                for i in 1..<max(vs.count, 1) {
                    let cur = vs[i], prev = vs[i - 1]
                    if cur != prev && !(cur.isNaN && prev.isNaN) { r += 1 }
                }
                return r
            }
        case "avg_over_time":
            return { _, vs, _ in
                if let sum = exactIntegerSum(vs) { return sum / Double(vs.count) }
                var m = MeanAccumulator()
                for v in vs { m.add(v) }
                return m.value
            }
        case "sum_over_time":
            return { _, vs, _ in
                if let sum = exactIntegerSum(vs) { return sum }
                var s = 0.0, c = 0.0
                for v in vs { (s, c) = kahanSumInc(v, s, c) }
                return s.isInfinite ? s : s + c
            }
        case "count_over_time": return { _, vs, _ in Double(vs.count) }
        case "present_over_time": return { _, _, _ in 1 }
        case "last_over_time": return { _, vs, _ in vs[vs.count - 1] }
        case "first_over_time": return { _, vs, _ in vs[0] }
        case "ts_of_first_over_time": return { ts, _, _ in Double(ts[0]) / 1000 }
        case "ts_of_last_over_time": return { ts, _, _ in Double(ts[ts.count - 1]) / 1000 }
        case "ts_of_min_over_time", "ts_of_max_over_time":
            let isMin = name == "ts_of_min_over_time"
            return { ts, vs, _ in
                var m = vs[0], at = ts[0]
                for i in 0..<vs.count where (isMin ? vs[i] < m : vs[i] > m) || m.isNaN {
                    m = vs[i]
                    at = ts[i]
                }
                return Double(at) / 1000
            }
        case "min_over_time":
            return { _, vs, _ in
                var m = vs[0]
                for v in vs where v < m || m.isNaN { m = v }
                return m
            }
        case "max_over_time":
            return { _, vs, _ in
                var m = vs[0]
                for v in vs where v > m || m.isNaN { m = v }
                return m
            }
        case "quantile_over_time":
            return { _, vs, a in
                var vals = Array(vs)
                return quantile(a.p0, &vals)
            }
        case "stddev_over_time", "stdvar_over_time":
            let isDev = name == "stddev_over_time"
            return { _, vs, _ in
                var count = 0.0, mean = 0.0, cMean = 0.0, aux = 0.0, cAux = 0.0
                for v in vs {
                    count += 1
                    let delta = v - (mean + cMean)
                    (mean, cMean) = kahanSumInc(delta / count, mean, cMean)
                    (aux, cAux) = kahanSumInc(delta * (v - (mean + cMean)), aux, cAux)
                }
                let variance = (aux + cAux) / count
                return isDev ? variance.squareRoot() : variance
            }
        case "mad_over_time":
            return { _, vs, _ in
                if vs.contains(where: { $0.isNaN }) { return .nan }
                var vals = Array(vs)
                let median = quantile(0.5, &vals)
                var dev = vals.map { abs($0 - median) }
                return quantile(0.5, &dev)
            }
        case "double_exponential_smoothing", "holt_winters":
            return { _, vs, a in
                let sf = a.p0, tf = a.p1
                if !(sf > 0 && sf < 1) {
                    throw QueryError.exec("invalid smoothing factor. Expected: 0 < sf < 1, got: \(String(format: "%f", sf))")
                }
                if !(tf > 0 && tf < 1) {
                    throw QueryError.exec("invalid trend factor. Expected: 0 < tf < 1, got: \(String(format: "%f", tf))")
                }
                let l = vs.count
                if l < 2 { return nil }
                var s0 = 0.0, s1 = vs[0]
                var b = vs[1] - vs[0]
                for i in 1..<l {
                    let x = sf * vs[i]
                    if i - 1 != 0 { b = tf * (s1 - s0) + (1 - tf) * b }
                    let y = (1 - sf) * (s1 + b)
                    s0 = s1
                    s1 = x + y
                }
                return s1
            }
        default:
            return nil
        }
    }

    /// Range functions whose result keeps the metric name.
    static let keepsName: Set<String> = ["last_over_time", "first_over_time"]

    /// Index of the range-vector argument of each range function.
    static func matrixArgIndex(_ name: String) -> Int {
        switch name {
        case "quantile_over_time": return 1
        default: return 0
        }
    }
}

extension Evaluator {
    func evalRangeFunction(_ c: Call, kernel: RangeKernel) throws -> EvalValue {
        let mi = RangeFunctions.matrixArgIndex(c.function)
        guard c.args.count > mi else { throw QueryError.exec("\(c.function): missing range vector argument", c.position) }
        // Scalar arguments, one value per step.
        var scalars: [[Double]] = []
        for (i, arg) in c.args.enumerated() where i != mi {
            scalars.append(try evalScalar(arg))
        }
        let fusion = FusedRangeFunction.candidate(c, lo: start, hi: end, step: interval)
        let input = try rangeInput(c.args[mi], position: c.args[mi].position, fused: fusion)
        if let mod = input.selector?.modifier {
            return try evalExtendedRange(c, input, mod, scalars)
        }
        let keep = RangeFunctions.keepsName.contains(c.function)
        let counterCheck = c.function == "rate" || c.function == "increase"
        var out: EvalMatrix = []
        var held = 0
        // The deque pays off only where windows overlap a lot (a step well below the
        // range); otherwise the plain per-window scan touches each sample about once too.
        let slidingExtreme = input.at == nil && numSteps > 1 && interval * 4 <= input.range
            && (c.function == "max_over_time" || c.function == "min_over_time")
        let isMax = c.function == "max_over_time"
        var deque: [Int] = []
        for (k, s) in input.series.enumerated() {
            try ctx.check()
            var pts: [FPoint] = []
            // (Never with fused windows: the planner does not fuse the sliding case.)
            if slidingExtreme {
                // Monotonic deque over the sliding window: O(samples) instead of O(samples × window).
                // NaNs never enter it; a window of NaNs only yields NaN (as the sequential scan does).
                deque.removeAll(keepingCapacity: true)
                var head = 0, pushed = 0
                let vs = s.vs
                try forEachWindow(s.ts, input) { _, t, lo, hi, _ in
                    try ctx.check()
                    if pushed < lo { pushed = lo }
                    while pushed < hi {
                        let v = vs[pushed]
                        if !v.isNaN {
                            while deque.count > head && (isMax ? vs[deque[deque.count - 1]] < v : vs[deque[deque.count - 1]] > v) { deque.removeLast() }
                            deque.append(pushed)
                        }
                        pushed += 1
                    }
                    while head < deque.count && deque[head] < lo { head += 1 }
                    if head > 1024 && head * 2 > deque.count { deque.removeFirst(head); head = 0 }
                    held += hi - lo
                    pts.append(FPoint(t: t, v: head < deque.count ? vs[deque[head]] : .nan))
                }
                if !pts.isEmpty {
                    let (l, f) = dropped(s.labels, s.dropName)
                    out.append(EvalSeries(labels: l, points: pts, dropName: f))
                }
                continue
            }
            var overlap = false
            let sts = s.sts ?? []
            if let (points, samples) = input.windows?[k], let points {
                // Evaluated while decoding (FusedRangeFunction).
                held += samples
                pts = points
            } else {
                try s.ts.withUnsafeBufferPointer { tsb in
                    try s.vs.withUnsafeBufferPointer { vsb in
                        try sts.withUnsafeBufferPointer { stb in
                            try forEachWindow(s.ts, input) { i, t, lo, hi, ref in
                                try ctx.check()
                                var a = WindowArgs(rangeStart: ref - input.range, rangeEnd: ref, range: input.range, t: t)
                                if scalars.count > 0 { a.p0 = scalars[0][i] }
                                if scalars.count > 1 { a.p1 = scalars[1][i] }
                                if s.sts != nil {
                                    a.sts = Times(rebasing: stb[lo..<hi])
                                    if counterCheck && !overlap {
                                        overlap = (lo + 1..<hi).contains { RangeFunctions.startOverlaps(prevST: stb[$0 - 1], prevT: tsb[$0 - 1], st: stb[$0]) }
                                    }
                                }
                                held += hi - lo
                                if let v = try kernel(Times(rebasing: tsb[lo..<hi]), Floats(rebasing: vsb[lo..<hi]), a) {
                                    pts.append(FPoint(t: t, v: v))
                                }
                            }
                        }
                    }
                }
            }
            if overlap {
                ctx.warn("PromQL warning: sample has start time that overlaps with previous sample timestamp for metric \(LabelNames.quote(s.labels.metricName ?? ""))" + Evaluator.posSuffix(c.args[mi].position))
            }
            if pts.isEmpty { continue }
            counterNameInfo(c, s.labels)
            if keep {
                out.append(EvalSeries(labels: s.labels, points: pts, dropName: s.dropName))
            } else {
                let (l, f) = dropped(s.labels, s.dropName)
                out.append(EvalSeries(labels: l, points: pts, dropName: f))
            }
        }
        if c.function == "quantile_over_time" {
            for q in scalars.first ?? [] where q.isNaN || q < 0 || q > 1 {
                ctx.warn("PromQL warning: quantile value should be between 0 and 1, got \(formatG(q))" + Evaluator.posSuffix(c.args[0].position))
                break
            }
        }
        try ctx.hold(held / max(numSteps, 1))
        if !keep && !ctx.options.delayedNameRemoval && containsSameLabelset(out) {
            throw QueryError.exec("vector cannot contain metrics with the same labelset", c.position)
        }
        return .vector(out)
    }

    /// For `rate` and `increase`: notes that a series whose name does not look like a
    /// counter's might not be one.
    func counterNameInfo(_ c: Call, _ labels: Labels) {
        guard c.function == "rate" || c.function == "increase", let name = labels.metricName,
              !(name.hasSuffix("_total") || name.hasSuffix("_sum") || name.hasSuffix("_count") || name.hasSuffix("_bucket"))
        else { return }
        let mi = RangeFunctions.matrixArgIndex(c.function)
        ctx.info("PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \(LabelNames.quote(name))" + Evaluator.posSuffix(c.args[mi].position))
    }

    func evalAbsentOverTime(_ c: Call) throws -> EvalValue {
        guard let arg = c.args.first else { throw QueryError.exec("absent_over_time: missing argument", c.position) }
        let input = try rangeInput(arg, position: arg.position)
        if let mod = input.selector?.modifier { try checkExtendedModifier(c, mod) }
        var present = [Bool](repeating: false, count: numSteps)
        for s in input.series {
            forEachWindow(s.ts, input) { i, _, _, _, _ in present[i] = true }
        }
        let labels = input.selector.map { absentLabels($0.matchers) } ?? .empty
        let pts = (0..<numSteps).filter { !present[$0] }.map { FPoint(t: time($0), v: 1) }
        return .vector(pts.isEmpty ? [] : [EvalSeries(labels: labels, points: pts)])
    }
}

/// Labels of `absent()`'s output: the selector's equality matchers (a name matched more
/// than once, or also by another matcher, is left out), as Prometheus does.
func absentLabels(_ matchers: [LabelMatcher]) -> Labels {
    var out: [String: String] = [:]
    var has: Set<String> = []
    for m in matchers where m.name != metricNameLabel {
        if m.kind == .equal && !has.contains(m.name) {
            out[m.name] = m.value
            has.insert(m.name)
        } else {
            out[m.name] = nil
        }
    }
    return Labels(out)
}
