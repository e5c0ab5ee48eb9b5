import Testing
@testable import TidemarkEncoding

/// Exact bytes of small chunks. These pin the on-disk format: if one fails, the change
/// made old files unreadable (or differently readable) and needs a new encoding byte
/// instead (docs/format/chunk.md, "Adding a codec").
///
/// The hex was produced by the implementation and checked against an independent
/// re-implementation of the layout written from the documentation; the first one is
/// the worked example of docs/format/chunk.md, taken apart field by field.
@Suite("Chunk golden bytes")
struct ChunkGoldenTests {
    static func check(_ ts: [Int64], _ vs: [Double], _ golden: String,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        let encoded = try ChunkBuilder.encode(timestamps: ts, values: vs)
        #expect(hex(encoded) == golden.filter { !$0.isWhitespace }, sourceLocation: sourceLocation)
        // And the pinned bytes decode to the samples, whatever the encoder does.
        let decoded = try ChunkIterator.decodeAll(bytes(hex: golden))
        #expect(decoded.timestamps == ts, sourceLocation: sourceLocation)
        #expect(decoded.values.bitPatterns == vs.bitPatterns, sourceLocation: sourceLocation)
    }

    @Test func workedExampleFromTheFormatDocs() throws {
        let t0: Int64 = 1_700_000_000_000
        try Self.check(
            [t0, t0 + 15_000, t0 + 30_000, t0 + 45_001, t0 + 60_001],
            [12.5, 12.5, 12.75, 13.0, 12.5],
            """
            01                       encoding: xorColumns
            05                       count: 5
            0b                       timestamp column: 11 bytes
            80a0abfef962             zigzag(1700000000000) = 3400000000000
            9875                     first delta 15000
            4037f8                   0 | 10 00000001 | 10 11111111 | pad 000
            4029000000000000         12.5, raw
            7007b83f60               0 | 11 10000 000001 1 | 11 01110 000011 111 | 10 110 | pad
            """.split(separator: "\n").map { $0.prefix { !$0.isWhitespace } }.joined())
    }

    @Test func emptyChunk() throws {
        try Self.check([], [], "01 00 00")
    }

    @Test func singleZeroSample() throws {
        try Self.check([0], [0.0], "01 01 01 00 0000000000000000")
    }

    @Test func extremesAndSpecialValues() throws {
        // dod = Int64.max - 5 takes the 64-bit bucket; stale marker → -0.0 opens a
        // 63-bit window; -0.0 → +Inf (XOR fff0000000000000) would fit in it but waste
        // 51 bits, so it opens a 12-bit one: 11 00000 001100 111111111111.
        let ts: [Int64] = [-5, 0, .max]
        let vs = [Double(bitPattern: 0x7FF0_0000_0000_0002), -0.0, .infinity]
        try Self.check(ts, vs, "01 03 0b 09 05 fbffffffffffffffd0 7ff0000000000002 c1ffff8000000000001c067ff8")
        // Encoders before 2026-11 reused the 63-bit window (10 + 63 bits); those chunks
        // decode the same.
        let reused = try ChunkIterator.decodeAll(bytes(hex: "01030b0905fbffffffffffffffd07ff0000000000002c1ffff8000000000001bffc0000000000000"))
        #expect(reused.timestamps == ts && reused.values.bitPatterns == vs.bitPatterns)
    }

    @Test func regularCounterThirtySamples() throws {
        let t0: Int64 = 1_700_000_000_000
        let ts = (0..<30).map { t0 + Int64($0) * 15_000 + ($0 % 7 == 3 ? 1 : 0) }
        let vs = (0..<30).map { Double($0 * $0 * 3) }
        try Self.check(ts, vs, """
            011e1980a0abfef96298754037f402100dfd0084037f402100dfd0080000000000000000c26400c009ac
            59e91f9eb1f5c9f513cb8a70ce72ed1e3ec236e4bd067eeed23bf613a38c72bf597e8e11719b843ce7e1
            e719385fea37ea706ee07580
            """)
    }

    @Test func crcOfTheWorkedExampleIsPinned() throws {
        // Pages store a CRC32C over their chunks; pin one so the two stay in step.
        let t0: Int64 = 1_700_000_000_000
        let c = try ChunkBuilder.encode(timestamps: [t0, t0 + 15_000, t0 + 30_000, t0 + 45_001, t0 + 60_001],
                                        values: [12.5, 12.5, 12.75, 13.0, 12.5])
        #expect(c.count == 27)
        #expect(CRC32C.checksum(c) == 0x8CFE_D143)
    }
}
