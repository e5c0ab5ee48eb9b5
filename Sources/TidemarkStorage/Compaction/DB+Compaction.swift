import Foundation

/// What compaction and retention have done since the database was opened.
public struct CompactionStats: Sendable, Equatable {
    /// Merged blocks written.
    public var merges = 0
    /// Source blocks those merges replaced.
    public var blocksReplaced = 0
    /// Blocks dropped by retention, and their bytes.
    public var retentionDrops = 0
    public var retentionBytes = 0
    /// Failed compaction passes.
    public var failures = 0
}

/// One pass of `DB.compact()`.
public struct CompactionReport: Sendable {
    /// Blocks cut from the head.
    public var headBlocks: [BlockMeta] = []
    /// Merges: the new block and the blocks it replaced.
    public var merges: [(result: BlockMeta, sources: [BlockMeta])] = []
    /// Rollup blocks written.
    public var rollups: [BlockMeta] = []
    /// Blocks retention dropped.
    public var dropped: [RetentionDrop] = []

    public var isEmpty: Bool { headBlocks.isEmpty && merges.isEmpty && rollups.isEmpty && dropped.isEmpty }
}

extension DB {
    /// Counters of compaction and retention since open.
    public var compactionStats: CompactionStats { compactionCounters.withLock { _compactionStats } }

    /// Runs everything the background thread runs, once: cut due head ranges into blocks,
    /// merge blocks while the planner finds work, write the rollups that are due, then
    /// apply retention.
    @discardableResult
    public func compact(progress: ((String) -> Void)? = nil) throws(StorageError) -> CompactionReport {
        var report = CompactionReport()
        do {
            report.headBlocks = try compactHead()
            report.merges = try compactBlocks(progress: progress)
            report.rollups = try writeRollups(now: Int64((Date().timeIntervalSince1970 * 1000).rounded()))
            report.dropped = applyRetention()
        } catch {
            compactionCounters.withLock { _compactionStats.failures += 1 }
            throw error
        }
        return report
    }

    /// Merges blocks as `CompactionPlanner` decides, one merge at a time, until there is
    /// nothing left to merge. Appends and queries go on meanwhile: a querier holds the
    /// blocks it started with, and a replaced block's files are deleted only when its
    /// last reader is gone.
    ///
    /// Crash safety: the merged block is written to `<ulid>.tmp`, fsynced and renamed
    /// into place before any source is touched, and it lists its sources in meta.json; a
    /// crash between the rename and the deletes leaves both, and opening the database
    /// removes the sources. No sample is lost or counted twice at any instant.
    @discardableResult
    public func compactBlocks(progress: ((String) -> Void)? = nil) throws(StorageError) -> [(result: BlockMeta, sources: [BlockMeta])] {
        try compactionLock.withLock { () throws(StorageError) -> [(result: BlockMeta, sources: [BlockMeta])] in
            let planner = CompactionPlanner(ranges: options.compactionRanges)
            var done: [(result: BlockMeta, sources: [BlockMeta])] = []
            while true {
                // Raw blocks only: rollup blocks are written per day by `writeRollups` and
                // never merged, with each other or with raw data.
                let current = blocks.filter { $0.meta.resolution == "raw" }
                guard let group = planner.plan(current.map(\.meta)) else { return done }
                let ids = Set(group.map(\.ulid))
                let sources = current.filter { ids.contains($0.meta.ulid) }
                let level = (sources.map { $0.meta.compaction?.level ?? 1 }.max() ?? 1) + 1
                progress?("merging \(sources.count) blocks [\(group.first!.minTime), \(group.map(\.maxTime).max()!)) …")
                let merged = try BlockMerger(sources: sources, samplesPerChunk: options.blockSamplesPerChunk,
                                             deleted: { [tombstones] in tombstones.intervals(for: $0) })
                    .write(parent: directory, level: level)
                let reader = try BlockReader(directory: directory + "/" + merged.ulid, pageCache: pageCache)
                replace(sources, with: reader)
                options.log("compaction: merged \(sources.count) blocks into \(merged.ulid) [\(merged.minTime), \(merged.maxTime)), \(merged.stats.numSamples) samples")
                progress?("merged \(sources.count) blocks into \(merged.ulid) (\(merged.stats.numSamples) samples)")
                compactionCounters.withLock {
                    _compactionStats.merges += 1
                    _compactionStats.blocksReplaced += sources.count
                }
                done.append((merged, sources.map(\.meta)))
            }
        }
    }

    /// Drops whole blocks as `options.retention` says, oldest first, and returns what
    /// it dropped (also logged and counted in `compactionStats`).
    @discardableResult
    public func applyRetention() -> [RetentionDrop] {
        compactionLock.withLock {
            let current = blocks
            guard let newest = newestSampleTime(current) else { return [] }
            let drops = RetentionPlanner(policies: options.retention)
                .drops(current.map { ($0.meta, $0.sizeOnDisk) }, newestTime: newest)
            guard !drops.isEmpty else { return [] }
            let ids = Set(drops.map(\.block.ulid))
            replace(current.filter { ids.contains($0.meta.ulid) }, with: nil)
            for d in drops { options.log("retention: \(d)") }
            compactionCounters.withLock {
                _compactionStats.retentionDrops += drops.count
                _compactionStats.retentionBytes += drops.reduce(0) { $0 + $1.bytes }
            }
            return drops
        }
    }

    /// The newest sample time the head and `blocks` can hold (a block's `maxTime` is
    /// exclusive); nil when both are empty. Retention and deletions measure from it.
    func newestSampleTime(_ blocks: [BlockReader]) -> Int64? {
        let newest = max(head.maxTime, blocks.map { $0.meta.maxTime - 1 }.max() ?? .min)
        return newest == .min ? nil : newest
    }

    /// Swaps `old` blocks for `new` in the open set; the old ones' files go when their
    /// last reader does.
    func replace(_ old: [BlockReader], with new: BlockReader?) {
        let ids = Set(old.map(\.meta.ulid))
        blocksLock.withWriteLock {
            _blocks.removeAll { ids.contains($0.meta.ulid) }
            if let new { _blocks.append(new) }
            _blocks.sort { $0.meta.minTime != $1.meta.minTime ? $0.meta.minTime < $1.meta.minTime : $0.meta.ulid < $1.meta.ulid }
        }
        for b in old { b.markReplaced() }
    }
}
