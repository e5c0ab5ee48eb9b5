import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("ByteReader")
struct ByteReaderTests {
    /// Owns a copy of some bytes for a `ByteReader` to borrow; tests keep it alive
    /// with `withExtendedLifetime` until the reader is done.
    final class Owned {
        let raw: UnsafeMutableRawBufferPointer

        init(_ bytes: [UInt8]) {
            raw = .allocate(byteCount: bytes.count, alignment: 8)
            raw.copyBytes(from: bytes)
        }

        deinit { raw.deallocate() }

        func reader(baseOffset: Int = 0) -> ByteReader { ByteReader(UnsafeRawBufferPointer(raw), baseOffset: baseOffset) }
    }

    @Test func fixedWidthIntegersAreLittleEndian() throws {
        let bytes: [UInt8] = [0xAB,
                              0x78, 0x56, 0x34, 0x12,
                              0xEF, 0xCD, 0xAB, 0x89, 0x67, 0x45, 0x23, 0x01,
                              0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        do {
            let owned = Owned(bytes)
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader()
            #expect(r.remaining == 21)
            #expect(try r.u8() == 0xAB)
            // u32 at offset 1: unaligned on purpose.
            #expect(try r.u32() == 0x1234_5678)
            #expect(try r.u64() == 0x0123_4567_89AB_CDEF)
            #expect(try r.i64() == -1)
            #expect(r.isAtEnd)
            #expect(r.remaining == 0)
        }
    }

    @Test func readingPastTheEndThrowsWithTheOffset() throws {
        do {
            let owned = Owned([1, 2, 3])
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader(baseOffset: 1000)
            #expect(try r.u8() == 1)
            #expect(throws: ByteReader.Truncated(offset: 1001, needed: 4, what: "record length")) {
                try r.u32("record length")
            }
            #expect(r.offset == 1, "a failed read consumes nothing")
            #expect(throws: ByteReader.Truncated(offset: 1001, needed: 8, what: "uint64")) { try r.u64() }
            #expect(throws: ByteReader.Truncated.self) { try r.bytes(3) }
            #expect(throws: ByteReader.Truncated.self) { try r.skip(3) }
            #expect(throws: ByteReader.Truncated.self) { try r.bytes(-1) }
            #expect(try r.bytes(2) == [2, 3])
            #expect(throws: ByteReader.Truncated(offset: 1003, needed: 1, what: "byte")) { try r.u8() }
        }
        #expect(ByteReader.Truncated(offset: 7, needed: 4, what: "crc").description
                == "truncated crc at byte offset 7 (needed 4 bytes)")
    }

    @Test func varints() throws {
        var out: [UInt8] = []
        Varint.append(300, to: &out)
        Varint.appendSigned(-2, to: &out)
        Varint.append(.max, to: &out)
        do {
            let owned = Owned(out)
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader()
            #expect(try r.uvarint() == 300)
            #expect(try r.varint() == -2)
            #expect(try r.uvarint() == .max)
            #expect(r.isAtEnd)
        }
        // Truncated: the continuation bit promises a byte that is not there.
        do {
            let owned = Owned([0x05, 0x80, 0x80])
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader(baseOffset: 10)
            #expect(try r.uvarint() == 5)
            #expect(throws: ByteReader.Truncated(offset: 11, needed: 3, what: "series id")) {
                try r.uvarint("series id")
            }
        }
        // Over-long: eleven bytes.
        do {
            let owned = Owned([UInt8](repeating: 0xFF, count: 11) + [0x00])
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader()
            #expect(throws: ByteReader.Truncated(offset: 0, needed: 11, what: "varint (over-long)")) {
                try r.uvarint()
            }
        }
    }

    @Test func negativeOffsetThrowsInsteadOfReadingBeforeTheBuffer() throws {
        let owned = Owned([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08])
        defer { withExtendedLifetime(owned) {} }
        var r = owned.reader()
        r.offset = -1
        #expect(throws: ByteReader.Truncated.self) { try r.u8() }
        #expect(throws: ByteReader.Truncated.self) { try r.u32() }
        #expect(throws: ByteReader.Truncated.self) { try r.uvarint() }
        #expect(throws: ByteReader.Truncated.self) { try r.string() }
        r.offset = 0
        #expect(try r.uvarint() == 1)
    }

    @Test func countEnforcesItsLimit() throws {
        var out: [UInt8] = []
        Varint.append(10, to: &out)
        Varint.append(11, to: &out)
        Varint.append(.max, to: &out)
        do {
            let owned = Owned(out)
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader()
            #expect(try r.count("n", limit: 10) == 10)
            // A rejected count still consumes its varint: the reader moves on.
            #expect(throws: ByteReader.Truncated(offset: 1, needed: 11, what: "n")) { try r.count("n", limit: 10) }
            #expect(r.offset == 2)
            // A value beyond Int.max is clamped in the error, not trapped on.
            #expect(throws: ByteReader.Truncated(offset: 2, needed: .max, what: "n")) { try r.count("n", limit: .max) }
            #expect(r.isAtEnd)
        }
        do {
            let owned = Owned([0x00])
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader()
            // A negative limit admits nothing but zero.
            #expect(try r.count("n", limit: -5) == 0)
        }
    }

    @Test func bytesSliceStringAndSkip() throws {
        var out: [UInt8] = [9, 8, 7, 6]
        let label = "__name__=up ✓"
        Varint.append(UInt64(label.utf8.count), to: &out)
        out += Array(label.utf8)
        out += [0x02, 0xC3, 0x28]  // length 2, invalid UTF-8
        out += [0x05, 0x41]  // length 5, only 1 byte present
        do {
            let owned = Owned(out)
            defer { withExtendedLifetime(owned) {} }
            var r = owned.reader()
            #expect(try r.bytes(2) == [9, 8])
            let s = try r.slice(1)
            #expect(s.count == 1 && s[0] == 7)
            try r.skip(1)
            #expect(try r.string() == label)
            #expect(try r.string() == "\u{FFFD}(")
            #expect(throws: ByteReader.Truncated.self) { try r.string("help text") }
        }
    }

    @Test func randomCursorNeverTraps() {
        var rng = SplitMix64(seed: 12)
        for _ in 0..<2_000 {
            let bytes = rng.bytes(rng.below(24))
            do {
                let owned = Owned(bytes)
                defer { withExtendedLifetime(owned) {} }
                var r = owned.reader()
                var steps = 0
                while steps < 50 {
                    steps += 1
                    do throws(ByteReader.Truncated) {
                        switch rng.below(8) {
                        case 0: _ = try r.u8()
                        case 1: _ = try r.u32()
                        case 2: _ = try r.u64()
                        case 3: _ = try r.uvarint()
                        case 4: _ = try r.string()
                        case 5: _ = try r.count("c", limit: rng.below(100))
                        case 6: _ = try r.bytes(rng.below(10) - 2)
                        default: try r.skip(rng.below(6))
                        }
                    } catch {
                        #expect(error.offset >= 0)
                    }
                    #expect(r.offset >= 0 && r.offset <= bytes.count)
                }
            }
        }
    }
}
