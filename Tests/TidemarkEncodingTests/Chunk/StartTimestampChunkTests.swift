import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

/// `xorColumnsWithStart` chunks (encoding 0x03): the XOR columns plus a start-timestamp
/// column, written only when some sample has a start timestamp.
@Suite("Chunks with start timestamps")
struct StartTimestampChunkTests {
    static func build(_ ts: [Int64], _ vs: [Double], _ sts: [Int64?]) throws -> [UInt8] {
        var b = ChunkBuilder()
        for i in ts.indices { try b.append(ts[i], vs[i], startTimestamp: sts[i]) }
        return b.encoded()
    }

    static func expectRoundTrip(_ ts: [Int64], _ vs: [Double], _ sts: [Int64?], _ label: String = "",
                                sourceLocation: SourceLocation = #_sourceLocation) throws {
        let bytes = try build(ts, vs, sts)
        let hasStart = sts.contains { $0 != nil }
        #expect(bytes.first == (hasStart ? 0x03 : 0x01), "\(label)", sourceLocation: sourceLocation)
        let decoded = try ChunkIterator.decodeAllWithStarts(bytes)
        #expect(decoded.timestamps == ts, "\(label)", sourceLocation: sourceLocation)
        #expect(decoded.values.bitPatterns == vs.bitPatterns, "\(label)", sourceLocation: sourceLocation)
        #expect(decoded.starts == sts, "\(label)", sourceLocation: sourceLocation)
        // Sample by sample too, and through the batch path into a SampleBuffer.
        var it = try ChunkIterator(bytes)
        var one: [Int64?] = []
        while it.next() { one.append(it.startTimestamp) }
        #expect(one == sts, "\(label)", sourceLocation: sourceLocation)
        let buffer = SampleBuffer()
        buffer.append(1, 1)  // a sample without start before the chunk: padded with nil
        var batch = try ChunkIterator(bytes)
        buffer.append(remainingOf: &batch)
        #expect(buffer.count == ts.count + 1, sourceLocation: sourceLocation)
        #expect(buffer.hasStartTimestamps == hasStart, sourceLocation: sourceLocation)
        if hasStart { #expect(buffer.startTimestamps == [nil] + sts, "\(label)", sourceLocation: sourceLocation) }
    }

    /// Start-timestamp patterns for timestamps `ts`: none, a cumulative counter's fixed
    /// start, delta samples starting at the previous sample, OTel's unknown start (= t),
    /// starts after t, gaps, and extremes.
    static func startPatterns(_ ts: [Int64], seed: UInt64) -> [(String, [Int64?])] {
        var rng = SplitMix64(seed: seed)
        let n = ts.count
        return [
            ("none", [Int64?](repeating: nil, count: n)),
            ("cumulative", ts.map { _ in ts.first.map { $0 &- 30_000 } }),
            ("delta", ts.indices.map { $0 == 0 ? ts[0] &- 60_000 : ts[$0 - 1] }),
            ("at t", ts.map { $0 }),
            ("after t", ts.map { $0 &+ 1 }),
            ("restarts", ts.indices.map { i in i % 17 == 0 ? nil : ts[i - i % 5] &- Int64(i % 3) }),
            ("random", ts.map { _ in rng.next() % 4 == 0 ? nil : Int64(bitPattern: rng.next()) }),
            ("extremes", ts.indices.map { [Int64.min, .max, 0, -1, nil][$0 % 5] }),
            ("late first start", ts.indices.map { $0 < n / 2 ? nil : 42 }),
        ]
    }

    @Test(arguments: [UInt64(1), 2])
    func propertyEveryTimestampValueAndStartCombination(seed: UInt64) throws {
        let tss = Corpora.timestampSeries(seed: seed, count: 300)
        let vss = Corpora.valueSeries(seed: seed &+ 100, count: 300)
        for (tName, ts) in tss {
            for (sName, sts) in Self.startPatterns(ts, seed: seed) {
                for (vName, vs) in vss.prefix(3) {
                    try Self.expectRoundTrip(ts, vs, sts, "\(tName) × \(sName) × \(vName)")
                }
            }
        }
    }

    @Test func extremeTimestampsWithStarts() throws {
        for ts in Corpora.extremeTimestamps {
            let vs = ts.map { _ in 1.0 }
            for (name, sts) in Self.startPatterns(ts, seed: 9) { try Self.expectRoundTrip(ts, vs, sts, "\(ts) \(name)") }
        }
    }

    /// The worked example of docs/format/chunk.md: the five samples of the XOR example,
    /// with starts none, t₀ − 30 s, the same, t₂ (a delta sample) and t₄ (unknown start).
    @Test func workedExampleFromTheFormatDocs() throws {
        let t0: Int64 = 1_700_000_000_000
        let ts = [t0, t0 + 15_000, t0 + 30_000, t0 + 45_001, t0 + 60_001]
        let sts: [Int64?] = [nil, t0 - 30_000, t0 - 30_000, t0 + 30_000, t0 + 60_001]
        let golden = """
            03                       encoding: xorColumnsWithStart
            05                       count: 5
            0b                       timestamp column: 11 bytes
            0d                       value column: 13 bytes
            80a0abfef962             zigzag(1700000000000)
            9875                     first delta 15000
            4037f8                   dods 0, +1, -1
            4029000000000000         12.5, raw
            7007b83f60               value codes
            00                       sample 0: no start
            0290bf05                 sample 1: explicit, zigzag(t1 - st = 45000) = 90000
            01                       sample 2: same as sample 1
            02b2ea01                 sample 3: explicit, zigzag(15001) = 30002
            0200                     sample 4: explicit, t4 - st = 0
            """.split(separator: "\n").map { $0.prefix { !$0.isWhitespace } }.joined()
        let encoded = try Self.build(ts, [12.5, 12.5, 12.75, 13.0, 12.5], sts)
        #expect(hex(encoded) == golden)
        let decoded = try ChunkIterator.decodeAllWithStarts(bytes(hex: golden))
        #expect(decoded.timestamps == ts)
        #expect(decoded.starts == sts)
        #expect(encoded.count == 40)
    }

    @Test func chunksWithoutStartsKeepTheXORBytes() throws {
        let ts: [Int64] = [0, 1000, 2000]
        let vs = [1.0, 2.0, 4.0]
        let plain = try ChunkBuilder.encode(timestamps: ts, values: vs)
        #expect(try Self.build(ts, vs, [nil, nil, nil]) == plain)
        #expect(plain.first == ChunkEncoding.xorColumns.rawValue)
        #expect(try ChunkIterator(plain).hasStartTimestamps == false)
    }

    @Test func recodingNeverDropsStartTimestamps() throws {
        // Exact decimals would make a decimal chunk smaller, but it has no start column.
        let ts = (0..<120).map { Int64($0) * 15_000 }
        let vs = (0..<120).map { Double($0) * 0.25 }
        let chunk = try Self.build(ts, vs, ts.map { _ in -5_000 })
        #expect(ChunkBuilder.recodeSmallest(chunk) == chunk)
        let plain = try ChunkBuilder.encode(timestamps: ts, values: vs)
        #expect(ChunkBuilder.recodeSmallest(plain).first == ChunkEncoding.decimalPacked.rawValue)
    }

    @Test func damagedStartColumnsFailWithoutTrapping() throws {
        let t0: Int64 = 1_700_000_000_000
        let good = try Self.build([t0, t0 + 1000, t0 + 2000], [1, 2, 3], [t0 - 10, t0 - 10, t0 + 1000])
        // Every truncation fails at init or ends with `error`; none traps.
        for cut in 1..<good.count {
            let part = Array(good[..<cut])
            if var it = try? ChunkIterator(part) {
                while it.next() {}
                #expect(it.error != nil || it.remaining > 0 || cut == good.count, "cut \(cut)")
            }
        }
        #expect(throws: ChunkError.self) { try ChunkIterator(good + [0]) }  // a byte after the column
        let header = 4  // 03, count, ts len, value len (all one byte here)
        let startColumn = header + Int(good[2]) + Int(good[3])
        var badTag = good
        badTag[startColumn] = 7
        #expect(throws: ChunkError.corrupt("start-timestamp entry 0 has tag 7")) { try ChunkIterator(badTag) }
        // Entries "none" then "same": there is no start to repeat.
        let two = try Self.build([t0, t0 + 1000], [1, 2], [nil, 5])
        let twoStarts = header + Int(two[2]) + Int(two[3])
        let sameWithoutStart = Array(two[..<(twoStarts + 1)]) + [StartColumn.same]
        #expect(throws: ChunkError.corrupt("start-timestamp entry 1 repeats a missing start")) { try ChunkIterator(sameWithoutStart) }
        // Column lengths that run past the chunk.
        var long = good
        long[3] = 0x7f
        #expect(throws: ChunkError.self) { try ChunkIterator(long) }
    }
}
