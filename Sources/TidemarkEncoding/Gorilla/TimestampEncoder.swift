/// Delta-of-delta timestamp column, Gorilla style, with buckets sized for millisecond
/// timestamps scraped at a fixed interval with a little jitter.
///
/// Layout (see docs/format/chunk.md): the first timestamp as a zig-zag varint, the
/// first delta as a varint, then for each later sample the delta-of-delta `dod`:
///
/// | prefix  | payload           | range of dod           |
/// |---------|-------------------|------------------------|
/// | `0`     | —                 | 0                      |
/// | `10`    | 8-bit two's compl | −127 … 128             |
/// | `110`   | 14 bits           | −8191 … 8192           |
/// | `1110`  | 20 bits           | −524287 … 524288       |
/// | `11110` | 32 bits           | −2³¹+1 … 2³¹           |
/// | `11111` | 64 bits           | anything               |
///
/// Deltas and dods are computed with wrapping arithmetic, so every pair of ordered
/// timestamps in the whole Int64 range round-trips.
public struct TimestampEncoder: Sendable {
    public private(set) var writer = BitWriter()
    public private(set) var count = 0
    public private(set) var last: Int64 = 0
    private var lastDelta: UInt64 = 0

    public init() {}

    /// Appends `t`; the caller guarantees `t >= last` (see `ChunkBuilder`).
    public mutating func append(_ t: Int64) {
        switch count {
        case 0:
            Varint.write(Varint.zigzag(t), to: &writer)
        case 1:
            lastDelta = UInt64(bitPattern: t &- last)
            Varint.write(lastDelta, to: &writer)
        default:
            let delta = UInt64(bitPattern: t &- last)
            let dod = Int64(bitPattern: delta &- lastDelta)
            Self.writeDoD(dod, to: &writer)
            lastDelta = delta
        }
        last = t
        count += 1
    }

    @inline(__always)
    static func writeDoD(_ dod: Int64, to w: inout BitWriter) {
        let u = UInt64(bitPattern: dod)
        if dod == 0 {
            w.writeBits(0, count: 1)
        } else if dod >= -127 && dod <= 128 {
            w.writeBits(0b10, count: 2); w.writeBits(u, count: 8)
        } else if dod >= -8191 && dod <= 8192 {
            w.writeBits(0b110, count: 3); w.writeBits(u, count: 14)
        } else if dod >= -524_287 && dod <= 524_288 {
            w.writeBits(0b1110, count: 4); w.writeBits(u, count: 20)
        } else if dod >= -2_147_483_647 && dod <= 2_147_483_648 {
            w.writeBits(0b11110, count: 5); w.writeBits(u, count: 32)
        } else {
            w.writeBits(0b11111, count: 5); w.writeBits(u, count: 64)
        }
    }
}

/// Decodes a timestamp column written by `TimestampEncoder`.
public struct TimestampDecoder: Sendable {
    @usableFromInline var reader: BitReader
    @usableFromInline var remaining: Int
    /// Samples decoded so far, counted up to 2 (the varint header fields).
    @usableFromInline var index = 0
    @usableFromInline var delta: UInt64 = 0
    /// The current timestamp after a successful `next()`.
    public var value: Int64 { _value }
    @usableFromInline var _value: Int64 = 0

    /// Decodes `count` timestamps from `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, count: Int) {
        reader = BitReader(bytes, start: start, end: end)
        remaining = count
    }

    /// True if reading ran past the column's end (corrupt input).
    public var overrun: Bool { reader.overrun }

    /// Advances to the next timestamp; false at the end or on corrupt input.
    ///
    /// After the two varint header fields, each sample is decoded from a single
    /// `peek` of the bit stream: the unary prefix and the bucket's payload (at most
    /// 5 + 32 bits) sit in the same 64-bit window; only the 64-bit bucket reads again.
    @inlinable @inline(__always)
    public mutating func next() -> Bool {
        guard remaining > 0 else { return false }
        remaining &-= 1
        return decodeNext()
    }

    /// Decodes one more sample without checking `remaining`; `ChunkIterator`, which
    /// counts samples itself, calls this directly.
    @inlinable @inline(__always)
    mutating func decodeNext() -> Bool {
        if _slowPath(index < 2) { return nextHeaderField() }
        let window = reader.peek()
        let ones = (~window).leadingZeroBitCount
        if ones == 0 {
            reader.skip(1)  // `0`: dod 0, the delta repeats
        } else if ones < 5 {
            // `10`, `110`, `1110`, `11110` + 8, 14, 20 or 32 payload bits.
            let payloadBits = ones == 4 ? 32 : 2 &+ 6 &* ones
            let prefixBits = ones &+ 1
            let payload = (window &<< UInt64(truncatingIfNeeded: prefixBits))
                &>> UInt64(truncatingIfNeeded: 64 &- payloadBits)
            reader.skip(prefixBits &+ payloadBits)
            delta &+= UInt64(bitPattern: Self.signExtend(payload, bits: payloadBits))
        } else {
            reader.skip(5)  // `11111` + the whole dod in 64 bits
            delta &+= reader.takeWide(64)
        }
        _value &+= Int64(bitPattern: delta)
        if _slowPath(reader.overrun) { return fail() }
        return true
    }

    /// The first two samples: the first timestamp and the first delta, as varints.
    @usableFromInline mutating func nextHeaderField() -> Bool {
        guard let v = Varint.read(from: &reader) else { return fail() }
        if index == 0 {
            _value = Varint.unzigzag(v)
        } else {
            delta = v
            _value = _value &+ Int64(bitPattern: delta)
        }
        index += 1
        if reader.overrun { return fail() }
        return true
    }

    @usableFromInline mutating func fail() -> Bool {
        remaining = 0
        return false
    }

    /// Interprets the low `bits` bits of `u` as two's complement, except that the most
    /// positive bucket value (e.g. 128 for 8 bits) is stored as its unsigned pattern:
    /// buckets are asymmetric (−127 … 128) as in Gorilla.
    @inlinable @inline(__always)
    static func signExtend(_ u: UInt64, bits: Int) -> Int64 {
        let half = UInt64(1) &<< UInt64(truncatingIfNeeded: bits &- 1)
        return Int64(bitPattern: u > half ? u &- (half &<< 1) : u)
    }
}
