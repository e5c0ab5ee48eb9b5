import TidemarkEncoding

/// Iterates a series' samples across its chunks in time order, restricted to
/// [mint, maxt]. Chunks that overlap (from overlapping blocks) are merged, and a
/// timestamp seen twice yields one sample (the one from the chunk listed first).
public struct SeriesIterator {
    let chunks: [ChunkHandle]
    let mint: Int64
    let maxt: Int64
    var nextChunk = 0
    var current: ChunkIterator?
    /// Index of the chunk being read, for error messages.
    var currentChunk = 0
    var currentLocation: String { currentChunk < chunks.count ? chunks[currentChunk].location : "chunk" }
    var merged: [Sample] = []
    var mergedPos = 0
    var lastEmitted: Int64 = .min
    var emittedAny = false
    /// The current sample after `next()` returned true.
    public private(set) var timestamp: Int64 = 0
    public private(set) var value: Double = 0
    /// Set when a chunk could not be read or decoded; iteration stops there.
    public private(set) var error: StorageError?

    init(chunks: [ChunkHandle], mint: Int64, maxt: Int64) {
        self.chunks = chunks
        self.mint = mint
        self.maxt = maxt
    }

    @inline(__always)
    private mutating func accept(_ t: Int64, _ v: Double) -> Bool {
        if t < mint || (emittedAny && t <= lastEmitted) { return false }
        timestamp = t
        value = v
        lastEmitted = t
        emittedAny = true
        return true
    }

    /// Advances to the next sample; false at the end or on error.
    public mutating func next() -> Bool {
        while true {
            if current != nil {
                while current!.next() {
                    let t = current!.timestamp
                    if t > maxt { break }
                    if accept(t, current!.value) { return true }
                }
                if let e = current!.error {
                    error = .corrupt(path: currentLocation, offset: 0, reason: e.description)
                    return false
                }
                current = nil
            }
            while mergedPos < merged.count {
                let s = merged[mergedPos]
                mergedPos += 1
                if s.timestamp > maxt { mergedPos = merged.count; break }
                if accept(s.timestamp, s.value) { return true }
            }
            guard error == nil, nextChunk < chunks.count else { return false }
            if !loadNextGroup() { return false }
        }
    }

    /// Moves to the first sample at or after `t`.
    public mutating func seek(to t: Int64) -> Bool {
        if emittedAny && timestamp >= t { return true }
        // Skip whole chunks that end before t.
        if current == nil && mergedPos >= merged.count {
            while nextChunk < chunks.count && chunks[nextChunk].maxTime < t { nextChunk += 1 }
        }
        while self.next() {
            if timestamp >= t { return true }
        }
        return false
    }

    private mutating func loadNextGroup() -> Bool {
        var end = nextChunk + 1
        var groupMax = chunks[nextChunk].maxTime
        while end < chunks.count && chunks[end].minTime <= groupMax {
            groupMax = max(groupMax, chunks[end].maxTime)
            end += 1
        }
        defer { nextChunk = end }
        do {
            if end - nextChunk == 1 {
                currentChunk = nextChunk
                current = try ChunkIterator(chunks[nextChunk].load())
                return true
            }
            var all: [(Sample, Int)] = []
            for i in nextChunk..<end {
                currentChunk = i
                let (ts, vs) = try ChunkIterator.decodeAll(chunks[i].load())
                for j in ts.indices { all.append((Sample(ts[j], vs[j]), i)) }
            }
            // Stable by source order so the first-listed chunk wins a duplicate timestamp.
            all.sort { $0.0.timestamp != $1.0.timestamp ? $0.0.timestamp < $1.0.timestamp : $0.1 < $1.1 }
            merged = all.map(\.0)
            mergedPos = 0
            return true
        } catch let e as StorageError {
            error = e
        } catch {
            self.error = .corrupt(path: currentLocation, offset: 0, reason: "\(error)")
        }
        return false
    }
}
