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
    /// The buffer holds one chunk: timestamps strictly increase, no duplicates to drop.
    var bufferIsOneChunk = false
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

    /// Appends every remaining sample to `ts` and `vs`, a chunk's run at a time where it
    /// can (one chunk, no deleted ranges), sample by sample otherwise. Start timestamps
    /// go to `sts` (0 for none) once any sample has one, padded to `ts.count` then; it
    /// stays empty while none has. Check `error` afterwards.
    public mutating func drain(timestamps ts: inout [Int64], values vs: inout [Double], starts sts: inout [Int64]) {
        // Block chunks know their sample counts: size the arrays once instead of growing.
        var expected = 0
        for c in chunks[nextChunk...] where c.maxTime >= mint && c.minTime <= maxt { expected += c.knownSampleCount ?? 0 }
        ts.reserveCapacity(ts.count + expected)
        vs.reserveCapacity(vs.count + expected)
        while true {
            if bufferPos < bufferCount {
                guard bufferIsOneChunk && deleted.isEmpty else {
                    guard next() else { return }
                    let st = startTimestamp ?? 0
                    if st != 0 || !sts.isEmpty {
                        if sts.count < ts.count { sts.append(contentsOf: repeatElement(0, count: ts.count - sts.count)) }
                        sts.append(st)
                    }
                    ts.append(timestamp)
                    vs.append(value)
                    continue
                }
                let t = bufferTimestamps.unsafelyUnwrapped
                var lo = bufferPos
                var hi = bufferCount
                // One chunk's timestamps increase: when its first and last samples are in
                // range, all are (the usual case in a long scan), else find the run.
                if t[lo] < mint || (emittedAny && t[lo] <= lastEmitted) || t[hi - 1] > maxt {
                    // Binary searches: a short range query reads the end of a long chunk.
                    let (emitted, last) = (emittedAny, lastEmitted)
                    lo = Self.firstIndex(t, lo, bufferCount) { $0 >= mint && !(emitted && $0 <= last) }
                    hi = Self.firstIndex(t, lo, bufferCount) { $0 > maxt }
                }
                if hi < bufferCount { nextChunk = chunks.count }  // past maxt: nothing later is in range
                bufferPos = bufferCount
                guard hi > lo else { continue }
                // Start timestamps from the first sample that has one (padding before it).
                let firstStart = sts.isEmpty ? bufferStarts.isEmpty ? nil : bufferStarts[lo..<hi].firstIndex { ($0 ?? 0) != 0 } : lo
                if let j = firstStart {
                    sts.append(contentsOf: repeatElement(0, count: ts.count + (j - lo) - sts.count))
                    if bufferStarts.isEmpty {
                        sts.append(contentsOf: repeatElement(0, count: hi - j))
                    } else {
                        sts.append(contentsOf: bufferStarts[j..<hi].lazy.map { $0 ?? 0 })
                    }
                }
                ts.append(contentsOf: UnsafeBufferPointer(start: t + lo, count: hi - lo))
                vs.append(contentsOf: UnsafeBufferPointer(start: bufferValues.unsafelyUnwrapped + lo, count: hi - lo))
                timestamp = t[hi - 1]
                value = bufferValues.unsafelyUnwrapped[hi - 1]
                startTimestamp = bufferStarts.isEmpty ? nil : bufferStarts[hi - 1]
                lastEmitted = timestamp
                emittedAny = true
                continue
            }
            if let e = pendingError {
                error = e
                pendingError = nil
                return
            }
            guard error == nil, nextChunk < chunks.count else { return }
            loadNextGroup()
        }
    }

    /// The first index in `lo..<hi` whose timestamp satisfies `pred` (`hi` if none);
    /// `pred` must be false then true along the increasing timestamps.
    @inline(__always)
    static func firstIndex(_ t: UnsafeMutablePointer<Int64>, _ lo: Int, _ hi: Int, _ pred: (Int64) -> Bool) -> Int {
        var lo = lo, hi = hi
        while lo < hi {
            let mid = lo &+ (hi &- lo) / 2
            if pred(t[mid]) { hi = mid } else { lo = mid &+ 1 }
        }
        return lo
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
        bufferIsOneChunk = group.count == 1
        defer {
            let contents = buffer.contents  // one call: no exclusivity check per property
            bufferCount = contents.count
            bufferTimestamps = contents.timestamps
            bufferValues = contents.values
            bufferStarts = contents.startTimestamps
        }
        do {
            if group.count == 1 {
                currentChunk = group.lowerBound
                // Samples before mint are never read: the decoder may leave them out.
                if let e = try chunks[currentChunk].decode(appendingTo: buffer, from: mint) {
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
