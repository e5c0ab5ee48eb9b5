import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("LZ4 pages")
struct LZ4Tests {
    /// A 64 KiB page of back-to-back chunks, as the block writer produces.
    static func chunkPage(seed: UInt64) throws -> [UInt8] {
        var rng = SplitMix64(seed: seed)
        var page: [UInt8] = []
        while page.count < 64 * 1024 {
            let ts = Corpora.regular(120, rng: &rng)
            let vs = rng.oneIn(2) ? Corpora.gauge(120, rng: &rng) : Corpora.counter(120, rng: &rng)
            page += try ChunkBuilder.encode(timestamps: ts, values: vs)
        }
        return Array(page.prefix(64 * 1024))
    }

    static func roundTrip(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let packed = try LZ4.compress(input)
        let unpacked = try LZ4.decompress(packed, rawSize: input.count)
        #expect(unpacked == input, sourceLocation: sourceLocation)
    }

    @Test func roundTripsAssortedInputs() throws {
        var rng = SplitMix64(seed: 1)
        try Self.roundTrip([])
        try Self.roundTrip([0x42])
        try Self.roundTrip(Array("hello, hello, hello, hello".utf8))
        try Self.roundTrip([UInt8](repeating: 0, count: 1 << 20))
        try Self.roundTrip(rng.bytes(100_000))  // incompressible
        try Self.roundTrip(try Self.chunkPage(seed: 2))
        for n in [1, 2, 5, 12, 13, 64, 255, 256, 4_097] { try Self.roundTrip(rng.bytes(n)) }
    }

    @Test func compressesRepetitiveDataAndBoundsIncompressibleData() throws {
        let zeros = try LZ4.compress([UInt8](repeating: 0, count: 64 * 1024))
        #expect(zeros.count < 300)
        var rng = SplitMix64(seed: 3)
        let noise = rng.bytes(64 * 1024)
        let packed = try LZ4.compress(noise)
        // LZ4_compressBound(n) = n + n/255 + 16.
        #expect(packed.count <= noise.count + noise.count / 255 + 16)
    }

    @Test func shortLiteralBlockIsPinned() throws {
        // Token 0x30: 3 literals, no match (the final sequence of a block).
        #expect(try LZ4.compress(Array("abc".utf8)) == [0x30, 0x61, 0x62, 0x63])
        #expect(try LZ4.decompress([0x30, 0x61, 0x62, 0x63], rawSize: 3) == Array("abc".utf8))
    }

    @Test func wrongRawSizeThrows() throws {
        let input = Array(String(repeating: "tidemark ", count: 200).utf8)
        let packed = try LZ4.compress(input)
        #expect(throws: LZ4.Failure.self) { try LZ4.decompress(packed, rawSize: input.count - 1) }
        #expect(throws: LZ4.Failure.self) { try LZ4.decompress(packed, rawSize: input.count + 1) }
        #expect(throws: LZ4.Failure.tooLarge(-1)) { try LZ4.decompress(packed, rawSize: -1) }
        #expect(throws: LZ4.Failure.tooLarge(Int.max)) { try LZ4.decompress(packed, rawSize: .max) }
        #expect(try LZ4.decompress(packed, rawSize: 0) == [])
    }

    @Test func truncatedInputThrows() throws {
        let page = try Self.chunkPage(seed: 4)
        let packed = try LZ4.compress(page)
        for cut in stride(from: 0, to: packed.count, by: max(1, packed.count / 300)) {
            #expect(throws: LZ4.Failure.self) { try LZ4.decompress(Array(packed[..<cut]), rawSize: page.count) }
        }
    }

    @Test func garbageThrows() {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<2_000 {
            let garbage = rng.bytes(1 + rng.below(300))
            let rawSize = 1 + rng.below(70_000)
            #expect(throws: LZ4.Failure.self) { try LZ4.decompress(garbage, rawSize: rawSize) }
        }
        // An empty input can never produce bytes.
        #expect(throws: LZ4.Failure.self) { try LZ4.decompress([UInt8](), rawSize: 10) }
    }

    @Test func bitFlipsNeverReadOrWriteOutOfBounds() throws {
        // A flip may still decode (to different bytes); it must never crash.
        let page = try Self.chunkPage(seed: 6)
        let packed = try LZ4.compress(page)
        var rng = SplitMix64(seed: 7)
        var threw = 0
        for _ in 0..<500 {
            var bad = packed
            bad[rng.below(bad.count)] ^= UInt8(1) << UInt8(rng.below(8))
            do {
                let out = try LZ4.decompress(bad, rawSize: page.count)
                #expect(out.count == page.count)
            } catch {
                threw += 1
            }
        }
        #expect(threw > 0)
    }

    @Test func failureDescriptions() {
        #expect(LZ4.Failure.tooLarge(5).description == "LZ4 input of 5 bytes is too large")
        #expect(LZ4.Failure.malformed(expected: 10, got: -3).description
                == "LZ4 data is malformed (expected 10 bytes, decoder returned -3)")
    }
}
