/// Decides which blocks to merge: a pure function of the blocks' metas, so it is tested
/// without touching disk.
///
/// Rules, in order (the first that finds work wins; the compactor runs the planner again
/// after every merge until it finds none):
/// 1. **Overlap.** Blocks whose time ranges overlap (backfill imports, or a crash that left
///    a merged block beside its sources) are merged into one, samples de-duplicated.
/// 2. **Levels.** For each range in `ranges` after the first (default 2h → 6h → 24h, as
///    Prometheus does, capped at `maxBlockDuration`), blocks lying wholly inside one
///    aligned window `[k·range, (k+1)·range)` are merged once the window is complete:
///    some block starts at or after its end, so no more data for it comes from the head.
///    A window holding one block is left alone.
///
/// Only blocks of one resolution are ever merged together; rollup blocks are planned
/// separately with their own resolution.
public struct CompactionPlanner: Sendable {
    /// Window sizes in ms, ascending; the first is the head's block range.
    public let ranges: [Int64]

    /// Ranges that start at `blockRange` and multiply by 3, 4, 3, … (2h, 6h, 24h, 72h, …)
    /// up to `maxBlockDuration`.
    public init(blockRange: Int64, maxBlockDuration: Int64) {
        var ranges = [blockRange]
        let factors: [Int64] = [3, 4]
        var i = 0
        while let last = ranges.last, last * factors[i % 2] <= maxBlockDuration {
            ranges.append(last * factors[i % 2])
            i += 1
        }
        self.ranges = ranges
    }

    public init(ranges: [Int64]) {
        self.ranges = ranges
    }

    /// The next group of blocks to merge (ULIDs, oldest first), or nil if there is none.
    public func plan(_ metas: [BlockMeta]) -> [BlockMeta]? {
        let blocks = metas.sorted { $0.minTime != $1.minTime ? $0.minTime < $1.minTime : $0.ulid < $1.ulid }
        if let overlapping = firstOverlappingGroup(blocks) { return overlapping }
        guard let newestStart = blocks.map(\.minTime).max() else { return nil }
        for range in ranges.dropFirst() {
            var window: [BlockMeta] = []
            var windowStart = Int64.min
            for b in blocks {
                let start = Self.floor(b.minTime, range)
                // A block that straddles the window boundary belongs to no window of
                // this size (it came from a larger window or an import).
                guard b.maxTime <= start + range else {
                    if window.count >= 2, newestStart >= windowStart + range { return window }
                    window = []
                    windowStart = .min
                    continue
                }
                if start != windowStart {
                    if window.count >= 2, newestStart >= windowStart + range { return window }
                    window = []
                    windowStart = start
                }
                window.append(b)
            }
            if window.count >= 2, newestStart >= windowStart + range { return window }
        }
        return nil
    }

    /// The first maximal run of blocks whose ranges overlap (each [minTime, maxTime)).
    func firstOverlappingGroup(_ sorted: [BlockMeta]) -> [BlockMeta]? {
        var i = 0
        while i < sorted.count {
            var group = [sorted[i]]
            var groupMax = sorted[i].maxTime
            var j = i + 1
            while j < sorted.count && sorted[j].minTime < groupMax {
                group.append(sorted[j])
                groupMax = max(groupMax, sorted[j].maxTime)
                j += 1
            }
            if group.count >= 2 { return group }
            i = j
        }
        return nil
    }

    /// `t` rounded down to a multiple of `range` (also for negative times).
    static func floor(_ t: Int64, _ range: Int64) -> Int64 {
        let r = t % range
        return r < 0 ? t - r - range : t - r
    }
}
