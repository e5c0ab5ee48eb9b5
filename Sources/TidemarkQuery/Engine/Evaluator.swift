import TidemarkStorage

/// Evaluates an expression at every step of [start, end] at once (as Prometheus's
/// range evaluation does); an instant query is the one-step case.
struct Evaluator {
    let ctx: QueryContext
    let start: Int64
    let end: Int64
    let interval: Int64
    let numSteps: Int
    /// False for the raw part of a call that is partly served from rollups.
    var rollupsAllowed = true

    init(ctx: QueryContext, start: Int64, end: Int64, interval: Int64) {
        self.ctx = ctx
        self.start = start
        self.end = end
        self.interval = max(interval, 1)
        self.numSteps = end < start ? 0 : Int((end - start) / max(interval, 1)) + 1
    }

    @inline(__always) func time(_ i: Int) -> Int64 { start + Int64(i) * interval }
    @inline(__always) func stepIndex(_ t: Int64) -> Int { Int((t - start) / interval) }

    func atTime(_ at: AtModifier?) -> Int64? {
        switch at {
        case .none: return nil
        case .timestamp(let t): return t
        case .start: return ctx.queryStart
        case .end: return ctx.queryEnd
        }
    }

    /// " (1:col)" for annotations, from a node's byte position (single-line queries).
    static func posSuffix(_ p: PositionRange) -> String {
        p.start == 0 && p.end == 0 ? "" : " (1:\(p.start + 1))"
    }

    func eval(_ e: Expr) throws -> EvalValue {
        try ctx.check()
        switch e {
        case .number(let n):
            return .scalar([Double](repeating: n.value, count: numSteps))
        case .string(let s):
            return .string(s.value)
        case .paren(let p):
            return try eval(p.expr)
        case .vectorSelector(let vs):
            if vs.modifier == .smoothed { return .vector(try evalSmoothedSelector(vs)) }
            return .vector(try evalVectorSelector(vs, sampleTimes: false))
        case .matrixSelector(let ms):
            let w = try rangeInput(.matrixSelector(ms), position: ms.position)
            return .range(rawWindows(w))
        case .subquery(let sq):
            let w = try rangeInput(.subquery(sq), position: sq.position)
            return .range(rawWindows(w))
        case .unary(let u):
            let v = try eval(u.expr)
            if u.op == .plus { return v }
            switch v {
            case .scalar(let a): return .scalar(a.map { -$0 })
            case .vector(let m):
                var b = MatrixBuilder()
                for s in m {
                    try b.addSeries(droppingName(s, points: s.points.map { FPoint(t: $0.t, v: -$0.v) }))
                }
                return .vector(b.series)
            default:
                throw QueryError.exec("unary expression only allowed on expressions of type scalar or instant vector, got \(v.typeName)", u.position)
            }
        case .binary(let b):
            return try evalBinary(b)
        case .aggregate(let a):
            return try evalAggregate(a)
        case .call(let c):
            return try evalCall(c)
        }
    }

    func evalScalar(_ e: Expr) throws -> [Double] {
        switch try eval(e) {
        case .scalar(let a): return a
        case let v: throw QueryError.exec("expected type scalar, got \(v.typeName)", e.position)
        }
    }

    func evalVector(_ e: Expr) throws -> EvalMatrix {
        switch try eval(e) {
        case .vector(let m): return m
        case let v: throw QueryError.exec("expected type instant vector, got \(v.typeName)", e.position)
        }
    }

    func evalString(_ e: Expr) throws -> String {
        switch try eval(e) {
        case .string(let s): return s
        case let v: throw QueryError.exec("expected type string, got \(v.typeName)", e.position)
        }
    }

    // MARK: selectors

    /// The fetched series of a selector whose samples in [mint, maxt] are needed.
    func stored(_ vs: VectorSelector, mint: Int64, maxt: Int64) -> [StoredSeries] {
        storedRange(vs, mint: mint, maxt: maxt)?.series ?? []
    }

    /// The fetch that covers [mint, maxt] for `vs` (else the widest). A fetch whose series
    /// hold a fused range function's windows is seen only by that function (`fused`).
    func storedRange(_ vs: VectorSelector, mint: Int64, maxt: Int64, fused: FusedRangeFunction? = nil) -> FetchedRange? {
        guard let all = ctx.data[selectorKey(vs.matchers)] else { return nil }
        let ranges = all.filter { $0.fused == nil || $0.fused == fused }
        if let r = ranges.first(where: { $0.mint <= mint && $0.maxt >= maxt }) { return r }
        return ranges.max { ($0.maxt - $0.mint) < ($1.maxt - $1.mint) }
    }

