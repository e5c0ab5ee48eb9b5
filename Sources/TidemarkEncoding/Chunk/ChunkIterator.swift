/// Iterates the samples of one encoded chunk.
///
/// Construction validates the header; `next()` returns false at the end, and `error`
/// says whether the end was real or the columns were corrupt.
public struct ChunkIterator: Sendable {
    @usableFromInline var timestamps: TimestampDecoder
    @usableFromInline var values: XORValueDecoder
    /// Number of samples the header declares.
    public let count: Int
    @usableFromInline var produced = 0
    /// Set when a column ended early or held an invalid code.
    public var error: ChunkError? { _error }
    @usableFromInline var _error: ChunkError?

    /// The current sample after a successful `next()`.
    @inlinable public var timestamp: Int64 { timestamps.value }
    @inlinable public var value: Double { values.value }

    /// Parses the header of `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) throws(ChunkError) {
        let end = min(end ?? bytes.count, bytes.count)
        guard start >= 0 else { throw .corrupt("chunk starts at negative offset \(start)") }
        guard start < end else { throw .corrupt("empty chunk") }
        guard let encoding = ChunkEncoding(rawValue: bytes[start]) else {
            throw .unknownEncoding(bytes[start])
        }
        switch encoding {
        case .xorColumns:
            var pos = start + 1
            guard let n = Self.uvarint(bytes, &pos, end), let tsLen = Self.uvarint(bytes, &pos, end) else {
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
        }
    }

    static func uvarint(_ b: [UInt8], _ pos: inout Int, _ end: Int) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while pos < end && shift < 64 {
            let byte = b[pos]
            pos += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }

    /// Advances to the next sample.
    @inlinable @inline(__always)
    public mutating func next() -> Bool {
        guard produced < count else { return false }
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

    /// Decodes every sample, throwing on corruption.
    public static func decodeAll(_ bytes: [UInt8]) throws(ChunkError) -> (timestamps: [Int64], values: [Double]) {
        var it = try ChunkIterator(bytes)
        var ts: [Int64] = []
        var vs: [Double] = []
        ts.reserveCapacity(it.count)
        vs.reserveCapacity(it.count)
        while it.next() {
            ts.append(it.timestamp)
            vs.append(it.value)
        }
        if let e = it.error { throw e }
        return (ts, vs)
    }
}
