/// Reusable memory for decoding whole chunks: a timestamp array and a value array side by
/// side, grown as needed and never shrunk, so a reader that walks many chunks allocates
/// once instead of per chunk (and never zero-fills what the decoder overwrites).
public final class SampleBuffer {
    // `@exclusivity(unchecked)`: readers touch these once per sample, and the dynamic
    // exclusivity check Swift does on class properties cost more than the decode itself
    // (callgrind: swift_beginAccess was 40 % of select + iterate). The class is not
    // Sendable and is only used by one iterator at a time.
    /// Number of samples held.
    @exclusivity(unchecked) public private(set) var count = 0
    @exclusivity(unchecked) public private(set) var capacity: Int
    /// `timestamps[0..<count]` and `values[0..<count]` are the samples.
    @exclusivity(unchecked) public private(set) var timestamps: UnsafeMutablePointer<Int64>
    @exclusivity(unchecked) public private(set) var values: UnsafeMutablePointer<Double>
    /// Start timestamps parallel to `timestamps`, kept only once some sample has one
    /// (then `startTimestamps.count == count`); empty otherwise.
    @exclusivity(unchecked) public private(set) var startTimestamps: [Int64?] = []
    public var hasStartTimestamps: Bool { !startTimestamps.isEmpty }

    /// Everything a reader copies out after a load, in one call: read from another
    /// module, each of these properties would cost a dynamic exclusivity check
    /// (`@exclusivity(unchecked)` only holds inside this one).
    public var contents: (count: Int, timestamps: UnsafeMutablePointer<Int64>, values: UnsafeMutablePointer<Double>, startTimestamps: [Int64?]) {
        (count, timestamps, values, startTimestamps)
    }

    public init(capacity: Int = 256) {
        self.capacity = max(1, capacity)
        timestamps = .allocate(capacity: self.capacity)
        values = .allocate(capacity: self.capacity)
    }

    deinit {
        timestamps.deallocate()
        values.deallocate()
    }

    /// Empties the buffer, keeping its memory.
    public func removeAll() {
        count = 0
        startTimestamps.removeAll(keepingCapacity: true)
    }

    /// Appends one sample.
    public func append(_ t: Int64, _ v: Double, startTimestamp st: Int64? = nil) {
        reserve(count + 1)
        timestamps[count] = t
        values[count] = v
        appendStarts(CollectionOfOne(st), present: st != nil)
        count += 1
    }

    /// Records the start timestamps of samples about to be counted from `count` on,
    /// padding earlier samples with nil the first time one is present.
    private func appendStarts<C: Collection>(_ sts: C, present: Bool) where C.Element == Int64? {
        guard present || hasStartTimestamps else { return }
        if startTimestamps.count < count {
            startTimestamps.append(contentsOf: repeatElement(nil, count: count - startTimestamps.count))
        }
        startTimestamps.append(contentsOf: sts)
    }

    /// Appends every sample `chunk` has not yet produced; returns how many. Fewer than
    /// `chunk.count` remaining means the chunk is damaged and `chunk.error` says how.
    @discardableResult
    public func append(remainingOf chunk: inout ChunkIterator) -> Int {
        let n = chunk.remaining
        let first = chunk.count - n
        reserve(count + n)
        let k = chunk.decode(
            timestamps: UnsafeMutableBufferPointer(start: timestamps + count, count: n),
            values: UnsafeMutableBufferPointer(start: values + count, count: n))
        if chunk.hasStartTimestamps {
            appendStarts(chunk.startTimestamps[first..<first + k], present: true)
        } else {
            appendStarts(repeatElement(nil, count: k), present: false)
        }
        count += k
        return k
    }

    /// Appends every sample of the chunk `bytes[start..<end]` (nil: to the end of the
    /// array), decoded straight into the buffer: `xorColumns`, `decimalPacked` and `decimalRice`
    /// chunks without making a `ChunkIterator`. Samples before `from` may be left out
    /// (decimal chunks skip them for less than the cost of decoding them). Throws if the
    /// header is damaged (nothing appended); returns the error of a column that ended
    /// early or held an invalid code, after appending the samples before it.
    public func append(chunk bytes: [UInt8], start: Int = 0, end: Int? = nil, from: Int64 = .min) throws(ChunkError) -> ChunkError? {
        let end = min(end ?? bytes.count, bytes.count)
        guard start >= 0, start < end else {
            var it = try ChunkIterator(bytes, start: start, end: end)  // throws the iterator's error
            append(remainingOf: &it)
            return it.error
        }
        switch bytes[start] {
        case ChunkEncoding.xorColumns.rawValue:
            let layout = try XORLayout(bytes, start: start, end: end, withStarts: false)
            reserve(count + layout.count)
            let k = ChunkIterator.decodeXOR(bytes, layout, timestamps: timestamps + count, values: values + count)
            appendStarts(repeatElement(nil, count: k), present: false)
            count += k
            return k < layout.count ? .corrupt("column ended after \(k) of \(layout.count) samples") : nil
        case ChunkEncoding.decimalPacked.rawValue, ChunkEncoding.decimalRice.rawValue:
            let rice = bytes[start] == ChunkEncoding.decimalRice.rawValue
            var pos = start + 1
            guard let n = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("truncated header") }
            guard n <= UInt64(ChunkIterator.maxSamples) else { throw .corrupt("header declares \(n) samples") }
            reserve(count + Int(n))
            let skipped: Int
            do throws(ChunkError) {
                skipped = try DecimalChunk.decode(bytes, DecimalChunk.Header(columns: pos, end: end, rice: rice), count: Int(n),
                                                  timestamps: timestamps + count, values: values + count, from: from)
            } catch {
                return error  // a damaged decimal chunk yields no samples, as from ChunkIterator
            }
            appendStarts(repeatElement(nil, count: Int(n) - skipped), present: false)
            count += Int(n) - skipped
            return nil
        default:
            var it = try ChunkIterator(bytes, start: start, end: end)
            append(remainingOf: &it)
            return it.error
        }
    }

    /// Makes room for `n` samples in all, keeping the contents.
    public func reserve(_ n: Int) {
        guard n > capacity else { return }
        let newCapacity = max(n, capacity * 2)
        let t = UnsafeMutablePointer<Int64>.allocate(capacity: newCapacity)
        let v = UnsafeMutablePointer<Double>.allocate(capacity: newCapacity)
        t.update(from: timestamps, count: count)
        v.update(from: values, count: count)
        timestamps.deallocate()
        values.deallocate()
        timestamps = t
        values = v
        capacity = newCapacity
    }
}
