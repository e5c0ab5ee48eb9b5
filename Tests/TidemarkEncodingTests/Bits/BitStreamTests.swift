import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("BitWriter and BitReader")
struct BitStreamTests {
    @Test func emptyWriterHasNoBytes() {
        let w = BitWriter()
        #expect(w.bytes == [])
        #expect(w.bitCount == 0)
        #expect(w.byteCount == 0)
    }

    @Test func bitsAreMostSignificantFirstAndPaddedWithZeros() {
        var w = BitWriter()
        w.writeBit(true)
        w.writeBits(0b010, count: 3)
        w.writeBits(0xAB, count: 8)
        // 1 010 10101011 + 0000 padding
        #expect(w.bitCount == 12)
        #expect(w.byteCount == 2)
        #expect(w.bytes == [0b1010_1010, 0b1011_0000])
        // `bytes` does not consume the pending bits: writing continues after it.
        w.writeBits(0xF, count: 4)
        #expect(w.bytes == [0xAA, 0xBF])
        #expect(w.bitCount == 16)
        #expect(w.byteCount == 2)
    }

    @Test func writeBitsIgnoresBitsAboveCount() {
        var w = BitWriter()
        w.writeBits(0xFF, count: 4)
        w.writeBits(.max, count: 0)
        w.writeBits(0b10, count: 1)  // only the low bit (0) is written
        #expect(w.bitCount == 5)
        #expect(w.bytes == [0b1111_0000])
    }

