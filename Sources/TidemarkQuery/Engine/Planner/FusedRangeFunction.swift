/// A range function whose windows the decode workers compute while they decode its
/// series, instead of the evaluator afterwards: for `avg by (hostname)
/// (avg_over_time(cpu_usage_user[1h]))` each worker decodes a series into a buffer it
/// reuses, evaluates `avg_over_time` over every step's window while the samples are still
/// in cache, and keeps only the points. The raw samples are never copied into per-series
/// arrays, and the windows are evaluated on all decode threads, not on the query's one.
///
/// The planner chooses it only where the answer cannot differ: the call is the only
/// reader of its selector's fetch, it is evaluated over the query's own steps (not inside
/// a subquery, no `@`, no rollups), and its kernel needs nothing but the window's samples
/// (no scalar arguments). Series that carry start timestamps are left raw and evaluated
/// as before.
struct FusedRangeFunction: Sendable, Equatable {
    /// The function (its `RangeFunctions.kernel`).
    let function: String
    /// The range selector's range and offset.
    let range: Int64
    let offset: Int64
    /// The steps: the evaluator's start, end and interval.
    let start: Int64
    let end: Int64
    let interval: Int64

    /// The functions whose kernel reads only a window's timestamps and values.
    static let functions: Set<String> = [
        "rate", "increase", "delta", "irate", "idelta", "deriv", "resets", "changes",
        "avg_over_time", "sum_over_time", "count_over_time", "present_over_time",
        "last_over_time", "first_over_time", "ts_of_first_over_time", "ts_of_last_over_time",
        "ts_of_min_over_time", "ts_of_max_over_time", "min_over_time", "max_over_time",
        "stddev_over_time", "stdvar_over_time", "mad_over_time",
    ]

    /// The steps, as `Evaluator` counts them.
    var steps: WindowSteps { WindowSteps(start: start, end: end, interval: interval, range: range, offset: offset) }

    /// The fusion of `c` evaluated over [lo, hi] every `step`, if it qualifies (apart from
    /// being its fetch's only reader, which the planner checks once the walk is done).
    static func candidate(_ c: Call, lo: Int64, hi: Int64, step: Int64) -> FusedRangeFunction? {
        guard functions.contains(c.function), c.args.count == 1 else { return nil }
        var arg = c.args[0]
        while case .paren(let p) = arg { arg = p.expr }
        guard case .matrixSelector(let ms) = arg, ms.selector.at == nil, ms.selector.modifier == nil else { return nil }
        let steps = WindowSteps(start: lo, end: hi, interval: step, range: ms.range, offset: ms.selector.offset)
        // The evaluator answers these with a sliding-window deque instead of the kernel.
        if (c.function == "max_over_time" || c.function == "min_over_time") && steps.count > 1 && steps.interval * 4 <= ms.range {
            return nil
        }
        return FusedRangeFunction(function: c.function, range: ms.range, offset: ms.selector.offset, start: lo, end: hi, interval: steps.interval)
    }
}

/// The evaluation steps of a range function and the window (ref − range, ref] of each,
/// ref = step time − offset: what `Evaluator.forEachWindow` walks, shared with the decode
/// workers of a `FusedRangeFunction`.
struct WindowSteps: Sendable, Equatable {
    let start: Int64
    let interval: Int64
    let count: Int
    let range: Int64
    let offset: Int64

    init(start: Int64, end: Int64, interval: Int64, range: Int64, offset: Int64) {
        self.start = start
        self.interval = max(interval, 1)
        self.count = end < start ? 0 : Int((end - start) / max(interval, 1)) + 1
        self.range = range
        self.offset = offset
    }

    @inline(__always) func time(_ i: Int) -> Int64 { start + Int64(i) * interval }

    /// Calls `body(step, stepTime, lo, hi, ref)` for each step whose window holds the
    /// samples [lo, hi) of the increasing `ts`; empty windows are skipped unless
    /// `includeEmpty`. Window bounds move forward only: galloping from the last bound
    /// costs O(log gap), so wide steps do not walk every sample and dense steps stay
    /// O(1) per step.
    @inline(__always)
    func forEach(_ b: UnsafeBufferPointer<Int64>, includeEmpty: Bool = false, _ body: (Int, Int64, Int, Int, Int64) throws -> Void) rethrows {
        var lo = upperBound(b, start - offset - range)
        var hi = lo
        for i in 0..<count {
            let t = time(i)
            let ref = t - offset
            lo = gallopUpperBound(b, ref - range, from: lo)
            hi = gallopUpperBound(b, ref, from: max(hi, lo))
            if hi > lo || includeEmpty { try body(i, t, lo, hi, ref) }
        }
    }
}
