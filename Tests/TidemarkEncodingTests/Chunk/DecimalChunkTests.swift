import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Decimal-packed chunks")
struct DecimalChunkTests {
    static func encode(_ ts: [Int64], _ vs: [Double], sourceLocation: SourceLocation = #_sourceLocation) throws -> [UInt8] {
        try #require(DecimalChunk.encode(timestamps: ts, values: vs), sourceLocation: sourceLocation)
    }

    /// Decodes with `next()`, with `decode(timestamps:values:)` in one go, and in uneven
    /// slices mixing both; all three must give the samples back bit for bit.
    static func expectRoundTrip(_ ts: [Int64], _ vs: [Double], _ label: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try encode(ts, vs, sourceLocation: sourceLocation)
        #expect([ChunkEncoding.decimalPacked.rawValue, ChunkEncoding.decimalRice.rawValue].contains(bytes.first ?? 0), sourceLocation: sourceLocation)
        let whole = try ChunkIterator.decodeAll(bytes)
        #expect(whole.timestamps == ts, "\(label)", sourceLocation: sourceLocation)
        #expect(whole.values.bitPatterns == vs.bitPatterns, "\(label)", sourceLocation: sourceLocation)

        var it = try ChunkIterator(bytes)
        var stepped: [Int64] = []
        while it.next() { stepped.append(it.timestamp) }
        #expect(stepped == ts && it.error == nil, "\(label): next()", sourceLocation: sourceLocation)

        var mixed = try ChunkIterator(bytes)
        var mts: [Int64] = []
        var mvs: [Double] = []
        if mixed.next() {
            mts.append(mixed.timestamp)
            mvs.append(mixed.value)
        }
        var slice = 1
        while true {
            var t = [Int64](repeating: 0, count: slice)
            var v = [Double](repeating: 0, count: slice)
            let k = t.withUnsafeMutableBufferPointer { tp in
                v.withUnsafeMutableBufferPointer { mixed.decode(timestamps: tp, values: $0) }
            }
            if k == 0 { break }
            mts += t.prefix(k)
            mvs += v.prefix(k)
            slice = slice % 7 + 1
        }
        #expect(mts == ts && mvs.bitPatterns == vs.bitPatterns, "\(label): slices", sourceLocation: sourceLocation)
    }

