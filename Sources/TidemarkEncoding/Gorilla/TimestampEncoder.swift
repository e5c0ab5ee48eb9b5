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
    @inlinable
    public mutating func next() -> Bool {
        guard remaining > 0 else { return false }
        remaining -= 1
        switch index {
        case 0:
            guard let z = Varint.read(from: &reader) else { return fail() }
            _value = Varint.unzigzag(z)
        case 1:
            guard let d = Varint.read(from: &reader) else { return fail() }
            delta = d
            _value = _value &+ Int64(bitPattern: delta)
        default:
            let dod: Int64
            switch reader.readOnes(limit: 5) {
            case 0: dod = 0
            case 1: dod = Self.signExtend(reader.readBits(8), bits: 8)
            case 2: dod = Self.signExtend(reader.readBits(14), bits: 14)
            case 3: dod = Self.signExtend(reader.readBits(20), bits: 20)
            case 4: dod = Self.signExtend(reader.readBits(32), bits: 32)
            default: dod = Int64(bitPattern: reader.readBits(64))
            }
            delta = delta &+ UInt64(bitPattern: dod)
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
        let half = UInt64(1) << UInt64(bits - 1)
        if u > half {
            return Int64(bitPattern: u) - Int64(bitPattern: half << 1)
        }
        return Int64(bitPattern: u)
    }
}
