/// Reads a most-significant-bit-first bit stream written by `BitWriter`.
///
/// Reading past the end never traps: missing bits read as zero and `overrun` becomes
/// true, so decoders of untrusted bytes check it once and report corruption.
public struct BitReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    @usableFromInline let end: Int
    /// Next byte of `bytes` to load into `buffer`.
    @usableFromInline var position: Int
    /// Bits not yet consumed, left-aligned. Bits past `valid` are zero or the stream's
    /// own next bits, so OR-ing the same bytes in again on refill is harmless.
    @usableFromInline var buffer: UInt64 = 0
    @usableFromInline var valid: Int = 0
    /// True once a read asked for bits beyond the end of the stream.
    @usableFromInline internal(set) var _overrun = false
    public var overrun: Bool { _overrun }

    /// Reads `bytes[start..<end]`.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.end = min(end ?? bytes.count, bytes.count)
        self.position = max(0, min(start, self.end))
    }

    /// Number of bits between the read position and the end of the stream (zero once
    /// the end has been reached or overrun).
    public var bitsRemaining: Int { (end - position) * 8 + valid }

    @inlinable @inline(__always)
    mutating func refill() {
        if end - position >= 8 {
            let word = bytes.withUnsafeBytes {
                UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self))
            }
            buffer |= word >> UInt64(valid)
            let taken = (63 - valid) >> 3
            position += taken
            valid += taken << 3
        } else {
            while valid <= 56 && position < end {
                buffer |= UInt64(bytes[position]) << UInt64(56 - valid)
                position += 1
                valid += 8
            }
        }
    }

    /// Reads one bit.
    @inlinable @inline(__always)
    public mutating func readBit() -> Bool {
        if valid == 0 {
            refill()
            if valid == 0 { _overrun = true; return false }
        }
        let bit = buffer >> 63
        buffer <<= 1
        valid -= 1
        return bit != 0
    }

    /// Reads `count` bits (0...64) as an unsigned integer.
    @inlinable
    public mutating func readBits(_ count: Int) -> UInt64 {
        if count == 0 { return 0 }
        if count > 56 {
            let high = readBits(count - 32)
            return (high << 32) | readBits(32)
        }
        if valid < count {
            refill()
            if valid < count {
                _overrun = true
                let got = buffer >> UInt64(64 - count)
                buffer = 0
                valid = 0
                return got
            }
        }
        let value = buffer >> UInt64(64 - count)
        buffer = count == 64 ? 0 : buffer << UInt64(count)
        valid -= count
        return value
    }

    /// Counts leading one bits, stopping after `limit` ones or at the first zero (which
    /// is consumed). Used for the unary bucket prefixes of the Gorilla codecs.
    @inlinable @inline(__always)
    public mutating func readOnes(limit: Int) -> Int {
        if valid < limit + 1 { refill() }
        if valid >= limit + 1 {
            let ones = (~buffer).leadingZeroBitCount
            if ones >= limit {
                buffer <<= UInt64(limit)
                valid -= limit
                return limit
            }
            buffer <<= UInt64(ones + 1)
            valid -= ones + 1
            return ones
        }
        var n = 0
        while n < limit && readBit() { n += 1 }
        return n
    }
}
