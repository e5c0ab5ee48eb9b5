/// An append-only, most-significant-bit-first bit stream.
///
/// Bits are gathered in a 64-bit accumulator and flushed to `bytes` a whole byte at a
/// time, so appending a bit is a shift and an `or` in the common case.
public struct BitWriter: Sendable {
    /// Whole bytes written so far (the accumulator's pending bits are not included).
    public private(set) var flushed: [UInt8] = []
    /// Pending bits, left-aligned: the next bit to flush is bit 63.
    private var pending: UInt64 = 0
    /// Number of valid bits in `pending` (0...63).
    private var pendingCount: Int = 0

    public init(reservingBytes capacity: Int = 0) {
        flushed.reserveCapacity(capacity)
    }

    /// Total number of bits written.
    public var bitCount: Int { flushed.count * 8 + pendingCount }

    /// Appends one bit.
    @inlinable
    public mutating func writeBit(_ bit: Bool) {
        writeBits(bit ? 1 : 0, count: 1)
    }

    /// Appends the low `count` bits of `value`, most significant first. `count` is 0...64.
    public mutating func writeBits(_ value: UInt64, count: Int) {
        precondition(count >= 0 && count <= 64, "bit count out of range")
        if count == 0 { return }
        if count > 32 {
            // Split so the accumulator never needs more than 63 + 32 bits.
            writeBits(value >> 32, count: count - 32)
            writeBits(value & 0xFFFF_FFFF, count: 32)
            return
        }
        // Invariant: pendingCount < 32 between calls, so 32 more bits always fit.
        let masked = value & ((1 << UInt64(count)) &- 1)
        pending |= masked << UInt64(64 - pendingCount - count)
        pendingCount += count
        if pendingCount >= 32 { flushWholeBytes() }
    }

    /// Appends a byte-aligned-looking group of 8 bits (used for varint headers).
    public mutating func writeByte(_ byte: UInt8) { writeBits(UInt64(byte), count: 8) }

    private mutating func flushWholeBytes() {
        while pendingCount >= 8 {
            flushed.append(UInt8(truncatingIfNeeded: pending >> 56))
            pending <<= 8
            pendingCount -= 8
        }
    }

    /// The stream as bytes; a final partial byte is padded with zero bits.
    public var bytes: [UInt8] {
        var out = flushed
        var p = pending
        var n = pendingCount
        while n > 0 {
            out.append(UInt8(truncatingIfNeeded: p >> 56))
            p <<= 8
            n -= 8
        }
        return out
    }

    /// Number of bytes `bytes` would return.
    public var byteCount: Int { flushed.count + (pendingCount + 7) / 8 }
}
