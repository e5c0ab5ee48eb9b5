import TidemarkStorage

/// Key of a rollup fetch: the selector's key and the window length.
func rollupKey(_ matchers: [LabelMatcher], window: Int64) -> String {
    selectorKey(matchers) + "@" + String(window)
}

extension Evaluator {
    /// The rollup choice for a call evaluated by this evaluator, if it is served (partly)
    /// from rollups.
    func rollupChoice(_ c: Call) -> (MatrixSelector, RollupChoice)? {
        guard rollupsAllowed, ctx.options.useRollups, !ctx.rollups.coverage.isEmpty,
              let ms = RollupCatalog.candidate(c),
              let choice = ctx.rollups.choose(ms, at: atTime(ms.selector.at), lo: start, step: interval, numSteps: numSteps)
        else { return nil }
        return (ms, choice)
    }

    /// A range function whose covered steps come from rollup windows and whose other steps
    /// come from raw samples (evaluated as raw over each run of such steps).
    func evalWithRollup(_ c: Call, _ ms: MatrixSelector, _ choice: RollupChoice) throws -> EvalValue {
        var b = MatrixBuilder()
        var i = 0
        while i < numSteps {
            guard !choice.covered[i] else { i += 1; continue }
            var j = i
            while j + 1 < numSteps && !choice.covered[j + 1] { j += 1 }
            var raw = Evaluator(ctx: ctx, start: time(i), end: time(j), interval: interval)
            raw.rollupsAllowed = false
            guard case .vector(let m) = try raw.evalCall(c) else { throw QueryError.exec("\(c.function): expected an instant vector", c.position) }
            for s in m { try b.addSeries(s) }
            i = j + 1
        }
        let vs = ms.selector
        let w = choice.window
        let at = atTime(vs.at)
        let keep = RangeFunctions.keepsName.contains(c.function)
        var fromRollup: EvalMatrix = []
        var held = 0
        for s in ctx.rollupData[rollupKey(vs.matchers, window: w)] ?? [] {
            try ctx.check()
            let ends = s.windows.map(\.end)
            var pts: [FPoint] = []
            for i in 0..<numSteps where choice.covered[i] {
                let t = time(i)
                let ref = (at ?? t) - vs.offset
                // Windows ending in (ref − R, ref]; ends are multiples of w.
                let lo = upperBound(ends, ref - ms.range)
                let hi = upperBound(ends, ref)
                guard hi > lo else { continue }
                held += hi - lo
                let a = WindowArgs(rangeStart: ref - ms.range, rangeEnd: ref, range: ms.range, t: t)
                if let v = RollupFunctions.value(c.function, s.windows[lo..<hi], a) { pts.append(FPoint(t: t, v: v)) }
            }
            if pts.isEmpty { continue }
            counterNameInfo(c, s.labels)
            if keep {
                fromRollup.append(EvalSeries(labels: s.labels, points: pts))
            } else {
                let (l, f) = dropped(s.labels, false)
                fromRollup.append(EvalSeries(labels: l, points: pts, dropName: f))
            }
        }
        try ctx.hold(held / max(numSteps, 1))
        if !keep && !ctx.options.delayedNameRemoval && containsSameLabelset(fromRollup) {
            throw QueryError.exec("vector cannot contain metrics with the same labelset", c.position)
        }
        for s in fromRollup { try b.addSeries(s) }
        return .vector(b.series.sorted { $0.labels < $1.labels })
    }
}
