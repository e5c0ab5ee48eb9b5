import TidemarkEncoding

/// Joins a series' adjacent small chunks into chunks of up to `limit` samples before
/// they are written to a block, where that makes them smaller.
///
/// The head cuts chunks small (`DBOptions.samplesPerChunk`) so appends and recent reads
/// stay cheap; a block is written once and read many times, and every chunk there costs
/// a header (first timestamp, first value, column widths) and an index entry whatever
/// its length. But a longer chunk is not always smaller: a decimal chunk needs *every*
/// value to be an exact decimal and one column width suits all its values, so joining a
/// decimal stretch to a noisy one can cost more than it saves. Each join is therefore
/// kept only if the joined chunk, in its smallest codec, is no larger than the parts
/// plus the index entry it saves. Chunks come out in their smallest codec
/// (`ChunkBuilder.recodeSmallest`); runs that cannot be joined (overlapping or
/// undecodable chunks) are kept as they are.
struct ChunkCoalescer {
    typealias Chunk = (bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)

    let limit: Int

    /// Roughly what one chunk's entry in the block index costs (times, sample count,
    /// page position, length as varints).
    static let indexEntryBytes = 12

    func coalesce(_ chunks: [Chunk]) -> [Chunk] {
        guard limit > 1, chunks.count > 1 else { return chunks.map(Self.smallest) }
        var out: [Chunk] = []
        out.reserveCapacity(chunks.count)
        var run: [Chunk] = []
        var runSamples = 0
        for c in chunks {
            if !run.isEmpty && (runSamples + c.samples > limit || c.minTime <= run[run.count - 1].maxTime) {
                out += join(run)
                run.removeAll(keepingCapacity: true)
                runSamples = 0
            }
            run.append(c)
            runSamples += c.samples
        }
        out += join(run)
        return out
    }

    static func smallest(_ c: Chunk) -> Chunk {
        (ChunkBuilder.recodeSmallest(c.bytes), c.minTime, c.maxTime, c.samples)
    }

    /// `run` (time-ordered, not overlapping, at most `limit` samples in all) as fewer
    /// chunks where joining neighbours saves bytes, each in its smallest codec.
    private func join(_ run: [Chunk]) -> [Chunk] {
        guard run.count > 1 else { return run.map(Self.smallest) }
        var ts: [Int64] = [], vs: [Double] = [], sts: [Int64?] = []
        var ends: [Int] = []  // where each part's samples end in ts/vs
        var withStarts = false
        do {
            for c in run {
                var it = try ChunkIterator(c.bytes)
                withStarts = withStarts || it.hasStartTimestamps
                while it.next() {
                    ts.append(it.timestamp)
                    vs.append(it.value)
                    sts.append(it.startTimestamp)
                }
                if let e = it.error { throw e }
                ends.append(ts.count)
            }
        } catch {
            return run.map(Self.smallest)
        }
        var out: [Chunk] = []
        var current = Self.smallest(run[0])
        var currentStart = 0
        for i in 1..<run.count {
            let next = Self.smallest(run[i])
            guard let joined = Self.encode(ts, vs, withStarts ? sts : nil, currentStart..<ends[i]),
                  joined.bytes.count <= current.bytes.count + next.bytes.count + Self.indexEntryBytes
            else {
                out.append(current)
                current = next
                currentStart = ends[i - 1]
                continue
            }
            current = joined
        }
        out.append(current)
        return out
    }

    /// The samples in `range` as one chunk in its smallest codec; nil if they do not
    /// form a valid chunk (timestamps out of order).
    private static func encode(_ ts: [Int64], _ vs: [Double], _ sts: [Int64?]?, _ range: Range<Int>) -> Chunk? {
        guard let first = ts[range].first, let last = ts[range].last else { return nil }
        if let sts {
            var b = ChunkBuilder()
            for i in range {
                do { try b.append(ts[i], vs[i], startTimestamp: sts[i]) } catch { return nil }
            }
            return (ChunkBuilder.recodeSmallest(b.encoded()), first, last, range.count)
        }
        guard let bytes = try? ChunkBuilder.encodeSmallest(timestamps: Array(ts[range]), values: Array(vs[range])) else { return nil }
        return (bytes, first, last, range.count)
    }
}
