import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Chunk round trips and builder rules")
struct ChunkTests {
    static func build(_ ts: [Int64], _ vs: [Double]) throws -> [UInt8] {
        try ChunkBuilder.encode(timestamps: ts, values: vs)
    }

    static func expectRoundTrip(_ ts: [Int64], _ vs: [Double], _ label: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try build(ts, vs)
        let decoded = try ChunkIterator.decodeAll(bytes)
        #expect(decoded.timestamps == ts, "\(label)", sourceLocation: sourceLocation)
        #expect(decoded.values.bitPatterns == vs.bitPatterns, "\(label)", sourceLocation: sourceLocation)
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func propertyEveryTimestampAndValueSeriesCombination(seed: UInt64) throws {
        let tss = Corpora.timestampSeries(seed: seed, count: 600)
        let vss = Corpora.valueSeries(seed: seed &+ 100, count: 600)
        for (tName, ts) in tss {
            for (vName, vs) in vss {
                try Self.expectRoundTrip(ts, vs, "\(tName) × \(vName)")
            }
        }
    }

    @Test func extremeTimestampsWithSpecialValues() throws {
        let specials = Corpora.specialValueBits.map { Double(bitPattern: $0) }
        for ts in Corpora.extremeTimestamps {
            let vs = (0..<ts.count).map { specials[($0 * 7) % specials.count] }
            try Self.expectRoundTrip(ts, vs, "\(ts)")
        }
    }

    @Test func emptyChunk() throws {
        let b = ChunkBuilder()
        #expect(b.count == 0)
        #expect(b.encoded() == [0x01, 0x00, 0x00])
        var it = try ChunkIterator(b.encoded())
        #expect(it.count == 0)
        #expect(it.next() == false)
        #expect(it.error == nil)
    }

    @Test func builderTracksCountAndTimeRange() throws {
        var b = ChunkBuilder()
        try b.append(100, 1)
        try b.append(100, 2)  // equal timestamps are the storage layer's business
        try b.append(250, 3)
        #expect(b.count == 3)
        #expect(b.minTime == 100)
        #expect(b.maxTime == 250)
        let encoded = b.encoded()
        #expect(abs(b.approximateBytes - encoded.count) <= 4)
        let (ts, vs) = try ChunkIterator.decodeAll(encoded)
        #expect(ts == [100, 100, 250])
        #expect(vs == [1, 2, 3])
    }

    @Test func outOfOrderSampleIsRejectedAndLeavesTheBuilderUnchanged() throws {
        var b = ChunkBuilder()
        try b.append(1_000, 1.5)
        try b.append(2_000, 2.5)
        let before = b.encoded()
        #expect(throws: ChunkError.outOfOrder(previous: 2_000, got: 1_999)) {
            try b.append(1_999, 9)
        }
        #expect(throws: ChunkError.outOfOrder(previous: 2_000, got: .min)) {
            try b.append(.min, 9)
        }
        #expect(b.count == 2)
        #expect(b.maxTime == 2_000)
        #expect(b.encoded() == before)
        // The builder keeps working after a rejection.
        try b.append(2_000, 3.5)
        try b.append(.max, 4.5)
        #expect(try ChunkIterator.decodeAll(b.encoded()).timestamps == [1_000, 2_000, 2_000, .max])
    }

    @Test func encodeRejectsUnsortedInput() {
        #expect(throws: ChunkError.outOfOrder(previous: 30, got: 20)) {
            try ChunkBuilder.encode(timestamps: [10, 30, 20], values: [1, 2, 3])
        }
        #expect(throws: ChunkError.outOfOrder(previous: .max, got: .min)) {
            try ChunkBuilder.encode(timestamps: [.max, .min], values: [1, 2])
        }
    }

    @Test func unknownEncodingBytesAreRejected() {
        let known = Set(ChunkEncoding.allCases.map(\.rawValue))
        for byte in UInt8.min...UInt8.max where !known.contains(byte) {
            #expect(throws: ChunkError.unknownEncoding(byte)) { try ChunkIterator([byte, 0x00, 0x00]) }
        }
    }

    @Test func encodingByteIsPinned() {
        #expect(ChunkEncoding.xorColumns.rawValue == 0x01)
        #expect(ChunkEncoding.decimalPacked.rawValue == 0x02)
        #expect(ChunkEncoding.xorColumnsWithStart.rawValue == 0x03)
        #expect(ChunkEncoding.decimalRice.rawValue == 0x04)
        #expect(ChunkEncoding.allCases == [.xorColumns, .decimalPacked, .xorColumnsWithStart, .decimalRice])
        #expect(ChunkEncoding(rawValue: 0) == nil)
        #expect(ChunkEncoding.xorColumns.description == "xor")
        #expect(ChunkEncoding.decimalPacked.description == "decimal")
        #expect(ChunkEncoding.xorColumnsWithStart.description == "xor+st")
    }

    @Test func errorDescriptionsNameTheProblem() {
        #expect(ChunkError.unknownEncoding(7).description == "unknown chunk encoding byte 7")
        #expect(ChunkError.corrupt("x").description == "corrupt chunk: x")
        #expect(ChunkError.outOfOrder(previous: 5, got: 4).description
                == "out-of-order sample: timestamp 4 is before 5")
    }

    @Test func chunksAreDecodedInPlaceInsideAPage() throws {
        // Storage packs chunks back to back in a page and decodes each by range.
        var rng = SplitMix64(seed: 9)
        var page: [UInt8] = [0xAA, 0xBB]
        var ranges: [(Range<Int>, [Int64], [Double])] = []
        for i in 0..<20 {
            let n = rng.below(150)
            let ts = Corpora.regular(n, rng: &rng)
            let vs = i % 2 == 0 ? Corpora.gauge(n, rng: &rng) : Corpora.mixed(n, rng: &rng)
            let c = try Self.build(ts, vs)
            ranges.append((page.count..<page.count + c.count, ts, vs))
            page += c
        }
        page += [0x01, 0xFF, 0xFF]  // trailing junk must not be read
        for (range, ts, vs) in ranges {
            var it = try ChunkIterator(page, start: range.lowerBound, end: range.upperBound)
            var gotT: [Int64] = []
            var gotV: [UInt64] = []
            while it.next() {
                gotT.append(it.timestamp)
                gotV.append(it.value.bitPattern)
            }
            #expect(it.error == nil)
            #expect(gotT == ts)
            #expect(gotV == vs.bitPatterns)
        }
    }

    @Test func iteratorStopsAfterCount() throws {
        var it = try ChunkIterator(try Self.build([1, 2, 3], [1, 2, 3]))
        var n = 0
        while it.next() { n += 1 }
        #expect(n == 3)
        #expect(it.next() == false)
        #expect(it.error == nil)
        #expect(it.timestamp == 3)
    }
}
