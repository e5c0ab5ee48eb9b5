import TidemarkEncoding

/// Iterates a series' samples across its chunks in time order, restricted to
/// [mint, maxt]. Chunks that overlap (from overlapping blocks) are merged, and a
/// timestamp seen twice yields one sample (the one from the chunk listed first).
public struct SeriesIterator {
    let chunks: [ChunkHandle]
    let mint: Int64
    let maxt: Int64
    var nextChunk = 0
    /// Index of the chunk being read, for error messages.
    var currentChunk = 0
    var currentLocation: String { currentChunk < chunks.count ? chunks[currentChunk].location : "chunk" }
    /// The samples of the current chunk (or merged group of overlapping chunks), decoded
    /// a whole chunk at a time; the arrays keep their capacity from chunk to chunk.
    let buffer = SampleBuffer()
    var bufferPos = 0
    /// The buffer's contents after the last load, copied into the struct: reading a class
    /// property per sample costs a dynamic exclusivity check.
    var bufferCount = 0
    var bufferTimestamps: UnsafeMutablePointer<Int64>?
    var bufferValues: UnsafeMutablePointer<Double>?
    var bufferStarts: [Int64?] = []
    /// A damaged chunk's error, reported once the samples decoded before it are read.
    var pendingError: StorageError?
    var lastEmitted: Int64 = .min
    var emittedAny = false
    /// The current sample after `next()` returned true.
    public private(set) var timestamp: Int64 = 0
    public private(set) var value: Double = 0
    /// The current sample's start timestamp, nil when it has none.
    public private(set) var startTimestamp: Int64?
    /// Set when a chunk could not be read or decoded; iteration stops there.
    public private(set) var error: StorageError?

    /// Deleted ranges (tombstones) to skip.
    let deleted: [ClosedRange<Int64>]

    init(chunks: [ChunkHandle], mint: Int64, maxt: Int64, deleted: [ClosedRange<Int64>] = []) {
        self.chunks = chunks
        self.mint = mint
        self.maxt = maxt
        self.deleted = deleted
    }

    /// Advances to the next sample; false at the end or on error.
    public mutating func next() -> Bool {
        while true {
            while bufferPos < bufferCount {
                let t = bufferTimestamps.unsafelyUnwrapped[bufferPos]
                if t > maxt {
                    // Chunks are in time order: nothing later can be in range.
                    bufferPos = bufferCount
                    nextChunk = chunks.count
                    break
                }
                let v = bufferValues.unsafelyUnwrapped[bufferPos]
                let i = bufferPos
                bufferPos += 1
                if t < mint || (emittedAny && t <= lastEmitted) { continue }
                if _slowPath(!deleted.isEmpty) && isDeleted(t, deleted) { continue }
                timestamp = t
                value = v
                startTimestamp = bufferStarts.isEmpty ? nil : bufferStarts[i]
                lastEmitted = t
                emittedAny = true
                return true
            }
            if let e = pendingError {
                error = e
                pendingError = nil
                return false
            }
            guard error == nil, nextChunk < chunks.count else { return false }
            loadNextGroup()
        }
    }

    /// Moves to the first sample at or after `t`.
    public mutating func seek(to t: Int64) -> Bool {
        if emittedAny && timestamp >= t { return true }
        // Skip whole chunks that end before t.
        if bufferPos >= bufferCount {
            while nextChunk < chunks.count && chunks[nextChunk].maxTime < t { nextChunk += 1 }
        }
        while self.next() {
            if timestamp >= t { return true }
        }
        return false
    }

    /// Decodes the next chunk, or the next group of chunks that overlap in time (from
    /// overlapping blocks) merged by timestamp, into the buffers.
    private mutating func loadNextGroup() {
        var end = nextChunk + 1
        var groupMax = chunks[nextChunk].maxTime
        while end < chunks.count && chunks[end].minTime <= groupMax {
            groupMax = max(groupMax, chunks[end].maxTime)
            end += 1
        }
        let group = nextChunk..<end
        nextChunk = end
        buffer.removeAll()
        bufferPos = 0
        defer {
            bufferCount = buffer.count
            bufferTimestamps = buffer.timestamps
            bufferValues = buffer.values
            bufferStarts = buffer.startTimestamps
        }
        do {
            if group.count == 1 {
                currentChunk = group.lowerBound
                var it = try ChunkIterator(chunks[currentChunk].load())
                buffer.append(remainingOf: &it)
                if let e = it.error {
                    pendingError = .corrupt(path: currentLocation, offset: 0, reason: e.description)
                }
                return
            }
            var all: [(Sample, Int64?, Int)] = []
            for i in group {
                currentChunk = i
                let (ts, vs, sts) = try ChunkIterator.decodeAllWithStarts(chunks[i].load())
                for j in ts.indices { all.append((Sample(ts[j], vs[j]), sts[j], i)) }
            }
            // Stable by source order so the first-listed chunk wins a duplicate timestamp.
            all.sort { $0.0.timestamp != $1.0.timestamp ? $0.0.timestamp < $1.0.timestamp : $0.2 < $1.2 }
            for (s, st, _) in all { buffer.append(s.timestamp, s.value, startTimestamp: st) }
        } catch let e as StorageError {
            pendingError = e
        } catch {
            pendingError = .corrupt(path: currentLocation, offset: 0, reason: "\(error)")
        }
    }
}
