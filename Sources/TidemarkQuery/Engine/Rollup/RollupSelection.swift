import TidemarkStorage

/// When a range function is answered from rollup windows instead of raw samples
/// (docs/rollups.md). The planner (for fetches and `explain`) and the evaluator make the
/// same decision from the same inputs.
///
/// The rule: `f(x[R])` with `f` in `functions`, no `anchored`/`smoothed` modifier, and a
/// resolution W such that R is a multiple of W and every step's reference time
/// (step time − offset, or `@` − offset) is a multiple of W. Then each step's window
/// (ref − R, ref] is exactly the union of the rollup windows ending in (ref − R, ref],
/// and the step is served from the rollup when the rollup blocks cover all of it; other
/// steps read raw data. The coarsest qualifying resolution is used.
struct RollupChoice: Sendable {
    /// Window length of the resolution used.
    let window: Int64
    /// Per step of the evaluation: served from the rollup.
    let covered: [Bool]
    let coveredCount: Int
}

/// The rollup resolutions a query may use: the querier's coverage, coarsest first.
struct RollupCatalog: Sendable {
    var coverage: [RollupCoverage] = []

    init(_ coverage: [RollupCoverage] = []) {
        self.coverage = coverage.sorted { $0.window > $1.window }
    }

    /// Functions whose answer over whole windows is computed from the window summaries.
    static let functions: Set<String> = [
        "count_over_time", "sum_over_time", "avg_over_time", "min_over_time", "max_over_time",
        "last_over_time", "first_over_time", "present_over_time", "ts_of_last_over_time",
        "ts_of_first_over_time", "rate", "increase", "delta", "resets",
    ]

    /// The matrix selector of a call that a rollup could answer.
    static func candidate(_ c: Call) -> MatrixSelector? {
        guard functions.contains(c.function), c.args.count == 1,
              case .matrixSelector(let ms) = c.args[0].unwrapped, ms.selector.modifier == nil
        else { return nil }
        return ms
    }

    /// The choice for `ms` evaluated at `numSteps` steps from `lo` every `step` ms, with
    /// `at` the resolved `@` time; nil when no resolution qualifies or covers any step.
    func choose(_ ms: MatrixSelector, at: Int64?, lo: Int64, step: Int64, numSteps: Int) -> RollupChoice? {
        let off = ms.selector.offset
        for cov in coverage {
            let w = cov.window
            guard ms.range > 0, ms.range % w == 0 else { continue }
            if let a = at {
                guard (a - off) % w == 0 else { continue }
                let ref = a - off
                if cov.covers(ref - ms.range + 1, ref) {
                    return RollupChoice(window: w, covered: [Bool](repeating: true, count: numSteps), coveredCount: numSteps)
                }
                continue
            }
            guard (lo - off) % w == 0, numSteps <= 1 || step % w == 0 else { continue }
            var covered = [Bool](repeating: false, count: numSteps)
            var n = 0
            for i in 0..<numSteps {
                let ref = lo + Int64(i) * step - off
                if cov.covers(ref - ms.range + 1, ref) {
                    covered[i] = true
                    n += 1
                }
            }
            if n > 0 { return RollupChoice(window: w, covered: covered, coveredCount: n) }
        }
        return nil
    }
}

/// Range functions computed from the rollup windows that make up one step's range.
enum RollupFunctions {
    /// `f` over the windows `ws` (time-ordered, at least one) that make up the range
    /// (rangeStart, rangeEnd]; nil where the raw function has no output.
    static func value(_ f: String, _ ws: ArraySlice<RollupWindow>, _ a: WindowArgs) -> Double? {
        let first = ws[ws.startIndex], last = ws[ws.endIndex - 1]
        switch f {
        case "count_over_time": return Double(ws.reduce(0) { $0 + $1.count })
        case "sum_over_time", "avg_over_time":
            var s = KahanSum()
            for w in ws { s.add(w.sum) }
            return f == "sum_over_time" ? s.value : s.value / Double(ws.reduce(0) { $0 + $1.count })
        case "min_over_time": return ws.dropFirst().reduce(first.min) { PromQLExtreme.min($0, $1.min) }
        case "max_over_time": return ws.dropFirst().reduce(first.max) { PromQLExtreme.max($0, $1.max) }
        case "last_over_time": return last.last
        case "first_over_time": return first.first
        case "ts_of_last_over_time": return Double(last.lastTime) / 1000
        case "ts_of_first_over_time": return Double(first.firstTime) / 1000
        case "present_over_time": return 1
        case "resets":
            var r = 0
            var prev: RollupWindow?
            for w in ws {
                if let p = prev, p.isReset(before: w) { r += 1 }
                r += w.resets
                prev = w
            }
            return Double(r)
        case "rate", "increase", "delta":
            let isCounter = f != "delta"
            // As the raw kernel: last − first, then the value before each reset in time order.
            var result = last.last - first.first
            var n = 0
            var prev: RollupWindow?
            for w in ws {
                n += w.count
                if isCounter {
                    if let p = prev, p.isReset(before: w) { result += p.last }
                    if w.resets > 0 { result += w.resetCorrection }
                }
                prev = w
            }
            return RangeFunctions.extrapolate(result, count: n, firstT: first.firstTime, lastT: last.lastTime,
                                              firstV: first.first, firstST: first.firstStart, a, isCounter: isCounter, isRate: f == "rate")
        default:
            return nil
        }
    }
}
