import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Varint")
struct VarintTests {
    @Test func zigzagKnownValues() {
        let cases: [(Int64, UInt64)] = [
            (0, 0), (-1, 1), (1, 2), (-2, 3), (2, 4), (63, 126), (-64, 127),
            (.max, .max - 1), (.min, .max),
        ]
        for (signed, unsigned) in cases {
            #expect(Varint.zigzag(signed) == unsigned)
            #expect(Varint.unzigzag(unsigned) == signed)
        }
    }

    @Test func zigzagRoundTripsRandomValues() {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<10_000 {
            let u = rng.next()
            #expect(Varint.zigzag(Varint.unzigzag(u)) == u)
            let s = Int64(bitPattern: rng.next()) >> UInt64(rng.below(64))
            #expect(Varint.unzigzag(Varint.zigzag(s)) == s)
        }
    }

    @Test func unsignedEncodingsArePinned() {
        let cases: [(UInt64, [UInt8])] = [
            (0, [0x00]),
            (1, [0x01]),
            (127, [0x7F]),
            (128, [0x80, 0x01]),
            (300, [0xAC, 0x02]),
            (16_383, [0xFF, 0x7F]),
            (16_384, [0x80, 0x80, 0x01]),
            (UInt64(Int64.max), [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]),
            (.max, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        ]
        for (value, expected) in cases {
            var out: [UInt8] = []
            Varint.append(value, to: &out)
            #expect(out == expected, "\(value)")
            // The bit-stream form is the same bytes when it starts byte-aligned.
            var w = BitWriter()
            Varint.write(value, to: &w)
            #expect(w.bytes == expected, "\(value) in a bit stream")
        }
        var signed: [UInt8] = []
        Varint.appendSigned(-3, to: &signed)
        Varint.appendSigned(.min, to: &signed)
        #expect(signed == [0x05, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])
    }

    @Test func lengthGrowsEverySevenBits() {
        for k in 0..<64 {
            let v = UInt64(1) << UInt64(k)
            var out: [UInt8] = []
            Varint.append(v, to: &out)
            #expect(out.count == k / 7 + 1, "2^\(k)")
            var low: [UInt8] = []
            Varint.append(v - 1, to: &low)
            #expect(low.count == max(1, (k + 6) / 7), "2^\(k) - 1")
        }
    }

    @Test func bitStreamVarintsRoundTripAtAnyBitOffset() {
        var rng = SplitMix64(seed: 2)
        var w = BitWriter()
        var written: [(UInt64, Int)] = []
        for _ in 0..<3_000 {
            let v = rng.next() >> UInt64(rng.below(64))
            let gap = rng.below(8)  // misalign the next varint
            w.writeBits(0, count: gap)
            Varint.write(v, to: &w)
            written.append((v, gap))
        }
        var r = BitReader(w.bytes)
        for (v, gap) in written {
            #expect(r.readBits(gap) == 0)
            #expect(Varint.read(from: &r) == v)
        }
        #expect(r.overrun == false)
    }

    @Test func bitStreamVarintLongerThanTenGroupsIsRejected() {
        var r = BitReader([UInt8](repeating: 0x80, count: 11) + [0x00])
        #expect(Varint.read(from: &r) == nil)
        // Ten groups is the longest legal form.
        var ok = BitReader([UInt8](repeating: 0xFF, count: 9) + [0x01])
        #expect(Varint.read(from: &ok) == .max)
    }

    @Test func bitStreamVarintTruncatedSetsOverrun() {
        var r = BitReader([0x80, 0x80])
        _ = Varint.read(from: &r)
        #expect(r.overrun)
    }

    @Test func byteVarintsRoundTripThroughByteReader() throws {
        var rng = SplitMix64(seed: 3)
        var out: [UInt8] = []
        var values: [UInt64] = []
        var signed: [Int64] = []
        for _ in 0..<2_000 {
            let v = rng.next() >> UInt64(rng.below(64))
            let s = Int64(bitPattern: rng.next()) >> UInt64(rng.below(64))
            Varint.append(v, to: &out)
            Varint.appendSigned(s, to: &out)
            values.append(v)
            signed.append(s)
        }
        let got = try out.withUnsafeBytes { raw in try Decoded(raw, pairs: values.count) }
        #expect(got.unsigned == values)
        #expect(got.signed == signed)
        #expect(got.atEnd)
    }

    /// Alternating unsigned and zig-zag varints read back with `ByteReader`.
    struct Decoded {
        var unsigned: [UInt64] = []
        var signed: [Int64] = []
        var atEnd = false

        init(_ raw: UnsafeRawBufferPointer, pairs: Int) throws {
            var r = ByteReader(raw)
            for _ in 0..<pairs {
                unsigned.append(try r.uvarint())
                signed.append(try r.varint())
            }
            atEnd = r.isAtEnd
        }
    }
}
