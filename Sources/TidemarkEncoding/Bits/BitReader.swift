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
            self.tail = bytes.withUnsafeBytes { BitCursor.load($0.baseAddress!, at: e - 8) }
        } else {
            var t: UInt64 = 0
            for i in 0..<e { t = t << 8 | UInt64(bytes[i]) }
            self.tail = t
        }
    }

    /// Runs `body` with a `BitCursor` at the read position over the same bits (one
    /// `withUnsafeBytes` for the whole body), then moves this reader to where the cursor
    /// `body` returns ended. The cursor is passed and returned by value so a decoding
    /// loop keeps it in registers; it must not escape `body`.
    @inlinable @inline(__always)
    mutating func withCursor<R>(_ body: (BitCursor) throws -> (BitCursor, R)) rethrows -> R {
        let bytes = self.bytes
        let (cursor, result) = try bytes.withUnsafeBytes { raw in
            // An empty array may have no base address; with `loadLimit` < 0 the cursor
            // never loads through it.
            try body(BitCursor(
                base: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8).unsafelyUnwrapped,
                loadLimit: loadLimit, tail: tail, endBits: endBits, position: bitPosition))
        }
        bitPosition = cursor.position
        return result
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
            word = bytes.withUnsafeBytes { BitCursor.load($0.baseAddress.unsafelyUnwrapped, at: byte) }
        } else {
            word = BitCursor.tailWord(tail, at: byte &- loadLimit)
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
                    let base = raw.baseAddress.unsafelyUnwrapped
                    var p = position
                    for i in 0..<direct {
                        let word = BitCursor.load(base, at: p &>> 3)
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

/// A read position in a bit stream whose bytes are held in place for the cursor's whole
/// life (`BitReader.withCursor`): the stream's base address, the position and the bounds
/// live in registers of a decoding loop, and a read is one unaligned big-endian 8-byte
/// load and a shift. This type and `BitReader` are the only places that load stream bits
/// through a raw pointer.
///
/// Same contract as `BitReader`: a load never touches bytes at or past the stream's end
/// (the last 8 bytes come from `tail`, padded with zero bits), bits past the end read as
/// zero, and `overrun` says a read went past the end.
@usableFromInline
struct BitCursor {
    /// Address of byte 0 of the stream's array (not of the first bit read).
    @usableFromInline let base: UnsafeRawPointer
    /// The last byte offset at which an 8-byte load stays inside the stream.
    @usableFromInline let loadLimit: Int
    /// The stream's last 8 bytes as a big-endian word (zero bytes before index 0).
    @usableFromInline let tail: UInt64
    /// The stream's end, in bits from byte 0.
    @usableFromInline let endBits: Int
    /// Bit offset of the next bit to read, from byte 0.
    @usableFromInline var position: Int

    /// A cursor at the start of `raw[start..<end]` (bounds clamped to the buffer), with
    /// the same view of the bits as `BitReader(bytes, start:, end:)` over those bytes.
    @inlinable
    init(_ raw: UnsafeRawBufferPointer, start: Int, end: Int) {
        let e = max(0, min(end, raw.count))
        let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 8).unsafelyUnwrapped
        var tail: UInt64 = 0
        if e >= 8 {
            tail = Self.load(base, at: e &- 8)
        } else {
            for i in 0..<e { tail = tail &<< 8 | UInt64(raw[i]) }
        }
        self.init(base: base, loadLimit: e &- 8, tail: tail, endBits: e &* 8, position: max(0, min(start, e)) &* 8)
    }

    @inlinable @inline(__always)
    init(base: UnsafeRawPointer, loadLimit: Int, tail: UInt64, endBits: Int, position: Int) {
        self.base = base
        self.loadLimit = loadLimit
        self.tail = tail
        self.endBits = endBits
        self.position = position
    }

    /// The big-endian 8 bytes at `base + byte`, which the caller has checked are in
    /// bounds.
    @inlinable @inline(__always)
    static func load(_ base: UnsafeRawPointer, at byte: Int) -> UInt64 {
        UInt64(bigEndian: base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
    }

    /// The 8 bytes starting `k` (≥ 1) bytes into the tail word, zero-padded.
    @inlinable @inline(__always)
    static func tailWord(_ tail: UInt64, at k: Int) -> UInt64 {
        k >= 8 ? 0 : tail &<< UInt64(truncatingIfNeeded: k &* 8)
    }

    /// True once a read consumed bits past the end of the stream.
    @inlinable var overrun: Bool { position > endBits }

    /// Bits left before the end of the stream (negative after an overrun).
    @inlinable var bitsLeft: Int { endBits &- position }

    /// The next 64 bits, left-aligned, without consuming them; at least 57 of them are
    /// the stream's bits or zero padding past its end (the rest are zero).
    @inlinable @inline(__always)
    func peek() -> UInt64 {
        let byte = position &>> 3
        let word = _fastPath(byte <= loadLimit) ? Self.load(base, at: byte) : Self.tailWord(tail, at: byte &- loadLimit)
        return word &<< UInt64(truncatingIfNeeded: position & 7)
    }

    /// The highest position from which a decoder may read a code of up to `maxCode`
    /// bits whose reads (peeks at offsets up to `maxCode - 32` into it, as `takeWide`
    /// makes) all load directly, and which cannot end past the stream: from there on,
    /// a loop can use the `inBounds` reads and skip the overrun check. Below every
    /// position when the stream is too short.
    @inlinable @inline(__always)
    func directLimit(maxCode: Int) -> Int {
        min((loadLimit &- (maxCode &+ 7) / 8) &* 8, endBits &- maxCode)
    }

    /// `peek()` for a position at or below a `directLimit`: one load and a shift.
    @inlinable @inline(__always)
    func peekInBounds() -> UInt64 {
        Self.load(base, at: position &>> 3) &<< UInt64(truncatingIfNeeded: position & 7)
    }

    /// Consumes `count` bits (0...64) already examined with `peek`.
    @inlinable @inline(__always)
    mutating func skip(_ count: Int) {
        position &+= count
    }

    /// Reads `count` bits, 1...57.
    @inlinable @inline(__always)
    mutating func take(_ count: Int, inBounds: Bool = false) -> UInt64 {
        let word = inBounds ? peekInBounds() : peek()
        position &+= count
        return word &>> UInt64(truncatingIfNeeded: 64 &- count)
    }

    /// Reads `count` bits, 1...64 (two loads when more than 57).
    @inlinable @inline(__always)
    mutating func takeWide(_ count: Int, inBounds: Bool = false) -> UInt64 {
        if count <= 57 { return take(count, inBounds: inBounds) }
        let high = take(count &- 32, inBounds: inBounds)
        return high &<< 32 | take(32, inBounds: inBounds)
    }

    // MARK: Packed columns

    /// Reads `count` fields of `width` bits (0...64), field *i* at bit `position + i ×
    /// width`, into `out`, without moving the cursor; fields past the end read as zero
    /// (the caller has checked the column fits). `out` must have room for `count`
    /// rounded up to a multiple of 8: the fields after the last are scratch.
    ///
    /// From a byte-aligned position and for widths 1...32, whole groups of 8 fields
    /// (exactly `width` bytes) are unpacked by a routine specialised for the width:
    /// every shift is a constant, so a field costs a load and two shifts and no position
    /// arithmetic. Groups whose loads would reach past the stream's end are unpacked
    /// the same way from a zero-padded copy of its last bytes. Other widths and
    /// unaligned positions go one field at a time, with unchecked loads below the
    /// cursor's `directLimit`.
    @inlinable
    func unpack(width: Int, from position: Int, count: Int, into out: UnsafeMutablePointer<UInt64>) {
        guard count > 0 else { return }
        guard width > 0 else {
            out.update(repeating: 0, count: count)
            return
        }
        if width <= 32 && position & 7 == 0 && position >= 0 {
            let byte = position &>> 3
            let groups = (count &+ 7) &>> 3
            // Group g's last load starts at byte `byte + (g + 1) × width − 1` at most.
            let room = loadLimit &- byte &+ 1
            let direct = room <= 0 ? 0 : min(groups, room / width)
            if direct > 0 {
                Self.unpackGroups(width: width, base, fromByte: byte, groups: direct, into: out)
            }
            let from = byte &+ direct &* width
            let wanted = (groups &- direct) &* width
            if direct < groups && wanted <= 32 * 8 {
                // The rest from a copy of the stream's bytes with zeros after its end
                // (at most 2 × width + 7 bytes when the column fits in the stream).
                let available = max(0, min(wanted, endBits &>> 3 &- from))
                withUnsafeTemporaryAllocation(byteCount: 32 * 8 + 8, alignment: 8) { padded in
                    let p = padded.baseAddress.unsafelyUnwrapped
                    p.initializeMemory(as: UInt8.self, repeating: 0, count: wanted &+ 8)
                    if available > 0 { p.copyMemory(from: base + from, byteCount: available) }
                    Self.unpackGroups(width: width, UnsafeRawPointer(p), fromByte: 0, groups: groups &- direct,
                                      into: out + direct &* 8)
                }
                return
            }
            if direct == groups { return }
            var c = self
            c.position = from &* 8
            for i in direct &* 8..<count { out[i] = c.takeWide(width) }
            return
        }
        // One field at a time: unchecked loads while every read of a field stays in
        // bounds, checked ones for the last bytes.
        var c = self
        c.position = position
        var i = 0
        let limit = directLimit(maxCode: width)
        while i < count && c.position <= limit {
            out[i] = c.takeWide(width, inBounds: true)
            i &+= 1
        }
        while i < count {
            out[i] = c.takeWide(width)
            i &+= 1
        }
    }

    /// `unpackGroups(_:fromByte:width:groups:into:)` for a width known only at run
    /// time: one switch per call, then the specialised loop.
    @inlinable
    static func unpackGroups(width: Int, _ base: UnsafeRawPointer, fromByte byte: Int, groups: Int, into out: UnsafeMutablePointer<UInt64>) {
        switch width {
        case 1: Self.unpackGroups(base, fromByte: byte, width: 1, groups: groups, into: out)
        case 2: Self.unpackGroups(base, fromByte: byte, width: 2, groups: groups, into: out)
        case 3: Self.unpackGroups(base, fromByte: byte, width: 3, groups: groups, into: out)
        case 4: Self.unpackGroups(base, fromByte: byte, width: 4, groups: groups, into: out)
        case 5: Self.unpackGroups(base, fromByte: byte, width: 5, groups: groups, into: out)
        case 6: Self.unpackGroups(base, fromByte: byte, width: 6, groups: groups, into: out)
        case 7: Self.unpackGroups(base, fromByte: byte, width: 7, groups: groups, into: out)
        case 8: Self.unpackGroups(base, fromByte: byte, width: 8, groups: groups, into: out)
        case 9: Self.unpackGroups(base, fromByte: byte, width: 9, groups: groups, into: out)
        case 10: Self.unpackGroups(base, fromByte: byte, width: 10, groups: groups, into: out)
        case 11: Self.unpackGroups(base, fromByte: byte, width: 11, groups: groups, into: out)
        case 12: Self.unpackGroups(base, fromByte: byte, width: 12, groups: groups, into: out)
        case 13: Self.unpackGroups(base, fromByte: byte, width: 13, groups: groups, into: out)
        case 14: Self.unpackGroups(base, fromByte: byte, width: 14, groups: groups, into: out)
        case 15: Self.unpackGroups(base, fromByte: byte, width: 15, groups: groups, into: out)
        case 16: Self.unpackGroups(base, fromByte: byte, width: 16, groups: groups, into: out)
        case 17: Self.unpackGroups(base, fromByte: byte, width: 17, groups: groups, into: out)
        case 18: Self.unpackGroups(base, fromByte: byte, width: 18, groups: groups, into: out)
        case 19: Self.unpackGroups(base, fromByte: byte, width: 19, groups: groups, into: out)
        case 20: Self.unpackGroups(base, fromByte: byte, width: 20, groups: groups, into: out)
        case 21: Self.unpackGroups(base, fromByte: byte, width: 21, groups: groups, into: out)
        case 22: Self.unpackGroups(base, fromByte: byte, width: 22, groups: groups, into: out)
        case 23: Self.unpackGroups(base, fromByte: byte, width: 23, groups: groups, into: out)
        case 24: Self.unpackGroups(base, fromByte: byte, width: 24, groups: groups, into: out)
        case 25: Self.unpackGroups(base, fromByte: byte, width: 25, groups: groups, into: out)
        case 26: Self.unpackGroups(base, fromByte: byte, width: 26, groups: groups, into: out)
        case 27: Self.unpackGroups(base, fromByte: byte, width: 27, groups: groups, into: out)
        case 28: Self.unpackGroups(base, fromByte: byte, width: 28, groups: groups, into: out)
        case 29: Self.unpackGroups(base, fromByte: byte, width: 29, groups: groups, into: out)
        case 30: Self.unpackGroups(base, fromByte: byte, width: 30, groups: groups, into: out)
        case 31: Self.unpackGroups(base, fromByte: byte, width: 31, groups: groups, into: out)
        case 32: Self.unpackGroups(base, fromByte: byte, width: 32, groups: groups, into: out)
        default: preconditionFailure("unpackGroups: width \(width) not in 1...32")
        }
    }

    /// Unpacks `groups` groups of 8 fields of `width` bits (1...32, a constant once
    /// inlined) from the bytes at `base + byte`: group *g* is the `width` bytes at
    /// `byte + g × width`, field *k* of it the `width` bits at bit `k × width`. The
    /// caller guarantees every 8-byte load stays in bounds.
    @inlinable @inline(__always)
    static func unpackGroups(_ base: UnsafeRawPointer, fromByte byte: Int, width: Int, groups: Int, into out: UnsafeMutablePointer<UInt64>) {
        let drop = UInt64(truncatingIfNeeded: 64 &- width)
        var b = base + byte
        var o = out
        for _ in 0..<groups {
            // Constant offsets and shifts: the compiler unrolls this into 8 loads (fewer
            // when fields share a byte; one word per group was no cheaper).
            for k in 0..<8 {
                let bit = k &* width
                let word = Self.load(b, at: bit &>> 3)
                o[k] = (word &<< UInt64(truncatingIfNeeded: bit & 7)) &>> drop
            }
            b += width
            o += 8
        }
    }
}
