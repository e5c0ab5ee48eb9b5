/// One series' rollup windows from a `RollupQuerier` select.
public struct RollupSeries: Sendable {
    public let labels: Labels
    /// Windows in time order (ends strictly increasing).
    public let windows: [RollupWindow]

    public init(labels: Labels, windows: [RollupWindow]) {
        self.labels = labels
        self.windows = windows
    }
}

/// Which sample times the rollup blocks of one resolution cover.
public struct RollupCoverage: Sendable, Equatable {
    /// Window length in ms.
    public let window: Int64
    /// Covered sample times, as sorted, disjoint, non-adjacent closed ranges. A rollup
    /// block covers the windows ending in (A, B], i.e. sample times [A + 1, B].
    public let ranges: [ClosedRange<Int64>]

    public init(window: Int64, ranges: [ClosedRange<Int64>]) {
        self.window = window
        var merged: [ClosedRange<Int64>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, r.lowerBound <= last.upperBound &+ 1 {
                merged[merged.count - 1] = last.lowerBound...Swift.max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
    }

    /// Whether every sample time in [lo, hi] is covered.
    public func covers(_ lo: Int64, _ hi: Int64) -> Bool {
        var a = 0, b = ranges.count
        while a < b {
            let m = (a + b) / 2
            if ranges[m].upperBound < lo { a = m + 1 } else { b = m }
        }
        return a < ranges.count && ranges[a].lowerBound <= lo && ranges[a].upperBound >= hi
    }
}

/// The storage protocol through which the query layer reads rollups. A `Querier` from
/// `DB.querier()` conforms; its rollup blocks are the snapshot taken with the raw ones.
public protocol RollupQuerier {
    /// What the rollup blocks cover, one entry per resolution present, finest first.
    var rollupCoverage: [RollupCoverage] { get }

    /// Series that match every matcher and have windows of length `window` ending in
    /// [mint, maxt], sorted by labels, with those windows.
    func selectRollups(_ matchers: [LabelMatcher], window: Int64, mint: Int64, maxt: Int64) throws(StorageError) -> [RollupSeries]
}

extension BlockMeta {
    /// The rollup window of the block in ms; nil for a raw block.
    public var rollupWindow: Int64? { resolution == "raw" ? nil : RollupResolution.window(ofResolution: resolution) }
}

extension BlockReader {
    /// The windows ending in [mint, maxt] of the rollup series with index id `id`.
    func rollupWindows(_ id: UInt64, mint: Int64, maxt: Int64) throws(StorageError) -> (Labels, [RollupWindow]) {
        let (labels, metas) = try index.series(id)
        let n = RollupColumns.columnCount
        guard metas.count % n == 0 else {
            throw .corrupt(path: directory + "/index", offset: 0, reason: "rollup series \(labels) has \(metas.count) chunks, not a multiple of \(n)")
        }
        var out: [RollupWindow] = []
        for g in stride(from: 0, to: metas.count, by: n) where metas[g].maxTime >= mint && metas[g].minTime <= maxt {
            var group: [[UInt8]] = []
            for c in metas[g..<g + n] { group.append(try chunkBytes(c)) }
            do {
                out.append(contentsOf: try RollupColumns.decode(group).filter { $0.end >= mint && $0.end <= maxt })
            } catch {
                throw .corrupt(path: directory + "/chunks", offset: metas[g].pageOffset, reason: "rollup of \(labels): \(error)")
            }
        }
        return (labels, out)
    }
}

extension DBQuerier: RollupQuerier {
    var rollupCoverage: [RollupCoverage] {
        var byWindow: [Int64: [ClosedRange<Int64>]] = [:]
        for b in rollups {
            guard let w = b.meta.rollupWindow, b.meta.minTime < b.meta.maxTime else { continue }
            byWindow[w, default: []].append(b.meta.minTime...(b.meta.maxTime - 1))
        }
        return byWindow.keys.sorted().map { RollupCoverage(window: $0, ranges: byWindow[$0]!) }
    }

    func selectRollups(_ matchers: [LabelMatcher], window: Int64, mint: Int64, maxt: Int64) throws(StorageError) -> [RollupSeries] {
        var bySeries: [Labels: [RollupWindow]] = [:]
        for block in rollups where block.meta.rollupWindow == window && block.meta.maxTime > mint && block.meta.minTime <= maxt {
            for id in try block.index.postings(for: matchers) {
                let (labels, windows) = try block.rollupWindows(id, mint: mint, maxt: maxt)
                if !windows.isEmpty { bySeries[labels, default: []].append(contentsOf: windows) }
            }
        }
        return bySeries.map { labels, windows in
            // Blocks of one resolution do not overlap; if they ever do, keep one window per end.
            var ws = windows.sorted { $0.end < $1.end }
            ws = ws.enumerated().filter { $0.offset == 0 || ws[$0.offset - 1].end != $0.element.end }.map(\.element)
            return RollupSeries(labels: labels, windows: ws)
        }.sorted { $0.labels < $1.labels }
    }
}
