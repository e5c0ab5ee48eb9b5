import TidemarkEncoding

/// Writes one block holding everything of several source blocks.
///
/// Series are merged by label set (each block's series are stored in label order, so
/// this is a k-way merge). A series' chunks that do not overlap in time are copied as
/// they are; chunks that overlap (from overlapping sources) are decoded, merged by
/// timestamp with duplicates removed — the earlier source in `sources` wins, as for
/// queries — and re-chunked. `BlockWriter` stores each chunk in its smallest codec.
struct BlockMerger {
    let sources: [BlockReader]
    let samplesPerChunk: Int
    /// Deleted ranges of a series (tombstones), left out of the merged block.
    var deleted: (Labels) -> [ClosedRange<Int64>] = { _ in [] }

    /// Merges into a new block under `parent`; returns its meta. The block is complete,
    /// fsynced and renamed into place when this returns (see `BlockWriter`).
    func write(parent: String, level: Int) throws(StorageError) -> BlockMeta {
        let minTime = sources.map(\.meta.minTime).min() ?? 0
        let maxTime = sources.map(\.meta.maxTime).max() ?? 0
        // Every block this one replaces, directly or through merged parents, so that a
        // crash before the parents are deleted is repaired on open.
        let replaced = sources.flatMap { [$0.meta.ulid] + ($0.meta.compaction?.sources ?? []) }
        let compaction = BlockMeta.Compaction(level: level, sources: Array(Set(replaced)).sorted())
        // A merge keeps "head" if any source came from the head: opening the database
        // refuses appends below the end of the last head block, merged or not.
        let source = sources.contains { $0.meta.source == "head" } ? "head" : (sources.first?.meta.source ?? "import")
        var writer = try BlockWriter(
            parent: parent, minTime: minTime, maxTime: maxTime, source: source,
            resolution: sources.first?.meta.resolution ?? "raw", compaction: compaction,
            samplesPerChunk: samplesPerChunk)
        do {
            var cursors = try sources.map { (b) throws(StorageError) in try SeriesCursor(b) }
            while true {
                // The smallest label set any source is at, and who is at it.
                var smallest: Labels?
                for c in cursors { if let l = c.labels, smallest.map({ l < $0 }) ?? true { smallest = l } }
                guard let labels = smallest else { break }
                var chunks: [(source: Int, meta: BlockChunkMeta)] = []
                for i in cursors.indices where cursors[i].labels == labels {
                    chunks += cursors[i].chunks.map { (i, $0) }
                    try cursors[i].advance()
                }
                let merged = try DeletionFilter.apply(try mergedChunks(labels, chunks), deleted: deleted(labels), labels: labels)
                try writer.add(labels, chunks: merged)
            }
            return try writer.finish()
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// The series' output chunks: runs of chunks that overlap no other are copied, each
    /// overlapping group is merged.
    private func mergedChunks(_ labels: Labels, _ chunks: [(source: Int, meta: BlockChunkMeta)]) throws(StorageError)
        -> [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)]
    {
        let sorted = chunks.sorted { $0.meta.minTime != $1.meta.minTime ? $0.meta.minTime < $1.meta.minTime : $0.source < $1.source }
        var out: [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)] = []
        var i = 0
        while i < sorted.count {
            var end = i + 1
            var groupMax = sorted[i].meta.maxTime
            while end < sorted.count && sorted[end].meta.minTime <= groupMax {
                groupMax = max(groupMax, sorted[end].meta.maxTime)
                end += 1
            }
            if end - i == 1 {
                let c = sorted[i]
                out.append((try sources[c.source].chunkBytes(c.meta, fillCache: false), c.meta.minTime, c.meta.maxTime, c.meta.samples))
            } else {
                out += try merge(labels, Array(sorted[i..<end]))
            }
            i = end
        }
        return out
    }

    /// Decodes overlapping chunks, keeps one sample per timestamp (lowest source index
    /// wins) and re-chunks them.
    private func merge(_ labels: Labels, _ group: [(source: Int, meta: BlockChunkMeta)]) throws(StorageError)
        -> [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)]
    {
        var samples: [(t: Int64, v: Double, st: Int64?, source: Int)] = []
        for c in group {
            let bytes = try sources[c.source].chunkBytes(c.meta, fillCache: false)
            do {
                let (ts, vs, sts) = try ChunkIterator.decodeAllWithStarts(bytes)
                for j in ts.indices { samples.append((ts[j], vs[j], sts[j], c.source)) }
            } catch {
                throw .corrupt(path: sources[c.source].directory + "/chunks", offset: c.meta.pageOffset, reason: "chunk of \(labels): \(error)")
            }
        }
        samples.sort { $0.t != $1.t ? $0.t < $1.t : $0.source < $1.source }
        var out: [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)] = []
        var builder = ChunkBuilder()
        var last: Int64?
        for s in samples where s.t != last {
            last = s.t
            do { try builder.append(s.t, s.v, startTimestamp: s.st) } catch {
                throw .corrupt(path: sources[s.source].directory, offset: 0, reason: "merging \(labels): \(error)")
            }
            if builder.count == samplesPerChunk {
                out.append((builder.encoded(), builder.minTime, builder.maxTime, builder.count))
                builder = ChunkBuilder()
            }
        }
        if builder.count > 0 { out.append((builder.encoded(), builder.minTime, builder.maxTime, builder.count)) }
        return out
    }
}

/// Walks a block's series in index order (which is label order).
private struct SeriesCursor {
    let block: BlockReader
    var next: UInt64 = 0
    private(set) var labels: Labels?
    private(set) var chunks: [BlockChunkMeta] = []

    init(_ block: BlockReader) throws(StorageError) {
        self.block = block
        try advance()
    }

    mutating func advance() throws(StorageError) {
        guard next < UInt64(block.index.seriesCount) else {
            labels = nil
            chunks = []
            return
        }
        let s = try block.index.series(next)
        if let previous = labels, !(previous < s.labels) {
            throw .corrupt(path: block.directory + "/index", offset: 0, reason: "series \(next) is out of label order")
        }
        labels = s.labels
        chunks = s.chunks
        next += 1
    }
}