    /// Reference times [lo, hi] of a selector over this evaluator's steps.
    func refRange(offset: Int64, at: Int64?) -> (Int64, Int64) {
        if let a = at { return (a - offset, a - offset) }
        return (start - offset, end - offset)
    }

    func storedInstant(_ vs: VectorSelector) -> [StoredSeries] {
        let (lo, hi) = refRange(offset: vs.offset, at: atTime(vs.at))
        let lb = ctx.options.lookbackDelta
        return stored(vs, mint: lo - lb + 1, maxt: hi + (vs.modifier == .smoothed ? lb : 0))
    }

    /// An instant selector at every step: the newest sample in (ref − lookback, ref],
    /// unless it is a staleness marker. With `sampleTimes`, the value is the sample's
    /// timestamp in seconds (for `timestamp()`).
    func evalVectorSelector(_ vs: VectorSelector, sampleTimes: Bool) throws -> EvalMatrix {
        let series = storedInstant(vs)
        let at = atTime(vs.at)
        let off = vs.offset
        let lb = ctx.options.lookbackDelta
        var out: EvalMatrix = []
        out.reserveCapacity(series.count)
        var total = 0
        for s in series {
            try ctx.check()
            var pts: [FPoint] = []
            let n = s.ts.count
            if n == 0 { continue }
            s.ts.withUnsafeBufferPointer { ts in
                s.vs.withUnsafeBufferPointer { vals in
                    if let a = at {
                        let ref = a - off
                        let j = upperBound(ts, ref)
                        if j > 0, ts[j - 1] > ref - lb, !isStaleNaN(vals[j - 1]) {
                            let v = vals[j - 1], st = ts[j - 1]
                            pts.reserveCapacity(numSteps)
                            for i in 0..<numSteps { pts.append(FPoint(t: time(i), v: sampleTimes ? Double(st) / 1000 : v)) }
                        }
                        return
                    }
                    var j = upperBound(ts, start - off)
                    for i in 0..<numSteps {
                        let t = time(i)
                        let ref = t - off
                        while j < n && ts[j] <= ref { j += 1 }
                        if j > 0 {
                            let k = j - 1
                            if ts[k] > ref - lb && !isStaleNaN(vals[k]) {
                                pts.append(FPoint(t: t, v: sampleTimes ? Double(ts[k]) / 1000 : vals[k]))
                            }
                        }
                    }
                }
            }
            if !pts.isEmpty {
                total += pts.count
                out.append(EvalSeries(labels: s.labels, points: pts))
            }
        }
        try ctx.hold(total)
        return out
    }

    /// The input of a function over a range vector: series (time-ordered arrays without
    /// staleness markers) and how to place each step's window on them.
    struct RangeInput {
        /// `sts`: start timestamps parallel to `ts` (0 = none), nil when the series has
        /// none — always for subqueries, which do not pass start timestamps on.
        var series: [(labels: Labels, ts: [Int64], vs: [Double], sts: [Int64]?, dropName: Bool)]
        var range: Int64
        var offset: Int64
        var at: Int64?
        /// The selector, when the range vector is a matrix selector (for `absent_over_time` labels).
        var selector: VectorSelector?
        var position: PositionRange
        /// Parallel to `series` when the decode workers computed the windows of the
        /// asking range function (`FusedRangeFunction`): each series' points and window
        /// samples, or nil for a series left raw.
        var windows: [(points: [FPoint]?, samples: Int)]? = nil
    }

