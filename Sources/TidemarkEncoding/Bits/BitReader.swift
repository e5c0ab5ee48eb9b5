/// Reads a most-significant-bit-first bit stream written by `BitWriter`.
///
/// Reading past the end never traps: missing bits read as zero and `overrun` becomes
/// true, so decoders of untrusted bytes check it once per sample and report corruption.
///
/// Every read is one unaligned 8-byte big-endian load at the current bit position
/// (`peek`), so a decoder can take a whole code — prefix and payload — from one load.
/// Loads never touch bytes at or past `end`: the last 8 bytes of the stream are kept
/// in `tail`, already padded with zero bits, and reads there shift that word instead.
public struct BitReader: Sendable {
    @usableFromInline let bytes: [UInt8]
    /// One past the last byte of the stream.
    @usableFromInline let end: Int
    /// `end - 8`: the last byte offset at which an 8-byte load stays inside the stream
    /// (negative for streams shorter than 8 bytes, so every read uses `tail`).
    @usableFromInline let loadLimit: Int
    /// `bytes[end - 8 ..< end]` as a big-endian word, bytes before index 0 read as zero.
    @usableFromInline let tail: UInt64
    /// Absolute bit position of the next bit to read (byte offset × 8 + bit).
    @usableFromInline var bitPosition: Int
    /// `end × 8`, kept so the per-read overrun check is one comparison.
    @usableFromInline let endBits: Int

    /// Reads `bytes[start..<end]`; out-of-range bounds are clamped to the array.
    public init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil) {
        let e = max(0, min(end ?? bytes.count, bytes.count))
        self.bytes = bytes
        self.end = e
        self.loadLimit = e - 8
        self.endBits = e * 8
        self.bitPosition = max(0, min(start, e)) * 8
        if e >= 8 {
            self.tail = bytes.withUnsafeBytes {
                UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: e - 8, as: UInt64.self))
            }
        } else {
            var t: UInt64 = 0
            for i in 0..<e { t = t << 8 | UInt64(bytes[i]) }
            self.tail = t
        }
    }

    /// True once a read asked for bits beyond the end of the stream.
    @inlinable public var overrun: Bool { bitPosition > endBits }

    /// Number of bits between the read position and the end of the stream (zero once
    /// the end has been reached or overrun).
    public var bitsRemaining: Int { max(0, end * 8 - bitPosition) }

    /// The next 64 bits of the stream, left-aligned, without consuming them; bits past
    /// the end read as zero. At least 57 of them are the stream's (or padding) bits:
    /// any code of up to 57 bits can be taken from one peek.
    @inlinable @inline(__always)
    func peek() -> UInt64 {
        let byte = bitPosition &>> 3
        let word: UInt64
        if _fastPath(byte <= loadLimit) {
            word = bytes.withUnsafeBytes {
                UInt64(bigEndian: $0.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            }
        } else {
            let k = byte &- loadLimit  // 1...: how far into the tail word
            word = k >= 8 ? 0 : tail &<< UInt64(truncatingIfNeeded: k &* 8)
        }
        return word &<< UInt64(truncatingIfNeeded: bitPosition & 7)
    }

    /// Consumes `count` (0...64) bits already examined with `peek`.
    @inlinable @inline(__always)
    mutating func skip(_ count: Int) {
        bitPosition &+= count
    }

    /// Reads `count` bits, 1...57, as an unsigned integer.
    @inlinable @inline(__always)
    mutating func take(_ count: Int) -> UInt64 {
        let value = peek() &>> UInt64(truncatingIfNeeded: 64 &- count)
        bitPosition &+= count
        return value
    }

    /// Reads `count` bits, 1...64, as an unsigned integer.
    @inlinable @inline(__always)
    mutating func takeWide(_ count: Int) -> UInt64 {
        if count <= 57 { return take(count) }
        let high = take(count &- 32)
        return high &<< 32 | take(32)
    }

    /// Reads one bit.
    @inlinable @inline(__always)
    public mutating func readBit() -> Bool {
        let bit = peek() &>> 63
        bitPosition &+= 1
        return bit != 0
    }

    /// Reads `count` bits (0...64) as an unsigned integer. A larger count consumes
    /// `count` bits and returns the last 64 of them; a negative count reads nothing.
    @inlinable
    public mutating func readBits(_ count: Int) -> UInt64 {
        if count <= 0 { return 0 }
        if count > 64 {
            // Stay a bounded distance past the end, so positions can never overflow.
            bitPosition += min(count - 64, max(0, end * 8 + 64 - bitPosition))
            return takeWide(64)
        }
        return takeWide(count)
    }

    /// Reads `count` unsigned values of `width` bits each (0...64) into `out`: the
    /// fixed-width fields of a bit-packed column. Values past the end of the stream read
    /// as zero and set `overrun`, like every other read.
    @inlinable
    public mutating func unpack(width: Int, count: Int, into out: UnsafeMutablePointer<UInt64>) {
        forEachField(width: width, count: count) { i, v in out[i] = v }
    }

    /// Reads `count` fields of `width` bits each (0...64) and hands each to `body` with
    /// its index, in order. Values past the end of the stream read as zero and set
    /// `overrun`, like every other read.
    ///
    /// Field *i* starts at bit `i × width`, so no field's position depends on another's
    /// value: the loads are independent and, with `body` inlined, a decoder's running
    /// sum fuses into the same loop at a few cycles per field.
    @inlinable @inline(__always)
    public mutating func forEachField(width: Int, count: Int, _ body: (Int, UInt64) -> Void) {
        guard count > 0 else { return }
        guard width > 0 else {
            for i in 0..<count { body(i, 0) }
            return
        }
        var done = 0
        if width <= 57 && loadLimit >= 0 {
            // Fields that start at or before the last whole-word position come straight
            // from one load each; a field of ≤ 57 bits fits in a word at any bit offset.
            let lastLoadBit = loadLimit &* 8 &+ 7
            let position = bitPosition
            if position <= lastLoadBit {
                let direct = min(count, (lastLoadBit &- position) / width &+ 1)
                let drop = UInt64(truncatingIfNeeded: 64 &- width)
                bytes.withUnsafeBytes { raw in
                    var p = position
                    for i in 0..<direct {
                        let word = UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: p &>> 3, as: UInt64.self))
                        body(i, (word &<< UInt64(truncatingIfNeeded: p & 7)) &>> drop)
                        p &+= width
                    }
                }
                bitPosition = position &+ direct &* width
                done = direct
            }
        }
        while done < count {
            body(done, readBits(width))
            done &+= 1
        }
    }

    /// Counts leading one bits, stopping after `limit` ones or at the first zero (which
    /// is consumed). Used for the unary bucket prefixes of the Gorilla codecs.
    @inlinable @inline(__always)
    public mutating func readOnes(limit: Int) -> Int {
        if limit <= 56 {
            let ones = (~peek()).leadingZeroBitCount
            if ones >= limit {
                bitPosition &+= max(0, limit)
                return max(0, limit)
            }
            bitPosition &+= ones &+ 1
            return ones
        }
        var n = 0
        while n < limit && readBit() { n += 1 }
        return n
    }
}