    static func decimalSeries(seed: UInt64, count n: Int) -> [(String, [Double])] {
        var rng = SplitMix64(seed: seed)
        return [
            ("gauge with 2 decimals", Corpora.gauge(n, rng: &rng)),
            ("counter", Corpora.counter(n, rng: &rng)),
            ("constant", [Double](repeating: 1, count: n)),
            ("zeros", [Double](repeating: 0, count: n)),
            ("milli-units swinging wide", (0..<n).map { _ in Double(Int64(rng.below(2_000_000_000)) - 1_000_000_000) / 1000 }),
            ("near 2^53", (0..<n).map { _ in Double(9_007_199_254_740_991 - Int64(rng.below(1000))) }),
            ("alternating signs", (0..<n).map { i in (i % 2 == 0 ? 1.0 : -1.0) * Double(rng.below(1_000_000)) }),
            ("fifteen decimals", (0..<n).map { _ in Double(Int64(rng.below(1_000_000_000))) / 1e15 }),
        ]
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func propertyEveryTimestampSeriesWithEveryDecimalSeries(seed: UInt64) throws {
        for n in [1, 2, 3, 240, 600] {
            for (tName, ts) in Corpora.timestampSeries(seed: seed, count: n) {
                for (vName, vs) in Self.decimalSeries(seed: seed &+ 50, count: n) {
                    try Self.expectRoundTrip(ts, vs, "\(tName) × \(vName), n=\(n)")
                }
            }
        }
    }

    @Test func extremeTimestamps() throws {
        for ts in Corpora.extremeTimestamps {
            try Self.expectRoundTrip(ts, ts.indices.map { Double($0) * 0.25 }, "\(ts)")
        }
    }

    @Test func workedExampleFromTheFormatDocs() throws {
        let t0: Int64 = 1_700_000_000_000
        let ts = [t0, t0 + 15_000, t0 + 30_000, t0 + 45_001, t0 + 60_001]
        let vs = [12.5, 12.5, 12.75, 13.0, 12.5]
        let golden = """
            02              encoding: decimalPacked
            05              count: 5
            80a0abfef962    zigzag(t₀ = 1700000000000)
            9875            Δ₁ = 15000
            02              dod column: width 2
            00              no exceptions
            24              dods 0, +1, −1 → zigzag 0, 2, 1 → 00 10 01 | pad 00
            02              scale: hundredths
            c413            zigzag(m₀ = 1250)
            07              Δm column: width 7
            00              no exceptions
            00c99630        Δm 0, 25, 25, −50 → zigzag 0, 50, 50, 99, 7 bits each | pad
            """.split(separator: "\n").map { $0.prefix { !$0.isWhitespace } }.joined()
        #expect(hex(try Self.encode(ts, vs)) == golden)
        let decoded = try ChunkIterator.decodeAll(bytes(hex: golden))
        #expect(decoded.timestamps == ts)
        #expect(decoded.values.bitPatterns == vs.bitPatterns)
        // The same samples as an XOR chunk take 27 bytes.
        #expect(try ChunkBuilder.encode(timestamps: ts, values: vs).count == 27)
        #expect(try ChunkBuilder.encodeSmallest(timestamps: ts, values: vs) == bytes(hex: golden))
    }

    @Test func emptyAndSingleSampleChunks() throws {
        #expect(hex(try Self.encode([], [])) == "0200")
        #expect(try ChunkIterator.decodeAll([0x02, 0x00]).timestamps.isEmpty)
        try Self.expectRoundTrip([42], [-7.5])
        try Self.expectRoundTrip([.min], [0])
    }

    @Test func nonDecimalValuesStayXOR() throws {
        let ts: [Int64] = [1, 2, 3]
        for vs in [[1, 2, .nan], [1, Double(bitPattern: 0x7FF0_0000_0000_0002), 3], [1e-20, 1, 2], [-0.0, 1, 2], [.infinity, 1, 2]] {
            #expect(DecimalChunk.encode(timestamps: ts, values: vs) == nil)
            #expect(try ChunkBuilder.encodeSmallest(timestamps: ts, values: vs).first == ChunkEncoding.xorColumns.rawValue)
        }
    }

    @Test func recodingKeepsEverySampleAndNeverGrows() throws {
        var rng = SplitMix64(seed: 9)
        for (name, vs) in Corpora.valueSeries(seed: 9, count: 240) + Self.decimalSeries(seed: 9, count: 240) {
            let ts = Corpora.regular(240, jitter: Int64(rng.below(10)), rng: &rng)
            let xor = try ChunkBuilder.encode(timestamps: ts, values: vs)
            let recoded = ChunkBuilder.recodeSmallest(xor)
            #expect(recoded.count <= xor.count, "\(name)")
            let back = try ChunkIterator.decodeAll(recoded)
            #expect(back.timestamps == ts && back.values.bitPatterns == vs.bitPatterns, "\(name)")
        }
    }

    @Test func decimalGaugesShrinkSeveralFold() throws {
        var rng = SplitMix64(seed: 4)
        let ts = Corpora.regular(240, jitter: 4, rng: &rng)
        let vs = Corpora.gauge(240, rng: &rng)
        let xor = try ChunkBuilder.encode(timestamps: ts, values: vs).count
        let decimal = try Self.encode(ts, vs).count
        #expect(decimal * 3 < xor, "decimal \(decimal) B vs XOR \(xor) B")
    }

    @Test func damagedChunksNeverTrapAndReportErrors() throws {
        var rng = SplitMix64(seed: 5)
        let ts = Corpora.regular(100, jitter: 3, rng: &rng)
        let good = try Self.encode(ts, Corpora.gauge(100, rng: &rng))
        // Every truncation: either the header is refused or decoding ends with an error.
        for cut in 0..<good.count {
            let bytes = Array(good[..<cut])
            guard var it = try? ChunkIterator(bytes) else { continue }
            var n = 0
            while it.next() { n += 1 }
            #expect(it.error != nil, "cut at \(cut) decoded \(n) samples without an error")
        }
        // Every single-byte corruption: no trap, and the count never exceeds the header.
        for i in 1..<good.count {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var bytes = good
                bytes[i] ^= flip
                guard var it = try? ChunkIterator(bytes) else { continue }
                var n = 0
                while it.next() { n += 1 }
                #expect(n <= it.count)
                _ = try? ChunkIterator.decodeAll(bytes)
            }
        }
        // A header declaring more samples than a chunk may hold is refused outright.
        #expect(throws: ChunkError.self) { try ChunkIterator([0x02, 0xFF, 0xFF, 0xFF, 0x7F]) }
    }
}

