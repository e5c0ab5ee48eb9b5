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
    /// column's last bytes take the checked reads.
    @inlinable
    static func forEachBlock(
        _ raw: UnsafeRawBufferPointer, at position: inout Int, end: Int, count: Int,
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
        // An escape is the longest code: 32 zeros, then 64 bits read as two takes.
        let limit = cursor.directLimit(maxCode: 96)
        let shift = UInt64(truncatingIfNeeded: k)
        let fitsOnePeek = 32 + 1 + k <= 57
        let dropLow = UInt64(truncatingIfNeeded: 64 &- k)
        withUnsafeTemporaryAllocation(of: UInt64.self, capacity: PackedIntegers.blockSize) { scratch in
            let block = scratch.baseAddress.unsafelyUnwrapped
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
}
