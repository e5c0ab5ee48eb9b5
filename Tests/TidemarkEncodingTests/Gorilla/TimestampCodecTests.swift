import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Delta-of-delta timestamps")
struct TimestampCodecTests {
    static func encode(_ ts: [Int64]) -> TimestampEncoder {
        var e = TimestampEncoder()
        for t in ts { e.append(t) }
        return e
    }

    /// Decodes `count` timestamps and checks the decoder stops cleanly afterwards.
    static func decode(_ bytes: [UInt8], count: Int) -> (values: [Int64], overrun: Bool) {
        var d = TimestampDecoder(bytes, count: count)
        var out: [Int64] = []
        while d.next() { out.append(d.value) }
        return (out, d.overrun)
    }

    static func expectRoundTrip(_ ts: [Int64], _ label: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) {
        let e = encode(ts)
        #expect(e.count == ts.count, sourceLocation: sourceLocation)
        if let last = ts.last { #expect(e.last == last, sourceLocation: sourceLocation) }
        let (got, overrun) = decode(e.writer.bytes, count: ts.count)
        #expect(overrun == false, "\(label)", sourceLocation: sourceLocation)
        #expect(got == ts, "\(label)", sourceLocation: sourceLocation)
    }

    @Test func extremeSequencesRoundTrip() {
        for ts in Corpora.extremeTimestamps { Self.expectRoundTrip(ts, "\(ts)") }
    }

    @Test(arguments: [UInt64(1), 2, 3, 42, 1234])
    func propertySortedSeriesRoundTrip(seed: UInt64) {
        for (name, ts) in Corpora.timestampSeries(seed: seed, count: 1_000) {
            #expect(ts == ts.sorted(), "generator \(name) must be sorted")
            Self.expectRoundTrip(ts, name)
            // Every prefix length decodes to the same prefix.
            for n in [0, 1, 2, 3, 17] { Self.expectRoundTrip(Array(ts.prefix(n)), "\(name) prefix \(n)") }
        }
    }

    @Test(arguments: [UInt64(10), 11, 12])
    func wrappingArithmeticRoundTripsEvenUnsortedSequences(seed: UInt64) {
        // The codec itself does not require order (ChunkBuilder enforces it): deltas and
        // dods wrap, so any Int64 sequence survives.
        var rng = SplitMix64(seed: seed)
        let ts = (0..<2_000).map { _ -> Int64 in
            switch rng.below(3) {
            case 0: return Int64(bitPattern: rng.next())
            case 1: return rng.oneIn(2) ? .min : .max
            default: return rng.int64(in: -1000...1000)
            }
        }
        Self.expectRoundTrip(ts)
    }

    /// The bucket table of TimestampEncoder.swift, pinned as bit costs per sample.
    static let bucketCases: [(dod: Int64, bits: Int)] = [
        (0, 1),
        (1, 10), (-1, 10), (-127, 10), (128, 10),
        (-128, 17), (129, 17), (-8191, 17), (8192, 17),
        (-8192, 24), (8193, 24), (-524_287, 24), (524_288, 24),
        (-524_288, 37), (524_289, 37), (-2_147_483_647, 37), (2_147_483_648, 37),
        (-2_147_483_648, 69), (2_147_483_649, 69), (.min / 4, 69), (.max / 4, 69),
    ]

    @Test(arguments: bucketCases)
    func bucketCosts(dod: Int64, bits: Int) {
        // first timestamp 0: 1 varint byte; first delta 1_000: 2 varint bytes.
        let base: Int64 = 1 << 40
        let ts: [Int64] = [base, base + 1_000, base + 2_000 + dod]
        let e = Self.encode(ts)
        let headerBits = 8 * (Self.varintLength(Varint.zigzag(base)) + Self.varintLength(1_000))
        #expect(e.writer.bitCount == headerBits + bits)
        Self.expectRoundTrip(ts)
    }

    static func varintLength(_ v: UInt64) -> Int {
        var out: [UInt8] = []
        Varint.append(v, to: &out)
        return out.count
    }

    @Test func bucketPrefixBitsArePinned() {
        // 0, 10, 20 → dod 0 → single `0` bit after two varint bytes.
        #expect(Self.encode([0, 10, 20]).writer.bytes == [0x00, 0x0A, 0b0000_0000])
        // dod +1 → `10` + 0000_0001.
        #expect(Self.encode([0, 10, 21]).writer.bytes == [0x00, 0x0A, 0b1000_0000, 0b0100_0000])
        // dod -1 → `10` + 1111_1111.
        #expect(Self.encode([0, 10, 19]).writer.bytes == [0x00, 0x0A, 0b1011_1111, 0b1100_0000])
        // dod 129 → `110` + 14 bits 00000010000001.
        #expect(Self.encode([0, 10, 149]).writer.bytes == [0x00, 0x0A, 0b1100_0000, 0b0100_0000, 0b1000_0000])
        // dod 2^31 + 1 → `11111` + 64 bits.
        let big = Self.encode([0, 0, 2_147_483_649]).writer
        #expect(big.bitCount == 16 + 69)
        #expect(big.bytes.prefix(3) == [0x00, 0x00, 0b1111_1000])
    }

    @Test func regularSeriesCostOneBitPerSample() {
        let ts = (0..<1_000).map { 1_700_000_000_000 + Int64($0) * 15_000 }
        let e = Self.encode(ts)
        let header = 8 * (Self.varintLength(Varint.zigzag(ts[0])) + Self.varintLength(15_000))
        #expect(e.writer.bitCount == header + 998)
    }

    @Test func decoderStopsAfterCountAndNeverTrapsOnGarbage() {
        var rng = SplitMix64(seed: 77)
        for _ in 0..<500 {
            let bytes = rng.bytes(rng.below(40))
            let count = rng.below(400)
            var d = TimestampDecoder(bytes, count: count)
            var n = 0
            while d.next() { n += 1 }
            #expect(n <= count)
            #expect(d.next() == false)
        }
    }

    @Test func truncatedColumnReportsOverrun() {
        var rng = SplitMix64(seed: 78)
        let ts = Corpora.regular(200, jitter: 2_000, rng: &rng)
        let bytes = Self.encode(ts).writer.bytes
        for cut in 0..<bytes.count {
            let (got, overrun) = Self.decode(Array(bytes[..<cut]), count: ts.count)
            #expect(got.count < ts.count)
            #expect(overrun)
            #expect(got == Array(ts.prefix(got.count)), "the samples before the damage are intact")
        }
    }

    @Test func decoderReadsASubrange() {
        let ts: [Int64] = [5, 10, 20, 20, 1 << 50]
        let column = Self.encode(ts).writer.bytes
        let framed: [UInt8] = [0xEE, 0xEE] + column + [0xFF, 0xFF]
        var d = TimestampDecoder(framed, start: 2, end: 2 + column.count, count: ts.count)
        var out: [Int64] = []
        while d.next() { out.append(d.value) }
        #expect(out == ts)
        #expect(d.overrun == false)
    }
}
