import Testing
import TidemarkEncoding
import TidemarkWorkloads
@testable import TidemarkStorage

@Suite struct ChunkCoalescerTests {
    /// Chunks of the given sizes holding consecutive samples 10 s apart from `t0`.
    static func chunks(_ sizes: [Int], t0: Int64 = 1_000_000, starts: Bool = false) throws -> [ChunkCoalescer.Chunk] {
        var out: [ChunkCoalescer.Chunk] = []
        var t = t0
        for n in sizes {
            var b = ChunkBuilder()
            for _ in 0..<n {
                try b.append(t, Double(t % 97) / 4, startTimestamp: starts ? t0 : nil)
                t += 10_000
            }
            out.append((b.encoded(), b.minTime, b.maxTime, b.count))
        }
        return out
    }

    static func samples(_ chunks: [ChunkCoalescer.Chunk]) throws -> [(Int64, Double, Int64?)] {
        var out: [(Int64, Double, Int64?)] = []
        for c in chunks {
            var it = try ChunkIterator(c.bytes)
            while it.next() { out.append((it.timestamp, it.value, it.startTimestamp)) }
            #expect(it.error == nil)
            #expect(it.count == c.samples)
        }
        return out
    }

    @Test func joinsAdjacentChunksUpToTheLimit() throws {
        let given = try Self.chunks([240, 240, 240, 240, 100])
        let joined = ChunkCoalescer(limit: 720).coalesce(given)
        #expect(joined.map(\.samples) == [720, 340])
        #expect(joined[0].minTime == given[0].minTime && joined[0].maxTime == given[2].maxTime)
        #expect(joined[1].minTime == given[3].minTime && joined[1].maxTime == given[4].maxTime)
        let a = try Self.samples(given), b = try Self.samples(joined)
        #expect(a.count == b.count)
        #expect(zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 && $0.2 == $1.2 })
    }

    @Test func keepsStartTimestampsAndLargeChunks() throws {
        let given = try Self.chunks([800, 30, 30], starts: true)
        let joined = ChunkCoalescer(limit: 720).coalesce(given)
        #expect(joined.map(\.samples) == [800, 60])
        #expect(joined[0].bytes == ChunkBuilder.recodeSmallest(given[0].bytes))
        #expect(try Self.samples(joined).allSatisfy { $0.2 == 1_000_000 })
    }

    @Test func leavesOverlappingOrSingleChunksAlone() throws {
        let a = try Self.chunks([10]), b = try Self.chunks([10], t0: 1_050_000)  // overlaps a
        let out = ChunkCoalescer(limit: 720).coalesce(a + b)
        #expect(out.map(\.bytes) == [a[0].bytes, b[0].bytes].map(ChunkBuilder.recodeSmallest))
        #expect(ChunkCoalescer(limit: 720).coalesce(a).map(\.bytes) == [ChunkBuilder.recodeSmallest(a[0].bytes)])
        #expect(ChunkCoalescer(limit: 1).coalesce(try Self.chunks([1, 1])).count == 2)
    }

    @Test func joinsOnlyWhereTheJoinedChunkIsSmaller() throws {
        // Integers (a decimal chunk), then full-precision floats (XOR only): joined, the
        // integers would have to be XOR too, which costs more than a second chunk.
        var rng = SplitMix64(seed: 3)
        var ints = ChunkBuilder(), floats = ChunkBuilder(), more = ChunkBuilder()
        for i in 0..<240 { try ints.append(Int64(i) * 10_000, Double(50 + i % 3)) }
        for i in 240..<480 { try floats.append(Int64(i) * 10_000, rng.unitInterval() * 100) }
        for i in 480..<600 { try more.append(Int64(i) * 10_000, rng.unitInterval() * 100) }
        let given: [ChunkCoalescer.Chunk] = [ints, floats, more].map { ($0.encoded(), $0.minTime, $0.maxTime, $0.count) }
        let out = ChunkCoalescer(limit: 720).coalesce(given)
        #expect(out.map(\.samples) == [240, 360])
        let smallest = given.map { ChunkBuilder.recodeSmallest($0.bytes).count }.reduce(0, +)
        #expect(out.map(\.bytes.count).reduce(0, +) <= smallest + ChunkCoalescer.indexEntryBytes)
        #expect(out[0].bytes.first == ChunkEncoding.decimalPacked.rawValue)
        #expect(out[1].bytes.first == ChunkEncoding.xorColumns.rawValue)
        #expect(try Self.samples(out).map(\.1) == (try Self.samples(given)).map(\.1))
    }

    @Test func blocksCutFromTheHeadHoldLongerChunks() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions {
            $0.samplesPerChunk = 50
            $0.blockSamplesPerChunk = 150
        })
        let app = db.appender()
        let l = series("coalesced")
        for i in 0..<400 { try app.append(l, Int64(i) * 1000, Double(i % 7)) }
        try app.commit()
        let metas = try db.compactHead(force: true)
        #expect(metas.map(\.stats.numChunks) == [3])
        #expect(metas.map(\.stats.numSamples) == [400])
        let got = try db.querier().select([.equal("__name__", "coalesced")], mint: .min, maxt: .max)
        #expect(try got[0].samples() == (0..<400).map { Sample(Int64($0) * 1000, Double($0 % 7)) })
        try db.close()
    }
}