    @Test func writeByteAndSixtyFourBitValues() {
        var w = BitWriter()
        w.writeBit(false)
        w.writeBits(0x0123_4567_89AB_CDEF, count: 64)
        w.writeByte(0x81)
        #expect(w.bitCount == 73)
        // The 64-bit value shifted right by one bit, then 0x81, then 7 bits of padding.
        #expect(w.bytes == [0x00, 0x91, 0xA2, 0xB3, 0xC4, 0xD5, 0xE6, 0xF7, 0xC0, 0x80])

        var r = BitReader(w.bytes)
        #expect(r.readBit() == false)
        #expect(r.readBits(64) == 0x0123_4567_89AB_CDEF)
        #expect(r.readBits(8) == 0x81)
        #expect(r.overrun == false)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 99])
    func randomWritesReadBackExactly(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        var ops: [(value: UInt64, count: Int)] = []
        var w = BitWriter(reservingBytes: 64)
        var total = 0
        for _ in 0..<2_000 {
            let count = rng.below(65)
            let value = rng.next()
            w.writeBits(value, count: count)
            ops.append((value, count))
            total += count
            #expect(w.bitCount == total)
        }
        let bytes = w.bytes
        #expect(bytes.count == (total + 7) / 8)
        #expect(w.byteCount == bytes.count)

        var r = BitReader(bytes)
        for (i, op) in ops.enumerated() {
            let mask: UInt64 = op.count == 64 ? .max : (1 << UInt64(op.count)) - 1
            // Alternate the three read paths over the same stream.
            let got: UInt64
            if i % 3 == 0 && op.count <= 64 {
                var v: UInt64 = 0
                for _ in 0..<op.count { v = v << 1 | (r.readBit() ? 1 : 0) }
                got = v
            } else {
                got = r.readBits(op.count)
            }
            #expect(got == op.value & mask, "op \(i): \(op.count) bits")
        }
        #expect(r.overrun == false)
        #expect(r.bitsRemaining == bytes.count * 8 - total)
        // Only padding is left: zeros.
        #expect(r.readBits(r.bitsRemaining) == 0)
        #expect(r.overrun == false)
    }

    @Test func readingPastTheEndSetsOverrunAndReadsZeros() {
        var empty = BitReader([])
        #expect(empty.readBit() == false)
        #expect(empty.overrun)

        var r = BitReader([0xFF])
        #expect(r.readBits(4) == 0xF)
        #expect(r.overrun == false)
        // 4 bits left, 12 asked: the 4 real bits come back left-aligned, the rest zero.
        #expect(r.readBits(12) == 0xF00)
        #expect(r.overrun)
        #expect(r.readBits(64) == 0)
        #expect(r.readBit() == false)
        #expect(r.bitsRemaining == 0)
    }

    @Test func overrunAtEveryLengthNeverTraps() {
        // Short streams take the byte-by-byte refill; long ones the 8-byte load.
        var rng = SplitMix64(seed: 7)
        for length in 0...24 {
            let bytes = rng.bytes(length)
            var r = BitReader(bytes)
            var bitsRead = 0
            while !r.overrun {
                let n = 1 + rng.below(64)
                let before = r.bitsRemaining
                _ = r.readBits(n)
                bitsRead += min(n, before)
            }
            #expect(bitsRead == length * 8)
            #expect(r.bitsRemaining == 0)
        }
    }

    @Test func readerHonoursStartAndEnd() {
        let bytes: [UInt8] = [0xDE, 0xAD, 0x12, 0x34, 0xBE, 0xEF]
        var r = BitReader(bytes, start: 2, end: 4)
        #expect(r.bitsRemaining == 16)
        #expect(r.readBits(16) == 0x1234)
        #expect(r.overrun == false)
        #expect(r.readBit() == false)
        #expect(r.overrun)

        // Out-of-range bounds are clamped instead of trapping.
        var clamped = BitReader(bytes, start: 4, end: 100)
        #expect(clamped.readBits(16) == 0xBEEF)
        #expect(clamped.overrun == false)
        var backwards = BitReader(bytes, start: 5, end: 2)
        #expect(backwards.bitsRemaining == 0)
        #expect(backwards.readBits(3) == 0)
        #expect(backwards.overrun)
        var negative = BitReader(bytes, start: -3)
        #expect(negative.readBits(8) == 0xDE)
    }

    @Test func sameBitsWhateverTheRefillPath() {
        // A long stream read from a start close to its end uses the slow path; the
        // same bits at the front of a long buffer use the 8-byte fast path.
        var rng = SplitMix64(seed: 11)
        let tail = rng.bytes(7)
        let long = tail + rng.bytes(32)
        for width in 1...56 {
            var slow = BitReader(tail)
            var fast = BitReader(long)
            for _ in 0..<(56 / width) {
                #expect(slow.readBits(width) == fast.readBits(width))
            }
            #expect(slow.overrun == false && fast.overrun == false)
        }
    }

    @Test func readOnesCountsUnaryPrefixes() {
        var w = BitWriter()
        for prefix: (UInt64, Int) in [(0b0, 1), (0b10, 2), (0b110, 3), (0b1110, 4), (0b11110, 5), (0b11111, 5)] {
            w.writeBits(prefix.0, count: prefix.1)
        }
        w.writeBits(0b11, count: 2)  // with limit 2: stops after two ones, zero not needed
        w.writeBits(0b0, count: 1)
        for long in [false, true] {
            // `long` puts the same prefixes in front of enough bytes for the fast path.
            var bytes = w.bytes
            if long { bytes += [UInt8](repeating: 0, count: 16) }
            var r = BitReader(bytes)
            #expect(r.readOnes(limit: 5) == 0)
            #expect(r.readOnes(limit: 5) == 1)
            #expect(r.readOnes(limit: 5) == 2)
            #expect(r.readOnes(limit: 5) == 3)
            #expect(r.readOnes(limit: 5) == 4)
            #expect(r.readOnes(limit: 5) == 5)
            #expect(r.readOnes(limit: 2) == 2)
            #expect(r.readBit() == false)
            #expect(r.overrun == false)
        }
    }

    @Test func readOnesAtTheEndOfTheStream() {
        var r = BitReader([0xFF])
        #expect(r.readOnes(limit: 5) == 5)
        #expect(r.readOnes(limit: 5) == 3)  // three ones, then the stream ends
        #expect(r.overrun)
    }

    /// Bit `i` of `bytes[start..<end]` read MSB first, zero past the end.
    static func referenceBits(_ bytes: [UInt8], start: Int, end: Int, from: Int, count: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in from..<from + count {
            let byte = start + i / 8
            let bit: UInt64 = byte < end ? UInt64(bytes[byte] >> UInt8(7 - i % 8)) & 1 : 0
            v = v << 1 | bit
        }
        return v
    }

    @Test func everyPositionAndWidthMatchesAReference() {
        // Covers the 8-byte load, the zero-padded tail word and reads past the end,
        // for streams shorter and longer than one word, inside a larger buffer.
        var rng = SplitMix64(seed: 21)
        for length in [0, 1, 3, 7, 8, 9, 15, 16, 17, 24] {
            let buffer = rng.bytes(length + 6)
            let start = 3
            let end = start + length
            for position in 0...(length * 8 + 3) {
                for width in [1, 2, 5, 8, 13, 31, 32, 44, 55, 56, 57, 58, 63, 64] {
                    var r = BitReader(buffer, start: start, end: end)
                    var skipped = 0
                    while skipped < position {
                        let n = min(64, position - skipped)
                        _ = r.readBits(n)
                        skipped += n
                    }
                    let got = r.readBits(width)
                    let want = Self.referenceBits(buffer, start: start, end: end, from: position, count: width)
                    #expect(got == want, "length \(length) position \(position) width \(width)")
                    #expect(r.overrun == (position + width > length * 8))
                }
            }
        }
    }

    @Test func outOfRangeCountsDoNotTrap() {
        let bytes: [UInt8] = [0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0, 0x0F]
        var r = BitReader(bytes)
        #expect(r.readBits(0) == 0)
        #expect(r.readBits(-5) == 0)
        #expect(r.readOnes(limit: 0) == 0)
        #expect(r.readOnes(limit: -1) == 0)
        #expect(r.bitsRemaining == 72)
        // More than 64 bits: consumed, and the last 64 of them returned.
        #expect(r.readBits(68) == 0x2345_6789_ABCD_EF00)
        #expect(r.bitsRemaining == 4)
        #expect(r.overrun == false)
        #expect(r.readBits(.max) == 0)
        #expect(r.overrun)
        #expect(r.readBits(.max) == 0)
        #expect(r.readBit() == false)
        #expect(r.bitsRemaining == 0)
    }

    @Test func readOnesBeyondFiftySixOnes() {
        var w = BitWriter()
        w.writeBits(.max, count: 60)
        w.writeBits(0, count: 1)
        w.writeBits(.max, count: 64)
        w.writeBits(.max, count: 6)
        var r = BitReader(w.bytes)
        #expect(r.readOnes(limit: 64) == 60)
        #expect(r.readOnes(limit: 64) == 64)
        #expect(r.readOnes(limit: 100) == 6)  // stopped by the first padding bit
        #expect(r.bitsRemaining == 136 - 132)
        #expect(r.overrun == false)
    }

    // MARK: BitCursor

    /// The reference: bit `i` of `bytes[start..<end]`, zero outside it.
    static func bit(_ bytes: [UInt8], _ i: Int, end: Int) -> UInt64 {
        i >= 0 && i < end * 8 ? UInt64(bytes[i / 8] >> UInt8(7 - i % 8) & 1) : 0
    }

    static func referenceWord(_ bytes: [UInt8], at position: Int, count: Int, end: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<count { v = v << 1 | bit(bytes, position + i, end: end) }
        return v
    }

    @Test func cursorReadsTheSameBitsAsTheReaderAtEveryPositionAndEnd() {
        var rng = SplitMix64(seed: 404)
        let bytes = (0..<40).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes.withUnsafeBytes { raw in
            for end in 0...bytes.count {
                for start in 0...min(end, 12) {
                    let c = BitCursor(raw, start: start, end: end)
                    #expect(c.position == start * 8)
                    #expect(c.endBits == end * 8)
                    for position in start * 8...end * 8 + 70 {
                        var p = c
                        p.position = position
                        var r = BitReader(bytes, start: start, end: end)
                        var skip = position - start * 8
                        while skip > 0 {
                            _ = r.readBits(min(skip, 50))
                            skip -= min(skip, 50)
                        }
                        // Bits past the end read as zero; the peek holds at least 57 real ones.
                        #expect(p.peek() >> 7 == Self.referenceWord(bytes, at: position, count: 57, end: end),
                                "end \(end) position \(position)")
                        #expect(p.peek() == r.peek(), "end \(end) position \(position)")
                        let width = 1 + (position * 7 + end) % 64
                        var q = p
                        #expect(q.takeWide(width) == Self.referenceWord(bytes, at: position, count: width, end: end))
                        #expect(q.position == position + width)
                        #expect(q.overrun == (position + width > end * 8))
                        #expect(p.bitsLeft == end * 8 - position)
                    }
                }
            }
        }
    }

