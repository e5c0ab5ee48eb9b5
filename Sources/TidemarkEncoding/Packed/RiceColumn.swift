/// A column of unsigned integers in a Rice code: value `v` is its quotient `v >> k` in
/// unary (that many 0 bits, then a 1) followed by its low `k` bits. Small values cost
/// few bits whatever the largest one is, which suits deltas that are mostly 0 or ±1
/// with a tail (a random walk's steps cost about 2.3 bits each instead of a fixed
/// width's 3).
///
/// Layout (docs/format/chunk.md, "Rice-coded column"):
///
/// ```
/// ┌──────────────┬──────────────┬────────────────────────────────────────────────┐
/// │ 0x80 | k     │ uvarint L    │ L bytes: count codes, MSB first, zero-padded   │
/// │ u8, k ≤ 63   │              │                                                │
/// └──────────────┴──────────────┴────────────────────────────────────────────────┘
///  code of v:  q = v >> k < 32:  q × "0", "1", low k bits of v
///              otherwise:        32 × "0", v in 64 bits             (escape)
/// ```
///
/// The first byte tells it from a fixed-width column (`PackedIntegers`, whose width byte
/// is at most 64). The column does not store `count`: the chunk header does.
public enum RiceColumn {
    /// Quotients from this on are escaped: 32 zero bits, then the raw 64-bit value.
    static let escapeQuotient: UInt64 = 32
    /// The first byte's marker bit.
    public static let marker: UInt8 = 0x80

    /// Size in bits of `values` coded with parameter `k`.
    static func bits(_ values: [UInt64], k: Int) -> Int {
        var total = 0
        for v in values {
            let q = v >> UInt64(k)
            total += q < escapeQuotient ? Int(q) + 1 + k : Int(escapeQuotient) + 64
        }
        return total
    }

    /// The parameter that codes `values` in the fewest bits, and that size in bits.
    static func bestParameter(_ values: [UInt64]) -> (k: Int, bits: Int) {
        var best = (k: 0, bits: bits(values, k: 0))
        var k = 1
        // The size falls as k grows until k reaches the values' typical magnitude, then
        // rises: stop at the first rise.
        while k <= 63 {
            let b = bits(values, k: k)
            if b >= best.bits { break }
            best = (k, b)
            k += 1
        }
        return best
    }

    /// Appends `values` as a Rice column with parameter `k` to `out`.
    static func append(_ values: [UInt64], k: Int, to out: inout [UInt8]) {
        precondition((0...63).contains(k))
        var writer = BitWriter(reservingBytes: (bits(values, k: k) + 7) / 8)
        let mask: UInt64 = k == 0 ? 0 : (1 << UInt64(k)) &- 1
        for v in values {
            let q = v >> UInt64(k)
            if q < escapeQuotient {
                // q zeros and the terminating one: the one bit shifted q places up.
                writer.writeBits(1, count: Int(q) + 1)
                if k > 0 { writer.writeBits(v & mask, count: k) }
            } else {
                writer.writeBits(0, count: Int(escapeQuotient))
                writer.writeBits(v, count: 64)
            }
        }
        let stream = writer.bytes
        out.append(marker | UInt8(k))
        Varint.append(UInt64(stream.count), to: &out)
        out.append(contentsOf: stream)
    }

