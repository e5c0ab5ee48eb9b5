/// The `Querier` of a `DB`: a fixed set of blocks plus the live head, merged per series.
struct DBQuerier: Querier {
    let head: Head
    /// Raw blocks only; rollup blocks are read through `RollupQuerier`.
    let blocks: [BlockReader]
    /// Pending deletions, applied to every series selected.
    var tombstones: TombstoneStore? = nil
    var rollups: [BlockReader] = []

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws(StorageError) -> [Series] {
        var bySeries: [Labels: [ChunkHandle]] = [:]
        for block in blocks where block.meta.maxTime > mint && block.meta.minTime <= maxt {
            for id in try block.index.postings(for: matchers) {
                let (labels, metas) = try block.index.series(id)
                let handles = metas.filter { $0.maxTime >= mint && $0.minTime <= maxt }
                    .map { ChunkHandle(minTime: $0.minTime, maxTime: $0.maxTime, source: .block(block, $0)) }
                if !handles.isEmpty { bySeries[labels, default: []].append(contentsOf: handles) }
            }
        }
        for (labels, chunks) in head.select(matchers, mint: mint, maxt: maxt) {
            bySeries[labels, default: []].append(contentsOf: chunks.map { ChunkHandle(minTime: $0.minTime, maxTime: $0.maxTime, source: .memory($0.bytes)) })
        }
        let deletionsPending = !(tombstones?.isEmpty ?? true)
        return bySeries.map {
            Series(labels: $0.key, chunks: $0.value, minTime: mint, maxTime: maxt,
                   deleted: deletionsPending ? tombstones!.intervals(for: $0.key) : [])
        }.sorted { $0.labels < $1.labels }
    }

    func labelNames(_ matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        var names = Set<String>()
        if matchers.isEmpty {
            names.formUnion(head.postings.labelNames())
            for b in blocks { names.formUnion(b.index.labelNames()) }
        } else {
            for s in try select(matchers, mint: .min, maxt: .max) { for l in s.labels { names.insert(l.name) } }
        }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        var values = Set<String>()
        if matchers.isEmpty {
            values.formUnion(head.postings.labelValues(name))
            for b in blocks { values.formUnion(b.index.labelValues(name)) }
        } else {
            for s in try select(matchers, mint: .min, maxt: .max) { if let v = s.labels[name] { values.insert(v) } }
        }
        return values.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