    /// The range vector `e`; `fused` is the asking range function, when it may read a
    /// fetch whose windows were computed while decoding.
    func rangeInput(_ e: Expr, position: PositionRange, fused: FusedRangeFunction? = nil) throws -> RangeInput {
        switch e {
        case .paren(let p):
            return try rangeInput(p.expr, position: position, fused: fused)
        case .matrixSelector(let ms):
            let vs = ms.selector
            let (lo, hi) = refRange(offset: vs.offset, at: atTime(vs.at))
            let lb = ctx.options.lookbackDelta
            let fetched = storedRange(vs, mint: lo - ms.range + 1 - (vs.modifier != nil ? lb : 0), maxt: hi + (vs.modifier == .smoothed ? lb : 0), fused: fused)
            let need = fetched?.series ?? []
            let series = need.map { (labels: $0.labels, ts: $0.rts, vs: $0.rvs, sts: $0.rsts, dropName: false) }
            var input = RangeInput(series: series, range: ms.range, offset: vs.offset, at: atTime(vs.at), selector: vs, position: ms.position)
            if fetched?.fused != nil { input.windows = need.map { ($0.windows, $0.windowSamples) } }
            return input
        case .subquery(let sq):
            let at = atTime(sq.at)
            let step = sq.step ?? ctx.options.noStepSubqueryInterval
            guard step > 0 else { throw QueryError.exec("subquery step must be positive", sq.position) }
            let refLo = (at ?? start) - sq.offset
            let refHi = (at ?? end) - sq.offset
            let innerStart = alignedSubqueryStart(refLo - sq.range, step: step)
            let inner = Evaluator(ctx: ctx, start: innerStart, end: refHi, interval: step)
            let m: EvalMatrix
            if inner.numSteps <= 0 {
                m = []
            } else {
                switch try inner.eval(sq.expr) {
                case .vector(let v): m = v
                case .scalar(let a):
                    m = [EvalSeries(labels: .empty, points: a.enumerated().map { FPoint(t: inner.time($0.offset), v: $0.element) })]
                case let v: throw QueryError.exec("subquery is only allowed on instant vector, got \(v.typeName)", sq.position)
                }
            }
            let series = m.map { s in (labels: s.labels, ts: s.points.map(\.t), vs: s.points.map(\.v), sts: [Int64]?.none, dropName: s.dropName) }
            return RangeInput(series: series, range: sq.range, offset: sq.offset, at: at, selector: nil, position: sq.position)
        default:
            throw QueryError.exec("expected type range vector, got \(e)", position)
        }
    }

    /// Calls `body(step, stepTime, lo, hi, ref)` for each step whose window (ref − range, ref]
    /// holds samples [lo, hi) of `ts`; steps with empty windows are skipped unless `includeEmpty`.
    @inline(__always)
    func forEachWindow(_ ts: [Int64], _ input: RangeInput, includeEmpty: Bool = false, _ body: (Int, Int64, Int, Int, Int64) throws -> Void) rethrows {
        if let a = input.at {
            let ref = a - input.offset
            let lo = upperBound(ts, ref - input.range)
            let hi = upperBound(ts, ref)
            if hi > lo || includeEmpty {
                for i in 0..<numSteps { try body(i, time(i), lo, hi, ref) }
            }
            return
        }
        let steps = WindowSteps(start: start, end: end, interval: interval, range: input.range, offset: input.offset)
        try ts.withUnsafeBufferPointer { b in try steps.forEach(b, includeEmpty: includeEmpty, body) }
    }

    /// A range vector as a value: each series' samples inside the first step's window.
    func rawWindows(_ input: RangeInput) -> EvalMatrix {
        var out: EvalMatrix = []
        let ref = (input.at ?? start) - input.offset
        for s in input.series {
            let lo = upperBound(s.ts, ref - input.range)
            let hi = upperBound(s.ts, ref)
            if hi > lo {
                out.append(EvalSeries(labels: s.labels, points: (lo..<hi).map { FPoint(t: s.ts[$0], v: s.vs[$0]) }, dropName: s.dropName))
            }
        }
        return out
    }
}

/// Number of elements of the sorted `a` that are <= `x` (index of the first element > x).
@inline(__always)
func upperBound(_ a: UnsafeBufferPointer<Int64>, _ x: Int64) -> Int {
    var lo = 0, hi = a.count
    while lo < hi {
        let mid = (lo + hi) >> 1
        if a[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// The first index at or after `from` whose element is greater than `x` (`a` sorted,
/// everything before `from` known to be ≤ `x`): probes 1, 2, 4, … ahead, then bisects.
@inline(__always)
func gallopUpperBound(_ a: UnsafeBufferPointer<Int64>, _ x: Int64, from: Int) -> Int {
    let n = a.count
    guard from < n, a[from] <= x else { return from }
    var lo = from + 1  // a[lo - 1] <= x
    var step = 1
    var hi = lo
    while true {
        hi = lo + step
        if hi >= n { hi = n; break }
        if a[hi - 1] > x { break }
        lo = hi
        step <<= 1
    }
    // a[lo - 1] <= x, and a[hi - 1] > x or hi == n.
    while lo < hi {
        let mid = (lo + hi) >> 1
        if a[mid] <= x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

@inline(__always)
func upperBound(_ a: [Int64], _ x: Int64) -> Int {
    a.withUnsafeBufferPointer { upperBound($0, x) }
}