    /// Decodes a Rice column of `count` values whose first byte is at `bytes[position]`,
    /// handing each to `body` with its index, in order (`forEachBlock`, value by value).
    /// `position` moves past the column; throws if it is malformed or runs past `end`
    /// (then `body` may have seen some values).
    public static func forEach(
        _ bytes: [UInt8], at position: inout Int, end: Int, count: Int, _ body: (Int, UInt64) -> Void
    ) throws(ChunkError) {
        var p = position
        let failure: ChunkError? = bytes.withUnsafeBytes { raw in
            do throws(ChunkError) {
                try forEachBlock(raw, at: &p, end: end, count: count) { block, n, first in
                    for j in 0..<n { body(first &+ j, block.unsafelyUnwrapped[j]) }
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        position = p
    }

    /// Decodes a Rice column of `count` values whose first byte is at `raw[position]`
    /// and hands them to `body` a block of up to `PackedIntegers.blockSize` at a time:
    /// `body(values, length, first)` (`values` is never nil here). `position` moves
    /// past the column; throws if it is malformed or runs past `end`, in which case
    /// `body` may have seen some blocks.
    ///
    /// Codes are read with a `BitCursor`: below its direct limit each code is one
    /// unchecked load, a count of leading zeros and a shift (the unary part, its 1 and
    /// the low bits all come from that load while they fit in 57 bits); only the
    /// column's last bytes take the checked reads. With k = 0 (`decodeK0`) the codes of
    /// a whole 64-bit window come from the positions of its set bits instead, and only
    /// escapes and the stream's end take the code-at-a-time reads; the values, the
    /// blocks and the errors are the same either way.
    @inlinable
    static func forEachBlock(
        _ raw: UnsafeRawBufferPointer, at position: inout Int, end: Int, count: Int,
        skipping skipped: (codes: Int, bits: Int) = (0, 0),
        _ body: (UnsafeMutablePointer<UInt64>?, Int, Int) -> Void
    ) throws(ChunkError) {
        let end = min(end, raw.count)
        guard position >= 0, position < end, raw[position] & marker != 0 else {
            throw .corrupt("rice column header missing at byte \(position)")
        }
        let k = Int(raw[position] & ~marker)
        guard k <= 63 else { throw .corrupt("rice parameter \(k) > 63 at byte \(position)") }
        position += 1
        guard let length = ByteVarint.read(raw, &position, end), length <= UInt64(end - position) else {
            throw .corrupt("rice column length missing or past the chunk end at byte \(position)")
        }
        let streamEnd = position + Int(length)
        var cursor = BitCursor(raw, start: position, end: streamEnd)
        // Codes a caller already added up (`leadingSumK0`, k = 0 only) are stepped over.
        precondition(skipped.codes == 0 || k == 0, "only k = 0 columns are skipped into")
        if skipped.bits > 0 { cursor.skip(skipped.bits) }
        // An escape is the longest code: 32 zeros, then 64 bits read as two takes.
        let limit = cursor.directLimit(maxCode: 96)
        let shift = UInt64(truncatingIfNeeded: k)
        let fitsOnePeek = 32 + 1 + k <= 57
        let dropLow = UInt64(truncatingIfNeeded: 64 &- k)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: k == 0 ? k0Capacity : PackedIntegers.blockSize) { scratch in
            let block = scratch.baseAddress.unsafelyUnwrapped
            if k == 0 {
                decodeK0(&cursor, limit: limit, from: skipped.codes, count: count, block: block, body)
                return
            }
            // `word` holds the next `avail` bits of the stream, left-aligned, taken from
            // the cursor's position by one load: codes are cut from it by shifting, so
            // the loop's dependency chain is a count of leading zeros and a shift per
            // code, and the cursor is only reloaded when a code does not fit.
            var word: UInt64 = 0
            var avail = 0
            var first = 0
            while first < count {
                let n = min(PackedIntegers.blockSize, count &- first)
                for j in 0..<n {
                    var zeros = word.leadingZeroBitCount
                    var need = zeros &+ 1 &+ k
                    if _slowPath(zeros >= 32 || need > avail) {
                        let inBounds = cursor.position <= limit
                        word = inBounds ? cursor.peekInBounds() : cursor.peek()
                        avail = 57
                        zeros = word.leadingZeroBitCount
                        need = zeros &+ 1 &+ k
                        if _slowPath(zeros >= 32 || !fitsOnePeek) {
                            // An escape, or a parameter too large for one load.
                            if zeros >= 32 {
                                cursor.skip(32)
                                block[j] = cursor.takeWide(64, inBounds: inBounds)
                            } else {
                                cursor.skip(zeros &+ 1)
                                block[j] = UInt64(truncatingIfNeeded: zeros) &<< shift | cursor.takeWide(k, inBounds: inBounds)
                            }
                            avail = 0
                            word = 0
                            continue
                        }
                    }
                    let low = k == 0 ? 0 : (word &<< UInt64(truncatingIfNeeded: zeros &+ 1)) &>> dropLow
                    block[j] = UInt64(truncatingIfNeeded: zeros) &<< shift | low
                    word = word &<< UInt64(truncatingIfNeeded: need)
                    avail &-= need
                    cursor.skip(need)
                }
                body(block, n, first)
                first &+= n
            }
        }
        guard !cursor.overrun else { throw .corrupt("rice column of \(count) values runs past its \(length) bytes") }
        guard cursor.bitsLeft < 8 else {
            throw .corrupt("rice column has \(cursor.bitsLeft / 8) bytes after its \(count) values")
        }
        position = streamEnd
    }

    /// The next bits of the stream from `cursor`'s position, bit-reversed: bit *i* of the
    /// result is the stream's bit `position + i`. At least 57 bits are the stream's (or
    /// its zero padding past the end, as `peek` reads it); the bits above them are zero.
    /// Below `loadLimit` this is one little-endian load, the bits of each byte reversed,
    /// and a shift.
    @inlinable @inline(__always)
    static func reversedWindow(_ cursor: BitCursor) -> UInt64 {
        let byte = cursor.position &>> 3
        if _fastPath(byte <= cursor.loadLimit) {
            // A little-endian load puts stream byte 0 in the low byte; reversing the bits
            // inside each byte then puts each byte's first (most significant) bit lowest.
            let word = UInt64(littleEndian: cursor.base.loadUnaligned(fromByteOffset: byte, as: UInt64.self))
            return reverseBitsInBytes(word) &>> UInt64(truncatingIfNeeded: cursor.position & 7)
        }
        return reverseBitsInBytes(cursor.peek().byteSwapped)
    }

    /// `x` with the order of the 8 bits inside each byte reversed (bytes stay in place).
    @inlinable @inline(__always)
    static func reverseBitsInBytes(_ x: UInt64) -> UInt64 {
        var x = x
        x = (x &>> 1) & 0x5555_5555_5555_5555 | (x & 0x5555_5555_5555_5555) &<< 1
        x = (x &>> 2) & 0x3333_3333_3333_3333 | (x & 0x3333_3333_3333_3333) &<< 2
        x = (x &>> 4) & 0x0F0F_0F0F_0F0F_0F0F | (x & 0x0F0F_0F0F_0F0F_0F0F) &<< 4
        return x
    }

    /// The set bits of a reversed window (`reversedWindow`) that end codes of under 32
    /// zeros, in order from its start: those below the first run of 32 zero bits. Zero
    /// exactly when the window starts with 32 zeros (an escape, or the stream's end).
    ///
    /// Smearing each set bit 31 places down makes bit *i* of `t` "some bit in i…i+31 is
    /// set"; its lowest zero is where the first 32-zero run starts. A code whose zeros
    /// reach 32 starts such a run, so every set bit below it ends a short code.
    @inlinable @inline(__always)
    static func shortCodeEnds(_ r: UInt64) -> UInt64 {
        // A run of 32 zeros covers one of the four aligned 16-bit lanes whole: with no
        // lane zero (the usual case; the classic has-zero-lane test) every bit stays.
        let lanes: UInt64 = 0x0001_0001_0001_0001
        if _fastPath((r &- lanes) & ~r & (lanes &<< 15) == 0) { return r }
        var t = r | r &>> 1
        t |= t &>> 2
        t |= t &>> 4
        t |= t &>> 8
        t |= t &>> 16
        // `~t & (~t - 1)` is the bits below the lowest zero of `t` (all of them if none).
        return r & t & (~t &- 1)
    }

    /// Room `forEachBlock`'s k = 0 decoder needs in its block buffer: a block, plus the
    /// codes of one window (at most 64) that run past the block's end.
    @usableFromInline static let k0Capacity = PackedIntegers.blockSize + 64

    /// The k = 0 decoder of `forEachBlock`: hands `count` codes to `body` a block at a
    /// time from `block` (room for `k0Capacity` values), leaving `cursor` where the
    /// careful loop would.
    ///
    /// With k = 0 every 1 bit ends a code, so the codes in a window of the stream are
    /// the gaps between its set bits. The window is bit-reversed (`reversedWindow`), so
    /// the set bits come lowest first: a code is the trailing-zero count of the window
    /// minus the end of the previous code, and `r & (r - 1)` clears that bit for the
    /// next one. That one and-with-decrement is the loop-carried chain per code; the
    /// counts hang off it. Bits past the stream's end read as zero, so every set bit
    /// found is a real code's end; `shortCodeEnds` drops those after an escape. A window
    /// that starts with an escape, or with the stream's end, takes the careful path for
    /// one code.
    ///
    /// While 64 or more codes remain, a window is decoded whole, whatever the block has
    /// room for: codes past the block's end wait in `block[blockSize...]` and move to the
    /// front for the next block. Near the column's end the loop stops at `count`.
    @inlinable @inline(__always)
    static func decodeK0(
        _ cursor: inout BitCursor, limit: Int, from: Int = 0, count: Int, block: UnsafeMutablePointer<UInt64>,
        _ body: (UnsafeMutablePointer<UInt64>?, Int, Int) -> Void
    ) {
        // A local copy keeps the position in a register (`cursor` itself is captured).
        var c = cursor
        defer { cursor = c }
        var first = from
        var j = 0  // codes decoded into `block` (column index `first + j`)
        while first < count {
            let n = min(PackedIntegers.blockSize, count &- first)
            while j < n {
                var r = shortCodeEnds(reversedWindow(c))
                if _fastPath(r != 0) {
                    var end = 0  // bit offset (in the window) just after the last code
                    let stop = count &- first  // codes the column has left, from block[0]
                    if stop &- j >= 64 {
                        repeat {
                            let one = r.trailingZeroBitCount
                            block[j] = UInt64(truncatingIfNeeded: one &- end)
                            j &+= 1
                            end = one &+ 1
                            r &= r &- 1  // clear the lowest set bit
                        } while r != 0
                    } else {
                        repeat {
                            let one = r.trailingZeroBitCount
                            block[j] = UInt64(truncatingIfNeeded: one &- end)
                            j &+= 1
                            end = one &+ 1
                            r &= r &- 1
                        } while r != 0 && j < stop
                    }
                    c.skip(end)
                    continue
                }
                // An escape or the stream's end: one code as the general loop reads it.
                let inBounds = c.position <= limit
                let word = inBounds ? c.peekInBounds() : c.peek()
                let zeros = word.leadingZeroBitCount
                if zeros >= 32 {
                    c.skip(32)
                    block[j] = c.takeWide(64, inBounds: inBounds)
                } else {
                    c.skip(zeros &+ 1)
                    block[j] = UInt64(truncatingIfNeeded: zeros)
                }
                j &+= 1
            }
            body(block, n, first)
            // Codes decoded past the block (a window's, so fewer than 64) start the next.
            j &-= n
            if j > 0 { block.update(from: block + n, count: j) }
            first &+= n
        }
    }

    /// Per byte of a k = 0 stream (its bits MSB first): how many codes end in it (bits
    /// 0–3), the zeros before its first 1 (4–7; 8 for a zero byte) and after its last 1
    /// (8–11), and the sum of the unzigzagged codes that lie wholly inside it (16–23, an
    /// `Int8`: those codes are under 7 bits, so the sum is within ±21).
    @usableFromInline static let k0ByteTable: [UInt32] = (0..<256).map { b in
        let byte = UInt8(b)
        var sum = 0
        var previous = -1
        for i in 0..<8 where byte & (0x80 >> UInt8(i)) != 0 {
            if previous >= 0 { sum += Int(Varint.unzigzag(UInt64(i - previous - 1))) }
            previous = i
        }
        let trailing = byte == 0 ? 8 : byte.trailingZeroBitCount
        return UInt32(byte.nonzeroBitCount) | UInt32(byte.leadingZeroBitCount) << 4 | UInt32(trailing) << 8
            | UInt32(UInt8(bitPattern: Int8(sum))) << 16
    }

    /// For a Rice column with k = 0 at `raw[position]`: the sum of its first codes read
    /// as zigzagged integers (`Varint.unzigzag`), at most `limit` of them, without
    /// decoding them one by one: a byte of the stream at a time, through `k0ByteTable`
    /// (about 3.5 codes of a random walk's steps per lookup). It stops before the byte
    /// where the limit would be passed and before any code of 32 zeros or more (an
    /// escape, or the zero padding at the end). Returns how many codes it added up and
    /// the bit offset, from the stream's start, just after them: `forEachBlock(skipping:)`
    /// resumes there. (0, 0, 0) for any other column, or one whose header is damaged
    /// (then `forEachBlock` reports it).
    @inlinable
    static func leadingSumK0(_ raw: UnsafeRawBufferPointer, at position: Int, end: Int, limit: Int) -> (codes: Int, bits: Int, sum: Int64) {
        let end = min(end, raw.count)
        guard limit > 0, position >= 0, position < end, raw[position] == marker else { return (0, 0, 0) }
        var p = position + 1
        guard let length = ByteVarint.read(raw, &p, end), length <= UInt64(end - p) else { return (0, 0, 0) }
        let n = Int(length)
        return k0ByteTable.withUnsafeBufferPointer { table in
            var codes = 0, zeros = 0, i = 0
            var sum: Int64 = 0
            while i < n {
                let e = table[Int(raw[p &+ i])]
                let c = Int(e & 0xF)
                if c == 0 {
                    if zeros &+ 8 >= 32 { break }
                    zeros &+= 8
                    i &+= 1
                    continue
                }
                // The first code ending here began in earlier bytes (`zeros` of them).
                let q = zeros &+ Int((e &>> 4) & 0xF)
                if q >= 32 || codes &+ c > limit { break }
                sum &+= Varint.unzigzag(UInt64(truncatingIfNeeded: q)) &+ Int64(Int8(truncatingIfNeeded: e &>> 16))
                codes &+= c
                zeros = Int((e &>> 8) & 0xF)
                i &+= 1
            }
            return (codes, i &* 8 &- zeros, sum)
        }
    }
}
