import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Gorilla XOR values")
struct XORValueCodecTests {
    static func encode(_ values: [Double]) -> XORValueEncoder {
        var e = XORValueEncoder()
        for v in values { e.append(v) }
        return e
    }

    static func decodeBits(_ bytes: [UInt8], count: Int) -> (bits: [UInt64], overrun: Bool) {
        var d = XORValueDecoder(bytes, count: count)
        var out: [UInt64] = []
        while d.next() {
            #expect(d.value.bitPattern == d.valueBits)
            out.append(d.valueBits)
        }
        return (out, d.overrun)
    }

    static func expectRoundTrip(_ values: [Double], _ label: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let e = encode(values)
        #expect(e.count == values.count, sourceLocation: sourceLocation)
        let (got, overrun) = decodeBits(e.writer.bytes, count: values.count)
        #expect(overrun == false, "\(label)", sourceLocation: sourceLocation)
        #expect(got == values.bitPatterns, "\(label)", sourceLocation: sourceLocation)
    }

    @Test func everySpecialValueAloneAndRepeated() {
        for bits in Corpora.specialValueBits {
            let v = Double(bitPattern: bits)
            Self.expectRoundTrip([v], "0x\(String(bits, radix: 16))")
            Self.expectRoundTrip([v, v, v], "0x\(String(bits, radix: 16)) ×3")
        }
    }

    @Test func everyOrderedPairOfSpecialValues() {
        // a → b → a → b exercises a new window, then reuse or replacement of it.
        let specials = Corpora.specialValueBits.map { Double(bitPattern: $0) }
        for a in specials {
            for b in specials { Self.expectRoundTrip([a, b, a, b, b, a]) }
        }
        // All of them in one column, forwards and backwards.
        Self.expectRoundTrip(specials + specials.reversed() + specials)
    }

    @Test func staleMarkerIsKeptDistinctFromOtherNaNs() {
        let stale = Double(bitPattern: Corpora.staleMarkerBits)
        let values: [Double] = [1.5, stale, .nan, stale, -.nan, 2.5, stale]
        Self.expectRoundTrip(values)
        let (bits, _) = Self.decodeBits(Self.encode(values).writer.bytes, count: values.count)
        #expect(bits[1] == 0x7FF0_0000_0000_0002)
        #expect(bits[2] != 0x7FF0_0000_0000_0002)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func propertyAllValueClassesRoundTripBitExactly(seed: UInt64) {
        for (name, values) in Corpora.valueSeries(seed: seed, count: 1_500) {
            Self.expectRoundTrip(values, name)
            Self.expectRoundTrip(Array(values.prefix(2)), "\(name) prefix 2")
        }
    }

    @Test func constantRunCostsOneBitPerRepeat() {
        let e = Self.encode([Double](repeating: 42.125, count: 1_000))
        #expect(e.writer.bitCount == 64 + 999)
        Self.expectRoundTrip([Double](repeating: -0.0, count: 1_000))
    }

    @Test func controlBitsArePinned() {
        // Same bits: a single `0`.
        #expect(Self.encode([1.0, 1.0]).writer.bytes == [0x3F, 0xF0, 0, 0, 0, 0, 0, 0, 0x00])

        // 0.0 → smallest subnormal: XOR = 1, 63 leading zeros capped to 31, so the
        // window is 33 bits wide: `11` 11111 100001 then 32 zeros and a one.
        let tiny = Self.encode([0.0, Double(bitPattern: 1)]).writer
        #expect(tiny.bitCount == 64 + 2 + 5 + 6 + 33)
        #expect(Array(tiny.bytes[8...]) == [0b1111_1111, 0b0000_1000, 0, 0, 0, 0b0000_0100])

        // A 64-bit-wide window stores its width as 0.
        let wide = Self.encode([0.0, Double(bitPattern: 0x8000_0000_0000_0001)]).writer
        #expect(wide.bitCount == 64 + 2 + 5 + 6 + 64)
        #expect(Array(wide.bytes[8...10]) == [0b1100_0000, 0b0000_0100, 0b0000_0000])
        Self.expectRoundTrip([0.0, Double(bitPattern: 0x8000_0000_0000_0001), 0.0])

        // 12.5 → 12.75 → 13.0 → 12.5: `11` new window, `11` wider window, `10` reuse.
        // 12.5 ^ 12.75 = 0x0000_8000_0000_0000: lz 16, width 1 → 11 10000 000001 1
        // 12.75 ^ 13.0 = 0x0003_8000_0000_0000: lz 14, width 3 → 11 01110 000011 111
        // 13.0 ^ 12.5  = 0x0003_0000_0000_0000: fits lz 14 / tz 47 → 10 110
        let e = Self.encode([12.5, 12.75, 13.0, 12.5]).writer
        #expect(e.bitCount == 64 + 14 + 16 + 5)
        #expect(hex(e.bytes) == "4029000000000000" + "e00f707ec0")
    }

    @Test func reusedWindowMustCoverTheNewXor() {
        // After a narrow window, a XOR with fewer trailing zeros needs a new one.
        let values = [1.0, 1.5, 1.25, 1.125, 1.0000001, 1.0]
        Self.expectRoundTrip(values)
    }

    @Test func decoderRejectsReuseBeforeAnyWindow() {
        var w = BitWriter()
        w.writeBits(0x3FF0_0000_0000_0000, count: 64)
        w.writeBits(0b10, count: 2)
        w.writeBits(0xFFFF, count: 16)
        var d = XORValueDecoder(w.bytes, count: 2)
        let first = d.next()
        #expect(first)
        #expect(d.value == 1.0)
        #expect(d.next() == false)
        #expect(d.next() == false)
    }

    @Test func decoderRejectsWindowPastSixtyFourBits() {
        var w = BitWriter()
        w.writeBits(0, count: 64)
        w.writeBits(0b11, count: 2)
        w.writeBits(31, count: 5)  // 31 leading zeros
        w.writeBits(40, count: 6)  // + 40 bits = 71 > 64
        w.writeBits(.max, count: 40)
        var d = XORValueDecoder(w.bytes, count: 2)
        let first = d.next()
        #expect(first)
        #expect(d.next() == false)
    }

    @Test func truncatedColumnReportsOverrun() {
        var rng = SplitMix64(seed: 31)
        let values = Corpora.mixed(150, rng: &rng)
        let bytes = Self.encode(values).writer.bytes
        for cut in 0..<bytes.count {
            let (got, overrun) = Self.decodeBits(Array(bytes[..<cut]), count: values.count)
            #expect(got.count < values.count)
            #expect(overrun)
            #expect(got == Array(values.bitPatterns.prefix(got.count)))
        }
    }

    @Test func decoderNeverTrapsOnGarbage() {
        var rng = SplitMix64(seed: 32)
        for _ in 0..<1_000 {
            let bytes = rng.bytes(rng.below(64))
            let count = rng.below(600)
            var d = XORValueDecoder(bytes, start: rng.below(4), count: count)
            var n = 0
            while d.next() { n += 1 }
            #expect(n <= count)
            #expect(d.next() == false)
        }
    }
}
