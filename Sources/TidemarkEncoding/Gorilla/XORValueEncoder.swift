/// Gorilla XOR float column: each value's IEEE-754 bits are XOR-ed with the previous
/// value's, and only the meaningful (non-zero) window of the result is stored.
///
/// Layout (see docs/format/chunk.md): the first value as 64 raw bits; then per value
/// `0` (same bits as before), `10` + the XOR inside the previous window when its leading
/// and trailing zeros cover at least the previous ones (and the window wastes at most
/// 11 bits), or `11` + 5 bits of leading-zero
/// count + 6 bits of window width (0 means 64) + the window. Bits are compared, not
/// values, so NaN payloads, −0.0 and the staleness marker round-trip exactly.
public struct XORValueEncoder: Sendable {
    public private(set) var writer = BitWriter()
    public private(set) var count = 0
    private var lastBits: UInt64 = 0
    private var leading = 0xFF  // 0xFF: no window yet
    private var trailing = 0

    public init() {}

    /// Appends a value.
    public mutating func append(_ v: Double) {
        let bits = v.bitPattern
        if count == 0 {
            writer.writeBits(bits, count: 64)
        } else {
            let x = bits ^ lastBits
            if x == 0 {
                writer.writeBits(0, count: 1)
            } else {
                let lz = min(x.leadingZeroBitCount, 31)
                let tz = x.trailingZeroBitCount
                // Reuse the previous window when the XOR fits in it, unless the window
                // wastes more bits than a new one's 11-bit header costs: a window kept
                // from one wide XOR would otherwise widen every later value of the
                // chunk (the decoder reads either form).
                if leading != 0xFF && lz >= leading && tz >= trailing && (lz - leading) + (tz - trailing) <= 11 {
                    writer.writeBits(0b10, count: 2)
                    writer.writeBits(x >> UInt64(trailing), count: 64 - leading - trailing)
                } else {
                    leading = lz
                    trailing = tz
                    let width = 64 - lz - tz
                    writer.writeBits(0b11, count: 2)
                    writer.writeBits(UInt64(lz), count: 5)
                    writer.writeBits(UInt64(width & 63), count: 6)  // 64 is stored as 0
                    writer.writeBits(x >> UInt64(tz), count: width)
                }
            }
        }
        lastBits = bits
        count += 1
    }
}

/// Decodes a value column written by `XORValueEncoder`.
public struct XORValueDecoder: Sendable {
    @usableFromInline var reader: BitReader
    @usableFromInline var remaining: Int
    @usableFromInline var started = false
    @usableFromInline var bits: UInt64 = 0
    /// The current window: leading zeros, trailing zeros and width (64 − both).
    /// No window yet: width 0, so a `10` control before the first `11` is corrupt.
    @usableFromInline var leading = 64
    @usableFromInline var trailing = 0
    @usableFromInline var width = 0

    /// Decodes `count` values from `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, count: Int) {
        reader = BitReader(bytes, start: start, end: end)
        remaining = count
    }

    /// The current value after a successful `next()`.
    @inlinable public var value: Double { Double(bitPattern: bits) }
    /// The current value's raw IEEE-754 bits.
    @inlinable public var valueBits: UInt64 { bits }
    /// True if reading ran past the column's end (a malformed window makes `next()`
    /// return false without setting this).
    public var overrun: Bool { reader.overrun }

    /// Advances to the next value; false at the end or on corrupt input.
    ///
    /// Each value is decoded from one `peek` of the bit stream when its code fits in
    /// 57 bits (`10` + up to 55 window bits, or `11` + 11 header bits + up to 44);
    /// wider windows take a second read.
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
        if _slowPath(!started) { return nextFirst() }
        let window = reader.peek()
        if window &>> 63 == 0 {
            reader.skip(1)  // `0`: same bits as before
        } else if window & (1 << 62) == 0 {
            // `10`: the XOR fits inside the current window.
            guard width > 0 else { return fail() }  // no window yet: corrupt
            let x: UInt64
            if width <= 55 {
                x = (window &<< 2) &>> UInt64(truncatingIfNeeded: 64 &- width)
                reader.skip(2 &+ width)
            } else {
                reader.skip(2)
                x = reader.takeWide(width)
            }
            bits ^= x &<< UInt64(truncatingIfNeeded: trailing)
        } else {
            // `11` + 5 bits leading zeros + 6 bits width (0 means 64) + the XOR.
            let lead = Int(truncatingIfNeeded: (window &>> 57) & 31)
            var wide = Int(truncatingIfNeeded: (window &>> 51) & 63)
            if wide == 0 { wide = 64 }
            reader.skip(13)  // before the check, so a header cut by the end sets `overrun`
            guard lead &+ wide <= 64 else { return fail() }
            leading = lead
            width = wide
            trailing = 64 &- lead &- wide
            let x: UInt64
            if wide <= 44 {
                x = (window &<< 13) &>> UInt64(truncatingIfNeeded: 64 &- wide)
                reader.skip(wide)
            } else {
                x = reader.takeWide(wide)
            }
            bits ^= x &<< UInt64(truncatingIfNeeded: trailing)
        }
        if _slowPath(reader.overrun) { return fail() }
        return true
    }

    /// The first value: 64 raw bits.
    @usableFromInline mutating func nextFirst() -> Bool {
        started = true
        bits = reader.readBits(64)
        if reader.overrun { return fail() }
        return true
    }

    @usableFromInline mutating func fail() -> Bool {
        remaining = 0
        return false
    }
}
