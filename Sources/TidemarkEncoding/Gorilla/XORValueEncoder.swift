/// Gorilla XOR float column: each value's IEEE-754 bits are XOR-ed with the previous
/// value's, and only the meaningful (non-zero) window of the result is stored.
///
/// Layout (see docs/format/chunk.md): the first value as 64 raw bits; then per value
/// `0` (same bits as before), `10` + the XOR inside the previous window when its leading
/// and trailing zeros cover at least the previous ones, or `11` + 5 bits of leading-zero
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
                if leading != 0xFF && lz >= leading && tz >= trailing {
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
    // No window yet: a `10` control before the first `11` decodes as width 0 → corrupt.
    @usableFromInline var leading = 64
    @usableFromInline var trailing = 0

    /// Decodes `count` values from `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, count: Int) {
        reader = BitReader(bytes, start: start, end: end)
        remaining = count
    }

    /// The current value after a successful `next()`.
    @inlinable public var value: Double { Double(bitPattern: bits) }
    /// The current value's raw IEEE-754 bits.
    @inlinable public var valueBits: UInt64 { bits }
    /// True if reading ran past the column's end or a window was malformed.
    public var overrun: Bool { reader.overrun }

    /// Advances to the next value; false at the end or on corrupt input.
    @inlinable
    public mutating func next() -> Bool {
        guard remaining > 0 else { return false }
        remaining -= 1
        if !started {
            started = true
            bits = reader.readBits(64)
        } else {
            switch reader.readOnes(limit: 2) {
            case 0:
                break
            case 1:
                let width = 64 - leading - trailing
                guard width > 0 else { return fail() }  // `10` before any window: corrupt
                bits ^= reader.readBits(width) << UInt64(trailing)
            default:
                leading = Int(reader.readBits(5))
                var width = Int(reader.readBits(6))
                if width == 0 { width = 64 }
                guard leading + width <= 64 else { return fail() }
                trailing = 64 - leading - width
                bits ^= reader.readBits(width) << UInt64(trailing)
            }
        }
        if reader.overrun { return fail() }
        return true
    }

    @usableFromInline mutating func fail() -> Bool {
        remaining = 0
        return false
    }
}
