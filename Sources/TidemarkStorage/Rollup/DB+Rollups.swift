extension DB {
    /// Builds the rollup blocks that are due and missing (docs/rollups.md): for every
    /// resolution of `options.rollups`, every block span (aligned to multiples of
    /// `blockSpan`) whose windows all ended at least `minAge` before `now` (ms), that holds
    /// data, is entirely older than the head, and has no rollup block of that resolution
    /// yet. A span is built from the raw blocks, or from the next finer rollup when
    /// retention has already dropped the start of its raw data.
    ///
    /// Idempotent (an existing rollup block is never redone) and crash-safe (each block is
    /// written by `BlockWriter`: temporary directory, fsync, rename). Safe to call from any
    /// thread; calls are serialized. Returns the blocks written.
    @discardableResult
    public func writeRollups(now: Int64) throws(StorageError) -> [BlockMeta] {
        try rollupLock.withLock { () throws(StorageError) -> [BlockMeta] in
            var written: [BlockMeta] = []
            var finer: Int64?
            for res in options.rollups.resolutions.sorted(by: { $0.window < $1.window }) {
                written += try writeRollups(res, now: now, finer: finer)
                finer = res.window
            }
            return written
        }
    }

    /// Rollup blocks (not raw), oldest first.
    public var rollupBlocks: [BlockReader] { blocks.filter { $0.meta.resolution != "raw" } }

    private func writeRollups(_ res: RollupResolution, now: Int64, finer: Int64?) throws(StorageError) -> [BlockMeta] {
        let all = blocks
        let raw = all.filter { $0.meta.resolution == "raw" }
        let finerBlocks = finer.flatMap { w in res.window % w == 0 ? all.filter { $0.meta.rollupWindow == w } : nil } ?? []
        let done = Set(all.filter { $0.meta.rollupWindow == res.window }.map(\.meta.minTime))
        // Sample times up to `horizon` are old enough and no longer in the head.
        var horizon = now - res.minAge
        if let h = headMinTime { horizon = min(horizon, h - 1) }
        let span = res.blockSpan
        var spans = Set<Int64>()
        for b in raw + finerBlocks where b.meta.minTime < b.meta.maxTime {
            var k = floorDiv(b.meta.minTime - 1, span)
            while k * span + 1 <= b.meta.maxTime - 1 {
                spans.insert(k)
                k += 1
            }
        }
        var written: [BlockMeta] = []
        for k in spans.sorted() {
            let lo = k * span + 1, hi = (k + 1) * span
            guard hi <= horizon, !done.contains(lo) else { continue }
            let rawHere = raw.filter { $0.meta.maxTime > lo && $0.meta.minTime <= hi }
            let finerHere = finerBlocks.filter { $0.meta.maxTime > lo && $0.meta.minTime <= hi }
            let rawComplete = raw.contains { $0.meta.minTime <= lo }
            let series: [(Labels, [RollupWindow])]
            if !rawHere.isEmpty && (rawComplete || finerHere.isEmpty) {
                series = try rollupFromRaw(rawHere, window: res.window, lo: lo, hi: hi)
            } else if !finerHere.isEmpty {
                series = try rollupFromFiner(finerHere, window: res.window, lo: lo, hi: hi)
            } else {
                continue
            }
            guard !series.isEmpty else { continue }
            var writer = try BlockWriter(parent: directory, minTime: lo, maxTime: hi + 1, source: "rollup", resolution: res.name)
            do {
                for (labels, windows) in series { try writer.add(labels, chunks: RollupColumns.encode(windows)) }
                let meta = try writer.finish()
                adopt(try BlockReader(directory: directory + "/" + meta.ulid, pageCache: pageCache))
                written.append(meta)
            } catch {
                writer.abandon()
                throw error
            }
        }
        return written
    }

    /// Windows of every series with samples in [lo, hi] of the raw blocks, staleness
    /// markers left out, sorted by labels.
    private func rollupFromRaw(_ blocks: [BlockReader], window: Int64, lo: Int64, hi: Int64) throws(StorageError) -> [(Labels, [RollupWindow])] {
        var bySeries: [Labels: [ChunkHandle]] = [:]
        for block in blocks {
            for id in 0..<UInt64(block.index.seriesCount) {
                let (labels, metas) = try block.index.series(id)
                let handles = metas.filter { $0.maxTime >= lo && $0.minTime <= hi }
                    .map { ChunkHandle(minTime: $0.minTime, maxTime: $0.maxTime, source: .block(block, $0)) }
                if !handles.isEmpty { bySeries[labels, default: []].append(contentsOf: handles) }
            }
        }
        var out: [(Labels, [RollupWindow])] = []
        for (labels, chunks) in bySeries {
            // Deleted samples (pending tombstones) stay out of rollups as out of queries.
            var it = Series(labels: labels, chunks: chunks, minTime: lo, maxTime: hi,
                            deleted: tombstones.intervals(for: labels)).makeIterator()
            var acc = RollupAccumulator(window: window)
            while it.next() {
                if it.value.bitPattern == staleMarkerBits { continue }
                acc.add(it.timestamp, it.value, start: it.startTimestamp ?? 0)
            }
            if let e = it.error { throw e }
            let windows = acc.finish()
            if !windows.isEmpty { out.append((labels, windows)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    /// Windows of length `window` merged from the finer rollup blocks' windows ending in [lo, hi].
    private func rollupFromFiner(_ blocks: [BlockReader], window: Int64, lo: Int64, hi: Int64) throws(StorageError) -> [(Labels, [RollupWindow])] {
        var bySeries: [Labels: [RollupWindow]] = [:]
        for block in blocks {
            for id in 0..<UInt64(block.index.seriesCount) {
                let (labels, windows) = try block.rollupWindows(id, mint: lo, maxt: hi)
                if !windows.isEmpty { bySeries[labels, default: []].append(contentsOf: windows) }
            }
        }
        var out: [(Labels, [RollupWindow])] = []
        for (labels, fine) in bySeries {
            let fine = fine.sorted { $0.end < $1.end }
            var windows: [RollupWindow] = []
            var start = 0
            while start < fine.count {
                let e = RollupWindow.end(of: fine[start].end, window: window)
                var stop = start
                while stop < fine.count && fine[stop].end <= e { stop += 1 }
                windows.append(RollupWindow.merge(fine[start..<stop], end: e))
                start = stop
            }
            out.append((labels, windows))
        }
        return out.sorted { $0.0 < $1.0 }
    }
}

/// Prometheus's staleness marker.
let staleMarkerBits: UInt64 = 0x7ff0_0000_0000_0002

@inline(__always)
func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}
