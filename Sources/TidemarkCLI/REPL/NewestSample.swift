import TidemarkStorage

/// The time of the newest sample in a database: the head's newest, or the newest chunk
/// end among the series of the latest block (block bounds are whole windows, so
/// `BlockMeta.maxTime` would overstate it). Reads chunk metadata only, no samples.
enum NewestSample {
    static func time(in db: DB) -> Int64? {
        if let head = db.headMaxTime { return head }
        guard let last = db.blocks.max(by: { $0.meta.maxTime < $1.meta.maxTime }),
              let all = try? LabelMatcher(.regexMatch, metricNameLabel, ".+"),
              let series = try? db.querier().select([all], mint: last.meta.minTime, maxt: .max)
        else { return nil }
        return series.compactMap { $0.chunks.map(\.maxTime).max() }.max()
    }
}
