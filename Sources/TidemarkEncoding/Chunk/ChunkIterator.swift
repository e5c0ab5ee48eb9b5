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
    /// Set for an XOR chunk: where its columns are.
    @usableFromInline let xor: XORLayout?
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
            xor = nil
            timestamps = TimestampDecoder([], count: 0)
            values = XORValueDecoder([], count: 0)
            startTimestamps = []
        case .xorColumnsWithStart:
            let layout = try XORLayout(bytes, start: start, end: end, withStarts: true)
            count = layout.count
            timestamps = TimestampDecoder(bytes, start: layout.timestamps.lowerBound, end: layout.timestamps.upperBound, count: count)
            values = XORValueDecoder(bytes, start: layout.values.lowerBound, end: layout.values.upperBound, count: count)
            xor = layout
            // The start column is relative to the timestamps: decode them once up front.
            let n = layout.count
            var ts = [Int64](repeating: 0, count: n)
            let decoded = n == 0 ? 0 : ts.withUnsafeMutableBufferPointer { tp in
                bytes.withUnsafeBytes { raw in
                    TimestampDecoder.decodeColumn(
                        BitCursor(raw, start: layout.timestamps.lowerBound, end: layout.timestamps.upperBound),
                        into: tp.baseAddress.unsafelyUnwrapped, count: n)
                }
            }
            guard decoded == n else { throw .corrupt("timestamp column ended after \(decoded) of \(n) samples") }
            startTimestamps = try StartColumn.decode(bytes, start: layout.values.upperBound, end: end, timestamps: ts)
        case .xorColumns:
            let layout = try XORLayout(bytes, start: start, end: end, withStarts: false)
            count = layout.count
            timestamps = TimestampDecoder(bytes, start: layout.timestamps.lowerBound, end: layout.timestamps.upperBound, count: count)
            values = XORValueDecoder(bytes, start: layout.values.lowerBound, end: layout.values.upperBound, count: count)
            xor = layout
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
        if let layout = xor, produced == 0 && n == count {
            // A whole XOR chunk: both columns straight from the bytes, no decoder state.
            let k = Self.decodeXOR(bytes, layout, timestamps: ts0, values: vs0)
            produced = k
            if k > 0 {
                timestamps._value = ts0[k - 1]
                values.bits = vs0[k - 1].bitPattern
            }
            if k < n { _ = columnEnded() }
            return k
        }
        var i = 0
        if decimal == nil {
            // XOR columns: each column's bulk loop over the whole run (`produced < count`
            // bounds both, which were created with `count`). A damaged column ends the
            // run at its first bad sample.
            let k = timestamps.decodeBulk(into: ts0, count: n)
            let m = k > 0 ? values.decodeBulk(into: vs0, count: k) : 0
            produced &+= m
            if m < n { _ = columnEnded() }
            return m
        }
        while i < n && next() {
            ts0[i] = timestamp
            vs0[i] = value
            i += 1
        }
        return i
    }

    /// Decodes both columns of a whole XOR chunk into `ts` and `vs` (room for
    /// `layout.count` samples each); returns how many samples it wrote, fewer than
    /// `layout.count` if a column ended early or held an invalid code.
    @inlinable
    static func decodeXOR(
        _ bytes: [UInt8], _ layout: XORLayout, timestamps ts: UnsafeMutablePointer<Int64>, values vs: UnsafeMutablePointer<Double>
    ) -> Int {
        bytes.withUnsafeBytes { raw in
            let n = layout.count
            let k = TimestampDecoder.decodeColumn(
                BitCursor(raw, start: layout.timestamps.lowerBound, end: layout.timestamps.upperBound), into: ts, count: n)
            guard k > 0 else { return 0 }
            return XORValueDecoder.decodeColumn(
                BitCursor(raw, start: layout.values.lowerBound, end: layout.values.upperBound), into: vs, count: k)
        }
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

/// Where the columns of an XOR chunk (`xorColumns`, `xorColumnsWithStart`) are, from its
/// header; parsing it checks the header as `ChunkIterator.init` does.
@usableFromInline
struct XORLayout: Sendable {
    @usableFromInline let count: Int
    @usableFromInline let timestamps: Range<Int>
    /// The value column; for `xorColumnsWithStart` the start column follows it, to the
    /// chunk's end.
    @usableFromInline let values: Range<Int>

    /// Parses the header of the chunk `bytes[start..<end]` (encoding byte included).
    @usableFromInline
    init(_ bytes: [UInt8], start: Int, end: Int, withStarts: Bool) throws(ChunkError) {
        var pos = start + 1
        guard let n = ByteVarint.read(bytes, &pos, end), let tsLen = ByteVarint.read(bytes, &pos, end) else {
            throw .corrupt("truncated header")
        }
        if withStarts {
            guard let vsLen = ByteVarint.read(bytes, &pos, end) else { throw .corrupt("truncated header") }
            guard n <= UInt64(end - start) * 16, tsLen <= UInt64(end - pos), vsLen <= UInt64(end - pos) - tsLen else {
                throw .corrupt("header declares \(n) samples / \(tsLen) + \(vsLen) column bytes in \(end - start) bytes")
            }
            timestamps = pos..<pos + Int(tsLen)
            values = timestamps.upperBound..<timestamps.upperBound + Int(vsLen)
        } else {
            // Each sample takes at least 1 bit per column; reject absurd counts early.
            guard n <= UInt64(end - start) * 16, tsLen <= UInt64(end - pos) else {
                throw .corrupt("header declares \(n) samples / \(tsLen) timestamp bytes in \(end - start) bytes")
            }
            timestamps = pos..<pos + Int(tsLen)
            values = timestamps.upperBound..<end
        }
        count = Int(n)
    }
}
