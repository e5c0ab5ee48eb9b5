import TidemarkStorage

extension Engine {
    /// The rollups a query over `querier` may use (none when the storage has no rollup
    /// protocol or `useRollups` is off).
    func rollupCatalog(_ querier: any Querier) -> RollupCatalog {
        guard options.useRollups, let rq = querier as? any RollupQuerier else { return RollupCatalog() }
        return RollupCatalog(rq.rollupCoverage)
    }

    /// Runs the plan's rollup selects; windows count as samples read.
    func fetchRollups(_ plan: QueryPlan, _ ctx: QueryContext, _ q: any Querier) throws -> [String: [RollupSeries]] {
        guard !plan.rollupFetches.isEmpty, let rq = q as? any RollupQuerier else { return [:] }
        var out: [String: [RollupSeries]] = [:]
        for f in plan.rollupFetches where f.minEnd <= f.maxEnd {
            let series = try rq.selectRollups(f.matchers, window: f.window, mint: f.minEnd, maxt: f.maxEnd)
            let windows = series.reduce(0) { $0 + $1.windows.count }
            ctx.stats.samplesRead += windows
            ctx.stats.seriesRead += series.count
            if ctx.stats.samplesRead > options.maxSamples {
                throw QueryError(.tooManySamples, "query processing would load too many samples into memory in query execution")
            }
            out[f.key] = series
        }
        return out
    }
}
