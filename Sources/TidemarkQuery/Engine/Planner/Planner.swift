import TidemarkStorage

/// One storage select of a plan: a matcher set and the closed time range [mint, maxt]
/// that covers every selector in the query using that matcher set.
struct SelectorFetch: Sendable {
    var key: String
    var matchers: [LabelMatcher]
    var mint: Int64
    var maxt: Int64
    /// How many selectors of the query read this fetch.
    var uses: Int
    /// The range function the decode workers evaluate on this fetch's series, when that
    /// function is its only reader (`FusedRangeFunction`).
    var fused: FusedRangeFunction? = nil
}

/// What the planner derives from an AST before evaluation.
struct QueryPlan: Sendable {
    var fetches: [SelectorFetch] = []
    /// Fetches by selector key (several when the ranges needed lie far apart, e.g. `x @ 0 + x`).
    var fetchIndex: [String: [Int]] = [:]
    /// The expression tree, one line per node, with the time range each node is evaluated over.
    var lines: [String] = []
    /// Rollup selects (Planner+Rollup.swift), one per selector key and window length.
    var rollupFetches: [RollupFetch] = []
    /// Steps the subqueries evaluate their inner expressions at, summed (a measure of
    /// evaluation work that reads no storage, e.g. `max_over_time(vector(1)[1d:1s])`).
    var subquerySteps = 0
}

/// A selector's key: its matchers in canonical order. Selectors with the same key share a fetch.
func selectorKey(_ matchers: [LabelMatcher]) -> String {
    matchers.map(\.description).sorted().joined(separator: ",")
}

/// Smallest multiple of `step` strictly greater than `t` (the first subquery step after
/// the range's open lower end, as Prometheus 3 aligns it).
@inline(__always)
func alignedSubqueryStart(_ t: Int64, step: Int64) -> Int64 {
    var q = t / step
    if t % step != 0 && t < 0 { q -= 1 }  // floor
    return (q + 1) * step
}

/// Walks an AST and computes, for each selector, the exact storage range it needs given
/// the evaluation window: lookback delta, offset, `@`, range widths and subquery ranges
/// and steps folded in.
struct Planner {
    let options: EngineOptions
    /// The query's own start and end (what `@ start()` / `@ end()` mean).
    let queryStart: Int64
    let queryEnd: Int64
    /// Rollups the storage has (empty: read raw data only).
    var rollups = RollupCatalog()
    var plan = QueryPlan()
    /// Whether to write `plan.lines` (only `explain` prints them; building the text for
    /// every node cost a small query several microseconds).
    let describing: Bool
    /// Subqueries around the node being walked (their inner steps are not the query's).
    var subqueryDepth = 0
    /// The fetch the last range selector walked reads.
    var lastMatrixFetch: Int?
    /// Range functions that may be fused with their fetch, by fetch index.
    var fusionCandidates: [(fetch: Int, fused: FusedRangeFunction)] = []

    init(options: EngineOptions, queryStart: Int64, queryEnd: Int64, describing: Bool = false) {
        self.options = options
        self.queryStart = queryStart
        self.queryEnd = queryEnd
        self.describing = describing
    }

    /// Appends a line of the plan's description, built only when describing.
    mutating func addLine(_ line: @autoclosure () -> String) {
        if describing { plan.lines.append(line()) }
    }

    func atTime(_ at: AtModifier?) -> Int64? {
        switch at {
        case .none: return nil
        case .timestamp(let t): return t
        case .start: return queryStart
        case .end: return queryEnd
        }
    }

    /// Reference times [lo, hi] of a node with `offset`/`at` evaluated over [lo, hi].
    func refRange(lo: Int64, hi: Int64, offset: Int64, at: AtModifier?) -> (Int64, Int64) {
        if let a = atTime(at) { return (a - offset, a - offset) }
        return (lo - offset, hi - offset)
    }

    mutating func addFetch(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) -> Int {
        let key = selectorKey(matchers)
        // Share a fetch when the ranges overlap or nearly touch; far-apart ranges get their own.
        let slack = options.lookbackDelta
        for i in plan.fetchIndex[key] ?? [] where mint <= plan.fetches[i].maxt + slack && maxt >= plan.fetches[i].mint - slack {
            plan.fetches[i].mint = min(plan.fetches[i].mint, mint)
            plan.fetches[i].maxt = max(plan.fetches[i].maxt, maxt)
            plan.fetches[i].uses += 1
            return i
        }
        plan.fetches.append(SelectorFetch(key: key, matchers: matchers, mint: mint, maxt: maxt, uses: 1))
        plan.fetchIndex[key, default: []].append(plan.fetches.count - 1)
        return plan.fetches.count - 1
    }

