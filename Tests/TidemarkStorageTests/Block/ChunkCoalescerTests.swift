import Testing
import TidemarkEncoding
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
        #expect(joined[0].bytes == given[0].bytes)
        #expect(try Self.samples(joined).allSatisfy { $0.2 == 1_000_000 })
    }

    @Test func leavesOverlappingOrSingleChunksAlone() throws {
        let a = try Self.chunks([10]), b = try Self.chunks([10], t0: 1_050_000)  // overlaps a
        let out = ChunkCoalescer(limit: 720).coalesce(a + b)
        #expect(out.map(\.bytes) == [a[0].bytes, b[0].bytes])
        #expect(ChunkCoalescer(limit: 720).coalesce(a).map(\.bytes) == [a[0].bytes])
        #expect(ChunkCoalescer(limit: 1).coalesce(try Self.chunks([1, 1])).count == 2)
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
