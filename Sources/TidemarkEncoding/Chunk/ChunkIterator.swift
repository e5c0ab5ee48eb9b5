/// Iterates the samples of one encoded chunk, whatever its codec.
///
/// Construction validates the header; `next()` returns false at the end, and `error`
/// says whether the end was real or the columns were corrupt. `decode(timestamps:values:)`
/// reads many samples at once, which is much faster for `decimalPacked` chunks.
public struct ChunkIterator: Sendable {
    /// XOR chunks decode sample by sample through these; for other codecs they only hold
    /// the current sample (`timestamp`, `value`).
    @usableFromInline var timestamps: TimestampDecoder
    @usableFromInline var values: XORValueDecoder
    /// Set for a `decimalPacked` chunk: where its columns are.
    @usableFromInline var decimal: DecimalChunk.Header?
    @usableFromInline let bytes: [UInt8]
    /// A decimal chunk's samples, decoded on the first `next()`.
    @usableFromInline var bufferedTimestamps: [Int64] = []
    @usableFromInline var bufferedValues: [Double] = []
    /// An `xorColumnsWithStart` chunk's start timestamps, one per sample (decoded by
    /// `init`); empty for other codecs.
    public let startTimestamps: [Int64?]
    /// True for a chunk that carries start timestamps (encoding 0x03).
    public var hasStartTimestamps: Bool { !startTimestamps.isEmpty }
    /// Number of samples the header declares.
    public let count: Int
    @usableFromInline var produced = 0
    /// Set when a column ended early or held an invalid code.
    public var error: ChunkError? { _error }
    @usableFromInline var _error: ChunkError?

    /// The current sample after a successful `next()`.
    @inlinable public var timestamp: Int64 { timestamps.value }
    @inlinable public var value: Double { values.value }
    /// The current sample's start timestamp (nil when it has none).
    public var startTimestamp: Int64? { produced > 0 && produced <= startTimestamps.count ? startTimestamps[produced - 1] : nil }