    static func fmtDuration(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        var rest = abs(ms)
        var out = ms < 0 ? "-" : ""
        let units: [(Int64, String)] = [(86_400_000, "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")]
        for (u, name) in units where rest >= u {
            out += "\(rest / u)\(name)"
            rest %= u
        }
        return out
    }

    static func modifiers(offset: Int64, at: AtModifier?) -> String {
        var s = ""
        if offset != 0 { s += " offset \(fmtDuration(offset))" }
        switch at {
        case .none: break
        case .timestamp(let t): s += " @ \(Double(t) / 1000)"
        case .start: s += " @ start()"
        case .end: s += " @ end()"
        }
        return s
    }

    static func selectorText(_ vs: VectorSelector) -> String {
        let others = vs.matchers.filter { !(vs.name != nil && $0.name == metricNameLabel && $0.kind == .equal) }
        let inner = others.map(\.description).joined(separator: ", ")
        return (vs.name ?? "") + (others.isEmpty && vs.name != nil ? "" : "{\(inner)}")
    }

    /// Walks `e` evaluated at times [lo, hi] every `step` ms.
    mutating func walk(_ e: Expr, lo: Int64, hi: Int64, step: Int64, depth: Int) {
        var pad: String { String(repeating: "  ", count: depth) }
        var window: String { "[\(lo), \(hi)] step \(Planner.fmtDuration(step))" }
        switch e {
        case .number(let n):
            addLine("\(pad)number \(n.value)")
        case .string(let s):
            addLine("\(pad)string \(LabelNames.quote(s.value))")
        case .paren(let p):
            walk(p.expr, lo: lo, hi: hi, step: step, depth: depth)
        case .vectorSelector(let vs):
            let (rlo, rhi) = refRange(lo: lo, hi: hi, offset: vs.offset, at: vs.at)
            let mint = rlo - options.lookbackDelta + 1
            let maxt = rhi + (vs.modifier == .smoothed ? options.lookbackDelta : 0)
            let i = addFetch(vs.matchers, mint: mint, maxt: maxt)
            addLine("\(pad)instant selector \(Planner.selectorText(vs))\(Planner.modifiers(offset: vs.offset, at: vs.at)) reads [\(mint), \(maxt)] (fetch #\(i + 1)) at raw resolution")
        case .matrixSelector(let ms):
            let vs = ms.selector
            let (rlo, rhi) = refRange(lo: lo, hi: hi, offset: vs.offset, at: vs.at)
            let mint = rlo - ms.range + 1 - (vs.modifier != nil ? options.lookbackDelta : 0)
            let maxt = rhi + (vs.modifier == .smoothed ? options.lookbackDelta : 0)
            let i = addFetch(vs.matchers, mint: mint, maxt: maxt)
            lastMatrixFetch = i
            addLine("\(pad)range selector \(Planner.selectorText(vs))[\(Planner.fmtDuration(ms.range))]\(Planner.modifiers(offset: vs.offset, at: vs.at))\(vs.modifier.map { " " + $0.rawValue } ?? "") reads [\(mint), \(maxt)] (fetch #\(i + 1)) at raw resolution")
        case .subquery(let sq):
            let (rlo, rhi) = refRange(lo: lo, hi: hi, offset: sq.offset, at: sq.at)
            let st = sq.step ?? options.noStepSubqueryInterval
            let innerLo = alignedSubqueryStart(rlo - sq.range, step: st)
            let innerSteps = rhi < innerLo ? 0 : min(Int(clamping: (rhi - innerLo) / max(1, st)), .max - 1) + 1
            let (sum, overflow) = plan.subquerySteps.addingReportingOverflow(innerSteps)
            plan.subquerySteps = overflow ? .max : sum
            addLine("\(pad)subquery [\(Planner.fmtDuration(sq.range)):\(Planner.fmtDuration(st))]\(Planner.modifiers(offset: sq.offset, at: sq.at)) evaluates inner over [\(innerLo), \(rhi)] step \(Planner.fmtDuration(st))")
            subqueryDepth += 1
            walk(sq.expr, lo: innerLo, hi: rhi, step: st, depth: depth + 1)
            subqueryDepth -= 1
        case .unary(let u):
            addLine("\(pad)unary \(u.op.rawValue)")
            walk(u.expr, lo: lo, hi: hi, step: step, depth: depth + 1)
        case .binary(let b):
            if describing {
                var desc = "binary \(b.op.rawValue)"
                if b.returnBool { desc += " bool" }
                if let m = b.matching {
                    if m.on || !m.labels.isEmpty { desc += m.on ? " on(\(m.labels.joined(separator: ", ")))" : " ignoring(\(m.labels.joined(separator: ", ")))" }
                    if m.cardinality == .manyToOne { desc += " group_left(\(m.include.joined(separator: ", ")))" }
                    if m.cardinality == .oneToMany { desc += " group_right(\(m.include.joined(separator: ", ")))" }
                }
                addLine("\(pad)\(desc) over \(window)")
            }
            walk(b.lhs, lo: lo, hi: hi, step: step, depth: depth + 1)
            walk(b.rhs, lo: lo, hi: hi, step: step, depth: depth + 1)
        case .aggregate(let a):
            if describing {
                var desc = "aggregate \(a.op.rawValue)"
                if a.without || !a.grouping.isEmpty { desc += (a.without ? " without" : " by") + " (\(a.grouping.joined(separator: ", ")))" }
                addLine("\(pad)\(desc) over \(window)")
            }
            if let p = a.param { walk(p, lo: lo, hi: hi, step: step, depth: depth + 1) }
            walk(a.expr, lo: lo, hi: hi, step: step, depth: depth + 1)
        case .call(let c):
            addLine("\(pad)call \(c.function) over \(window)")
            if walkRollup(c, lo: lo, hi: hi, step: step, depth: depth + 1) { return }
            if c.function == "info" {
                if let base = c.args.first { walk(base, lo: lo, hi: hi, step: step, depth: depth + 1) }
                walk(.vectorSelector(infoSelector(c)), lo: lo, hi: hi, step: step, depth: depth + 1)
                return
            }
            lastMatrixFetch = nil
            for arg in c.args { walk(arg, lo: lo, hi: hi, step: step, depth: depth + 1) }
            if options.fuseRangeFunctions, subqueryDepth == 0, let i = lastMatrixFetch, let f = FusedRangeFunction.candidate(c, lo: lo, hi: hi, step: step) {
                fusionCandidates.append((i, f))
            }
        }
    }

