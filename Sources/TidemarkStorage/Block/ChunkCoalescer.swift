import TidemarkEncoding

/// Joins a series' adjacent small chunks into chunks of up to `limit` samples before
/// they are written to a block.
///
/// The head cuts chunks small (`DBOptions.samplesPerChunk`) so appends and recent reads
/// stay cheap; a block is written once and read many times, and every chunk there costs
/// a header (first timestamp, first value, column widths) and an index entry whatever
/// its length. Runs of adjacent chunks whose samples add up to at most `limit` are
/// decoded and encoded again as one; a chunk that is already large enough, and any run
/// that cannot be joined (which would mean timestamps out of order), is kept as it is.
struct ChunkCoalescer {
    typealias Chunk = (bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)

    let limit: Int

    func coalesce(_ chunks: [Chunk]) -> [Chunk] {
        guard limit > 1, chunks.count > 1 else { return chunks }
        var out: [Chunk] = []
        out.reserveCapacity(chunks.count)
        var run: [Chunk] = []
        var runSamples = 0
        for c in chunks {
            if !run.isEmpty && (runSamples + c.samples > limit || c.minTime <= run[run.count - 1].maxTime) {
                out += Self.join(run)
                run.removeAll(keepingCapacity: true)
                runSamples = 0
            }
            run.append(c)
            runSamples += c.samples
        }
        out += Self.join(run)
        return out
    }

    /// One chunk holding every sample of `run` (time-ordered, not overlapping), or `run`
    /// unchanged if it has one chunk or any of them does not decode.
    private static func join(_ run: [Chunk]) -> [Chunk] {
        guard run.count > 1 else { return run }
        var builder = ChunkBuilder()
        do {
            for c in run {
                var it = try ChunkIterator(c.bytes)
                while it.next() { try builder.append(it.timestamp, it.value, startTimestamp: it.startTimestamp) }
                if let e = it.error { throw e }
            }
        } catch {
            return run
        }
        return [(builder.encoded(), builder.minTime, builder.maxTime, builder.count)]
    }
}
