extension DB {
    /// Deletes every sample in [mint, maxt] of the series `matchers` select, as
    /// Prometheus's `/api/v1/admin/tsdb/delete_series` does. Queries stop seeing the
    /// samples at once; merges and head → block writes leave them out, and
    /// `cleanTombstones()` rewrites the blocks that still hold them. The upper bound is
    /// clamped to the newest sample stored now, so samples appended later stay visible.
    /// Returns the deletion recorded, or nil when there was no data to delete.
    @discardableResult
    public func deleteSeries(_ matchers: [LabelMatcher], mint: Int64 = .min, maxt: Int64 = .max) throws(StorageError) -> Deletion? {
        guard !matchers.isEmpty else { throw .invalidMatcher("delete_series needs at least one matcher") }
        guard let newest = newestSampleTime(blocks) else { return nil }
        let upper = min(maxt, newest)
        guard mint <= upper else { return nil }
        let d = Deletion(matchers: matchers, mint: mint, maxt: upper)
        try tombstones.add(d)
        options.log("deleted series \(matchers.map(\.description).joined(separator: ",")) in [\(mint), \(upper)]")
        return d
    }

    /// The deletions not yet compacted away.
    public var pendingDeletions: [Deletion] { tombstones.all }

    /// Rewrites every raw block that holds deleted samples without them (Prometheus's
    /// `clean_tombstones`), then forgets the deletions that cover no stored data any
    /// more (those still reaching into the head stay until the head moves on). Crash-safe
    /// like a merge: each rewritten block lists the one it replaces.
    @discardableResult
    public func cleanTombstones() throws(StorageError) -> [(result: BlockMeta, source: BlockMeta)] {
        try compactionLock.withLock { () throws(StorageError) -> [(result: BlockMeta, source: BlockMeta)] in
            let deletions = tombstones.all
            guard !deletions.isEmpty else { return [] }
            var rewritten: [(result: BlockMeta, source: BlockMeta)] = []
            for block in blocks where block.meta.resolution == "raw" {
                var touched = false
                for d in deletions where d.mint < block.meta.maxTime && d.maxt >= block.meta.minTime {
                    if !(try block.index.postings(for: d.matchers)).isEmpty {
                        touched = true
                        break
                    }
                }
                guard touched else { continue }
                let level = block.meta.compaction?.level ?? 1
                let result = try BlockMerger(sources: [block], samplesPerChunk: options.blockSamplesPerChunk,
                                             deleted: { [tombstones] in tombstones.intervals(for: $0) })
                    .write(parent: directory, level: level)
                replace([block], with: try BlockReader(directory: directory + "/" + result.ulid, pageCache: pageCache))
                options.log("clean_tombstones: rewrote block \(block.meta.ulid) as \(result.ulid)")
                rewritten.append((result, block.meta))
            }
            let headStart = head.minTime
            try tombstones.retain { d in headStart != .max && d.maxt >= headStart }
            return rewritten
        }
    }
}