    /// The plan of `expr` evaluated from `start` to `end` every `step` ms.
    static func make(_ expr: Expr, start: Int64, end: Int64, step: Int64, options: EngineOptions, rollups: RollupCatalog = RollupCatalog(),
                     describing: Bool = false) -> QueryPlan {
        var p = Planner(options: options, queryStart: start, queryEnd: end, describing: describing)
        p.rollups = rollups
        p.walk(expr, lo: start, hi: end, step: step, depth: 1)
        // Fuse a range function with its fetch only if nothing else reads that fetch.
        for (i, f) in p.fusionCandidates where p.plan.fetches[i].uses == 1 { p.plan.fetches[i].fused = f }
        return p.plan
    }

    /// Human-readable plan: the storage selects, then the evaluation tree.
    static func describe(_ plan: QueryPlan, start: Int64, end: Int64, step: Int64) -> String {
        var out = start == end ? "instant query at \(start)\n" : "range query [\(start), \(end)] step \(fmtDuration(step))\n"
        out += "storage selects (\(plan.fetches.count)):\n"
        for (i, f) in plan.fetches.enumerated() {
            out += "  #\(i + 1) {\(f.matchers.map(\.description).joined(separator: ", "))} [\(f.mint), \(f.maxt)]"
            out += f.uses > 1 ? " shared by \(f.uses) selectors" : ""
            out += f.fused.map { " (\($0.function) windows computed while decoding)" } ?? ""
            out += "\n"
        }
        out += describeRollupFetches(plan)
        out += "evaluation:\n"
        out += plan.lines.joined(separator: "\n")
        return out + "\n"
    }
}
