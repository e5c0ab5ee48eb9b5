/// The `Querier` of a `DB`: a fixed set of blocks plus the live head, merged per series.
struct DBQuerier: Querier {
    let head: Head
    /// Raw blocks only; rollup blocks are read through `RollupQuerier`.
    let blocks: [BlockReader]
    /// Pending deletions, applied to every series selected.
    var tombstones: TombstoneStore? = nil
    var rollups: [BlockReader] = []

    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws(StorageError) -> [Series] {
        // Each block lists its series in label order (series are numbered by position in
        // the sorted index), so the sources are merged instead of hashed and re-sorted.
        var sources: [[(labels: Labels, chunks: [ChunkHandle])]] = []
        for block in blocks where block.meta.maxTime > mint && block.meta.minTime <= maxt {
            var list: [(labels: Labels, chunks: [ChunkHandle])] = []
            for id in try block.index.postings(for: matchers) {
                let (labels, metas) = try block.index.series(id)
                let handles = metas.filter { $0.maxTime >= mint && $0.minTime <= maxt }
                    .map { ChunkHandle(minTime: $0.minTime, maxTime: $0.maxTime, source: .block(block, $0)) }
                if !handles.isEmpty { list.append((labels, handles)) }
            }
            if !list.isEmpty { sources.append(list) }
        }
        var fromHead = head.select(matchers, mint: mint, maxt: maxt).map { labels, chunks in
            (labels: labels, chunks: chunks.map { ChunkHandle(minTime: $0.minTime, maxTime: $0.maxTime, source: .memory($0.bytes)) })
        }
        if !fromHead.isEmpty {
            fromHead.sort { $0.labels < $1.labels }
            sources.append(fromHead)
        }
        let deletionsPending = !(tombstones?.isEmpty ?? true)
        return Self.mergeByLabels(sources).map {
            Series(labels: $0.labels, chunks: $0.chunks, minTime: mint, maxTime: maxt,
                   deleted: deletionsPending ? tombstones!.intervals(for: $0.labels) : [])
        }
    }

    /// The sum of each index's bound: the raw blocks that overlap [mint, maxt] (as
    /// `select` picks them), every rollup block, and the head.
    func seriesUpperBound(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws(StorageError) -> Int? {
        guard var total = try head.postings.postingsUpperBound(for: matchers) else { return nil }
        for block in blocks where block.meta.maxTime > mint && block.meta.minTime <= maxt {
            guard let n = try block.index.postingsUpperBound(for: matchers) else { return nil }
            total += n
        }
        for block in rollups {
            guard let n = try block.index.postingsUpperBound(for: matchers) else { return nil }
            total += n
        }
        return total
    }

    /// Merges lists sorted by labels into one, joining the chunks of equal label sets
    /// (in source order).
    static func mergeByLabels(_ sources: [[(labels: Labels, chunks: [ChunkHandle])]]) -> [(labels: Labels, chunks: [ChunkHandle])] {
        guard var merged = sources.first else { return [] }
        for next in sources.dropFirst() {
            var out: [(labels: Labels, chunks: [ChunkHandle])] = []
            out.reserveCapacity(merged.count + next.count)
            var i = 0, j = 0
            while i < merged.count || j < next.count {
                let order = j == next.count ? -1 : i == merged.count ? 1 : Labels.compare(merged[i].labels, next[j].labels)
                if order < 0 {
                    out.append(merged[i])
                    i += 1
                } else if order > 0 {
                    out.append(next[j])
                    j += 1
                } else {
                    out.append((merged[i].labels, merged[i].chunks + next[j].chunks))
                    i += 1
                    j += 1
                }
            }
            merged = out
        }
        return merged
    }

    func labelNames(_ matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        // Distinct by bytes, as label names and values are compared everywhere.
        var names = Set<ByteString>()
        if matchers.isEmpty {
            names.formUnion(head.postings.labelNames().map(ByteString.init))
            for b in blocks { names.formUnion(b.index.labelNames().map(ByteString.init)) }
        } else {
            for s in try select(matchers, mint: .min, maxt: .max) { for l in s.labels { names.insert(ByteString(l.name)) } }
        }
        return names.map(\.text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(StorageError) -> [String] {
        var values = Set<ByteString>()
        if matchers.isEmpty {
            values.formUnion(head.postings.labelValues(name).map(ByteString.init))
            for b in blocks { values.formUnion(b.index.labelValues(name).map(ByteString.init)) }
        } else {
            for s in try select(matchers, mint: .min, maxt: .max) { if let v = s.labels[name] { values.insert(ByteString(v)) } }
        }
        return values.map(\.text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