@Suite("Decimal chunks with Rice-coded columns")
struct DecimalRiceChunkTests {
    @Test func goldenBytesOfTheFormatDocsExample() throws {
        // Twelve integer samples 10 s apart: the value steps (0,0,0,0,1,0,0,0,0,2,0)
        // code smaller as Rice (5 bytes) than at a fixed width (6), the all-zero dods
        // smaller at width 0 (2 bytes).
        let ts = (0..<12).map { 1_700_000_000_000 + Int64($0) * 10_000 }
        let vs: [Double] = [50, 50, 50, 50, 50, 51, 51, 51, 51, 51, 53, 53]
        let bytes = try #require(DecimalChunk.encode(timestamps: ts, values: vs))
        #expect(bytes == [
            0x04, 0x0C,                          // decimalRice, 12 samples
            0x80, 0xA0, 0xAB, 0xFE, 0xF9, 0x62,  // t₀
            0x90, 0x4E,                          // Δ₁ = 10000
            0x00, 0x00,                          // dods: width 0, no exceptions
            0x00, 0x64,                          // scale 0, m₀ = 50
            0x80, 0x03, 0xF3, 0xE1, 0x80,        // Rice k=0: 1111 001 1111 00001 1, padded
        ])
        let back = try ChunkIterator.decodeAll(bytes)
        #expect(back.timestamps == ts && back.values == vs)
        // The 0x02 form of the same chunk (an older writer's) still decodes.
        let old: [UInt8] = Array(bytes[0..<14]).replacing([0x04], with: [0x02], maxReplacements: 1)
            + [0x00, 0x02, 0x04, 0x02, 0x04, 0x04]
        let fromOld = try ChunkIterator.decodeAll(old)
        #expect(fromOld.timestamps == ts && fromOld.values == vs)
        // A 0x02 chunk may not hold a Rice column.
        var bad = bytes
        bad[0] = 0x02
        #expect(throws: ChunkError.self) { try ChunkIterator.decodeAll(bad) }
    }

    @Test func tsbsLikeIntegerWalksCostAboutTwoAndAQuarterBitsPerValue() throws {
        var rng = SplitMix64(seed: 11)
        var x = 50.0
        let vs: [Double] = (0..<720).map { _ in
            x = min(100, max(0, x + rng.standardNormal()))
            return x.rounded(.towardZero)
        }
        let ts = (0..<720).map { Int64($0) * 10_000 }
        let bytes = try #require(DecimalChunk.encode(timestamps: ts, values: vs))
        #expect(bytes.first == ChunkEncoding.decimalRice.rawValue)
        #expect(bytes.count * 8 < 720 * 5 / 2, "\(bytes.count) bytes")
        let back = try ChunkIterator.decodeAll(bytes)
        #expect(back.timestamps == ts && back.values == vs)
    }
}