    /// Parses the header of `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) throws(ChunkError) {
        let end = min(end ?? bytes.count, bytes.count)
        guard start >= 0 else { throw .corrupt("chunk starts at negative offset \(start)") }
        guard start < end else { throw .corrupt("empty chunk") }
        guard let encoding = ChunkEncoding(rawValue: bytes[start]) else {
            throw .unknownEncoding(bytes[start])
        }
        self.bytes = bytes
        switch encoding {
        case .decimalPacked, .decimalRice:
            var pos = start + 1
            guard let n = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("truncated header") }
            // Packed fields may be 0 bits wide, so the chunk's size does not bound its
            // count: cap it by what decoding may allocate instead.
            guard n <= UInt64(Self.maxSamples) else { throw .corrupt("header declares \(n) samples") }
            count = Int(n)
            decimal = DecimalChunk.Header(columns: pos, end: end, rice: encoding == .decimalRice)
            timestamps = TimestampDecoder([], count: 0)
            values = XORValueDecoder([], count: 0)
            startTimestamps = []
        case .xorColumnsWithStart:
            var pos = start + 1
            guard let n = ByteVarint.read(bytes, &pos, end), let tsLen = ByteVarint.read(bytes, &pos, end),
                  let vsLen = ByteVarint.read(bytes, &pos, end)
            else { throw .corrupt("truncated header") }
            guard n <= UInt64(end - start) * 16, tsLen <= UInt64(end - pos), vsLen <= UInt64(end - pos) - tsLen else {
                throw .corrupt("header declares \(n) samples / \(tsLen) + \(vsLen) column bytes in \(end - start) bytes")
            }
            count = Int(n)
            let tsEnd = pos + Int(tsLen)
            let vsEnd = tsEnd + Int(vsLen)
            timestamps = TimestampDecoder(bytes, start: pos, end: tsEnd, count: count)
            values = XORValueDecoder(bytes, start: tsEnd, end: vsEnd, count: count)
            // The start column is relative to the timestamps: decode them once up front.
            var times = TimestampDecoder(bytes, start: pos, end: tsEnd, count: count)
            var ts: [Int64] = []
            ts.reserveCapacity(count)
            while times.next() { ts.append(times.value) }
            guard ts.count == count else { throw .corrupt("timestamp column ended after \(ts.count) of \(count) samples") }
            startTimestamps = try StartColumn.decode(bytes, start: vsEnd, end: end, timestamps: ts)
        case .xorColumns:
            var pos = start + 1
            guard let n = ByteVarint.read(bytes, &pos, end), let tsLen = ByteVarint.read(bytes, &pos, end) else {
                throw .corrupt("truncated header")
            }
            // Each sample takes at least 1 bit per column; reject absurd counts early.
            guard n <= UInt64(end - start) * 16, tsLen <= UInt64(end - pos) else {
                throw .corrupt("header declares \(n) samples / \(tsLen) timestamp bytes in \(end - start) bytes")
            }
            count = Int(n)
            let tsEnd = pos + Int(tsLen)
            timestamps = TimestampDecoder(bytes, start: pos, end: tsEnd, count: count)
            values = XORValueDecoder(bytes, start: tsEnd, end: end, count: count)
            startTimestamps = []
        }
    }

    /// The most samples a chunk may declare: far above any real chunk (the head cuts at
    /// a few hundred), low enough that decoding a damaged header allocates little.
    public static let maxSamples = 1 << 16

    /// Advances to the next sample.
    @inlinable @inline(__always)
    public mutating func next() -> Bool {
        guard produced < count else { return false }
        if _slowPath(decimal != nil) { return nextBuffered() }
        // `produced < count` bounds both columns, which were created with `count`.
        guard timestamps.decodeNext(), values.decodeNext() else { return columnEnded() }
        produced &+= 1
        return true
    }

    /// A column ran out or held an invalid code: records the error, ends iteration.
    @usableFromInline mutating func columnEnded() -> Bool {
        if _error == nil { _error = .corrupt("column ended after \(produced) of \(count) samples") }
        produced = count
        return false
    }

    /// `next()` for a decimal chunk: decodes the whole chunk on the first call, then
    /// steps through it, parking the current sample in the XOR decoders' value fields.
    @usableFromInline mutating func nextBuffered() -> Bool {
        if bufferedTimestamps.isEmpty, let header = decimal {
            var ts = [Int64](repeating: 0, count: count)
            var vs = [Double](repeating: 0, count: count)
            do throws(ChunkError) {
                try ts.withUnsafeMutableBufferPointer { (tp) throws(ChunkError) in
                    try vs.withUnsafeMutableBufferPointer { (vp) throws(ChunkError) in
                        try DecimalChunk.decode(bytes, header, count: count,
                                                timestamps: tp.baseAddress!, values: vp.baseAddress!)
                    }
                }
            } catch {
                _error = error
                produced = count
                return false
            }
            bufferedTimestamps = ts
            bufferedValues = vs
        }
        timestamps._value = bufferedTimestamps[produced]
        values.bits = bufferedValues[produced].bitPattern
        produced &+= 1
        return true
    }

    /// Decodes up to `min(ts.count, vs.count)` further samples into the buffers and
    /// returns how many it wrote; fewer than asked before the end means the chunk is
    /// damaged, and `error` says how. May be mixed with `next()`.
    public mutating func decode(
        timestamps ts: UnsafeMutableBufferPointer<Int64>, values vs: UnsafeMutableBufferPointer<Double>
    ) -> Int {
        let n = min(ts.count, vs.count, count &- produced)
        guard n > 0, let ts0 = ts.baseAddress, let vs0 = vs.baseAddress else { return 0 }
        if let header = decimal, produced == 0 && bufferedTimestamps.isEmpty && n == count {
            // A whole decimal chunk goes straight into the caller's buffers.
            do throws(ChunkError) {
                try DecimalChunk.decode(bytes, header, count: count, timestamps: ts0, values: vs0)
            } catch {
                _error = error
                produced = count
                return 0
            }
            produced = count
            timestamps._value = ts0[n - 1]
            values.bits = vs0[n - 1].bitPattern
            return n
        }
        var i = 0
        if decimal == nil {
            // XOR columns: the loop of `next()` without its per-sample dispatch.
            while i < n {
                guard timestamps.decodeNext(), values.decodeNext() else {
                    produced &+= i
                    _ = columnEnded()
                    return i
                }
                ts0[i] = timestamps._value
                vs0[i] = Double(bitPattern: values.bits)
                i &+= 1
            }
            produced &+= i
            return i
        }
        while i < n && next() {
            ts0[i] = timestamp
            vs0[i] = value
            i += 1
        }
        return i
    }

    /// Samples not yet produced.
    @inlinable public var remaining: Int { count &- produced }

    /// Decodes every sample not yet read and appends them to `ts` and `vs`, which keep
    /// their capacity (callers reuse them across chunks to avoid allocating).
    public mutating func decodeRemaining(appendingTo ts: inout [Int64], _ vs: inout [Double]) {
        let n = count &- produced
        guard n > 0 else { return }
        let tsBase = ts.count
        let vsBase = vs.count
        ts.append(contentsOf: repeatElement(0, count: n))
        vs.append(contentsOf: repeatElement(0, count: n))
        let k = ts.withUnsafeMutableBufferPointer { tp in
            vs.withUnsafeMutableBufferPointer { vp in
                decode(timestamps: UnsafeMutableBufferPointer(rebasing: tp[tsBase...]),
                       values: UnsafeMutableBufferPointer(rebasing: vp[vsBase...]))
            }
        }
        if k < n {
            ts.removeLast(n &- k)
            vs.removeLast(n &- k)
        }
    }

    /// Decodes every sample, throwing on corruption.
    public static func decodeAll(_ bytes: [UInt8]) throws(ChunkError) -> (timestamps: [Int64], values: [Double]) {
        let all = try decodeAllWithStarts(bytes)
        return (all.timestamps, all.values)
    }

    /// Decodes every sample with its start timestamp (all nil unless the chunk is
    /// `xorColumnsWithStart`), throwing on corruption.
    public static func decodeAllWithStarts(_ bytes: [UInt8]) throws(ChunkError) -> (timestamps: [Int64], values: [Double], starts: [Int64?]) {
        var it = try ChunkIterator(bytes)
        var ts: [Int64] = []
        var vs: [Double] = []
        it.decodeRemaining(appendingTo: &ts, &vs)
        if let e = it.error { throw e }
        return (ts, vs, it.hasStartTimestamps ? it.startTimestamps : [Int64?](repeating: nil, count: ts.count))
    }
}
