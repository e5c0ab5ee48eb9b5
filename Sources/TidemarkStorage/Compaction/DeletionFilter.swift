import TidemarkEncoding

/// Leaves deleted samples out of chunks about to be written to a block: chunks that no
/// deleted range touches are passed through untouched; the others are decoded, filtered
/// and re-encoded (and dropped when nothing is left).
enum DeletionFilter {
    typealias OutputChunk = (bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)

    static func apply(_ chunks: [OutputChunk], deleted: [ClosedRange<Int64>], labels: Labels) throws(StorageError) -> [OutputChunk] {
        guard !deleted.isEmpty else { return chunks }
        var out: [OutputChunk] = []
        for c in chunks {
            guard deleted.contains(where: { $0.overlaps(c.minTime...c.maxTime) }) else {
                out.append(c)
                continue
            }
            do {
                let (ts, vs, sts) = try ChunkIterator.decodeAllWithStarts(c.bytes)
                var b = ChunkBuilder()
                for i in ts.indices where !isDeleted(ts[i], deleted) {
                    try b.append(ts[i], vs[i], startTimestamp: sts[i])
                }
                if b.count > 0 { out.append((b.encoded(), b.minTime, b.maxTime, b.count)) }
            } catch {
                throw .corrupt(path: "chunk of \(labels)", offset: 0, reason: "while applying deletions: \(error)")
            }
        }
        return out
    }
}