    @Test func directLimitKeepsEveryReadOfACodeInBounds() {
        var rng = SplitMix64(seed: 405)
        let bytes = (0..<64).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes.withUnsafeBytes { raw in
            for end in 0...bytes.count {
                for maxCode in [57, 69, 77] {
                    let c = BitCursor(raw, start: 0, end: end)
                    let limit = c.directLimit(maxCode: maxCode)
                    guard limit >= 0 else { continue }
                    for position in 0...limit {
                        var p = c
                        p.position = position
                        #expect(p.peekInBounds() == p.peek())
                        #expect(position + maxCode <= end * 8, "no code from here can overrun")
                        // Every load a code of maxCode bits makes stays below the end.
                        #expect(((position + maxCode - 1) >> 3) <= c.loadLimit)
                        let width = 1 + position % 64
                        var a = p, b = p
                        #expect(a.takeWide(width, inBounds: true) == b.takeWide(width))
                    }
                }
            }
        }
    }

    @Test func cursorOverAnEmptyOrShortStream() {
        let empty: [UInt8] = []
        empty.withUnsafeBytes { raw in
            var c = BitCursor(raw, start: 0, end: 0)
            #expect(c.peek() == 0)
            #expect(c.directLimit(maxCode: 57) < 0)
            #expect(c.take(8) == 0)
            #expect(c.overrun)
        }
        let short: [UInt8] = [0xAB, 0xCD, 0xEF]
        short.withUnsafeBytes { raw in
            var c = BitCursor(raw, start: 1, end: 2)  // just 0xCD
            #expect(c.peek() == 0xCD00_0000_0000_0000)
            #expect(c.take(4) == 0xC)
            #expect(c.take(8) == 0xD0)
            #expect(c.overrun)
            // Out-of-range bounds are clamped as BitReader clamps them.
            let d = BitCursor(raw, start: 5, end: 99)
            #expect(d.endBits == 24 && d.position == 24)
        }
    }
}
