import TidemarkStorage

/// A select of rollup windows: the windows of length `window` ending in [minEnd, maxEnd]
/// of the series matching `matchers`.
struct RollupFetch: Sendable {
    var key: String
    var matchers: [LabelMatcher]
    var window: Int64
    var minEnd: Int64
    var maxEnd: Int64
    var uses: Int
}

extension Planner {
    /// Plans a call served (partly) from rollups: a rollup fetch for the covered steps, a
    /// raw fetch for the others. Returns false when the call reads raw data only.
    mutating func walkRollup(_ c: Call, lo: Int64, hi: Int64, step: Int64, depth: Int) -> Bool {
        guard options.useRollups, let ms = RollupCatalog.candidate(c) else { return false }
        let numSteps = hi < lo ? 0 : Int((hi - lo) / step) + 1
        let vs = ms.selector
        guard let choice = rollups.choose(ms, at: atTime(vs.at), lo: lo, step: step, numSteps: numSteps) else { return false }
        let at = atTime(vs.at)
        let ref = { (i: Int) -> Int64 in (at ?? (lo + Int64(i) * step)) - vs.offset }
        let coveredSteps = (0..<numSteps).filter { choice.covered[$0] }
        let rawSteps = (0..<numSteps).filter { !choice.covered[$0] }
        let w = choice.window
        let minEnd = ref(coveredSteps.first!) - ms.range + w, maxEnd = ref(coveredSteps.last!)
        let r = addRollupFetch(vs.matchers, window: w, minEnd: minEnd, maxEnd: maxEnd)
        var rawFetch: (i: Int, mint: Int64, maxt: Int64)?
        if !rawSteps.isEmpty {
            let mint = ref(rawSteps.first!) - ms.range + 1, maxt = ref(rawSteps.last!)
            rawFetch = (addFetch(vs.matchers, mint: mint, maxt: maxt), mint, maxt)
        }
        guard describing else { return true }
        let pad = String(repeating: "  ", count: depth)
        var line = "\(pad)range selector \(Planner.selectorText(vs))[\(Planner.fmtDuration(ms.range))]\(Planner.modifiers(offset: vs.offset, at: vs.at))"
        line += " reads \(RollupResolution.format(w)) rollup windows ending in [\(minEnd), \(maxEnd)] (rollup fetch #\(r + 1)) at \(RollupResolution.format(w)) resolution"
        if let (i, mint, maxt) = rawFetch {
            line += " for \(coveredSteps.count) of \(numSteps) steps; the other \(rawSteps.count) read [\(mint), \(maxt)] (fetch #\(i + 1)) at raw resolution"
        }
        plan.lines.append(line)
        return true
    }

    mutating func addRollupFetch(_ matchers: [LabelMatcher], window: Int64, minEnd: Int64, maxEnd: Int64) -> Int {
        let key = rollupKey(matchers, window: window)
        if let i = plan.rollupFetches.firstIndex(where: { $0.key == key }) {
            plan.rollupFetches[i].minEnd = min(plan.rollupFetches[i].minEnd, minEnd)
            plan.rollupFetches[i].maxEnd = max(plan.rollupFetches[i].maxEnd, maxEnd)
            plan.rollupFetches[i].uses += 1
            return i
        }
        plan.rollupFetches.append(RollupFetch(key: key, matchers: matchers, window: window, minEnd: minEnd, maxEnd: maxEnd, uses: 1))
        return plan.rollupFetches.count - 1
    }

    /// The rollup selects of a plan, for `describe` (nothing when there are none).
    static func describeRollupFetches(_ plan: QueryPlan) -> String {
        guard !plan.rollupFetches.isEmpty else { return "" }
        var out = "rollup selects (\(plan.rollupFetches.count)):\n"
        for (i, f) in plan.rollupFetches.enumerated() {
            out += "  #\(i + 1) {\(f.matchers.map(\.description).joined(separator: ", "))} \(RollupResolution.format(f.window)) windows ending in [\(f.minEnd), \(f.maxEnd)]"
            out += f.uses > 1 ? " shared by \(f.uses) selectors\n" : "\n"
        }
        return out
    }
}
