import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

/// Damaged chunks must never trap: `ChunkIterator` either throws at init, or ends
/// with `error` set, or yields samples (a bit flip can turn one valid chunk into
/// another). What it must never do is report a clean end after fewer samples than
/// the header declares.
@Suite("Chunk corruption")
struct ChunkCorruptionTests {
    enum Outcome {
        case threw(ChunkError)
        case ended(count: Int, produced: Int, error: ChunkError?)

        var isError: Bool {
            switch self {
            case .threw: return true
            case .ended(_, _, let e): return e != nil
            }
        }
    }

    /// Decodes `bytes[start..<end]` to the end and checks the iterator's invariants.
    static func drain(_ bytes: [UInt8], start: Int = 0, end: Int? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation) -> Outcome {
        var it: ChunkIterator
        do {
            it = try ChunkIterator(bytes, start: start, end: end)
        } catch {
            return .threw(error)
        }
        var produced = 0
        var lastT = Int64.min
        while it.next() {
            produced += 1
            _ = it.value
            lastT = it.timestamp
        }
        _ = lastT
        #expect(produced <= it.count, sourceLocation: sourceLocation)
        if produced < it.count { #expect(it.error != nil, sourceLocation: sourceLocation) }
        if it.error == nil { #expect(produced == it.count, sourceLocation: sourceLocation) }
        #expect(it.next() == false, "stays ended", sourceLocation: sourceLocation)
        return .ended(count: it.count, produced: produced, error: it.error)
    }

    static func sampleChunks() throws -> [[UInt8]] {
        var rng = SplitMix64(seed: 2024)
        var chunks: [[UInt8]] = []
        let t0: Int64 = 1_700_000_000_000
        chunks.append(try ChunkBuilder.encode(timestamps: [t0, t0 + 15_000, t0 + 30_000, t0 + 45_001, t0 + 60_001],
                                              values: [12.5, 12.5, 12.75, 13.0, 12.5]))
        chunks.append(try ChunkBuilder.encode(timestamps: [-5, 0, .max],
                                              values: [Double(bitPattern: Corpora.staleMarkerBits), -0.0, .infinity]))
        chunks.append(try ChunkBuilder.encode(timestamps: [.min, .max], values: [.nan, -.infinity]))
        let ts = Corpora.regular(120, rng: &rng)
        chunks.append(try ChunkBuilder.encode(timestamps: ts, values: Corpora.gauge(120, rng: &rng)))
        chunks.append(try ChunkBuilder.encode(timestamps: Corpora.hugeJumps(60, rng: &rng),
                                              values: Corpora.mixed(60, rng: &rng)))
        chunks.append(try ChunkBuilder.encode(timestamps: Corpora.equalRuns(200, rng: &rng),
                                              values: Corpora.constantRuns(200, rng: &rng)))
        return chunks
    }

    @Test func everyStrictPrefixOfAValidChunkIsAnError() throws {
        for chunk in try Self.sampleChunks() {
            for cut in 0..<chunk.count {
                let outcome = Self.drain(Array(chunk[..<cut]))
                #expect(outcome.isError, "prefix of \(cut) of \(chunk.count) bytes decoded cleanly")
                // The same truncation expressed through `end:` behaves identically.
                let viaEnd = Self.drain(chunk, end: cut)
                #expect(viaEnd.isError)
            }
            #expect(Self.drain(chunk).isError == false)
        }
    }

    @Test func truncatedHeaderThrows() {
        #expect(throws: ChunkError.corrupt("empty chunk")) { try ChunkIterator([]) }
        #expect(throws: ChunkError.corrupt("truncated header")) { try ChunkIterator([0x01]) }
        #expect(throws: ChunkError.corrupt("truncated header")) { try ChunkIterator([0x01, 0x05]) }
        #expect(throws: ChunkError.corrupt("truncated header")) { try ChunkIterator([0x01, 0x85, 0x80]) }
        // A count no chunk of this size could hold, and a column longer than the chunk.
        #expect(throws: ChunkError.self) { try ChunkIterator([0x01, 0xFF, 0xFF, 0xFF, 0x7F, 0x00]) }
        #expect(throws: ChunkError.self) { try ChunkIterator([0x01, 0x01, 0x09, 0x00]) }
        // An over-long varint in the header.
        #expect(throws: ChunkError.self) { try ChunkIterator([0x01] + [UInt8](repeating: 0xFF, count: 12)) }
    }

    @Test func outOfRangeBoundsAreRejectedNotTrappedOn() throws {
        let good = try ChunkBuilder.encode(timestamps: [1, 2, 3], values: [1, 2, 3])
        #expect(throws: ChunkError.corrupt("chunk starts at negative offset -1")) {
            try ChunkIterator(good, start: -1)
        }
        #expect(throws: ChunkError.corrupt("empty chunk")) { try ChunkIterator(good, start: good.count) }
        #expect(throws: ChunkError.corrupt("empty chunk")) { try ChunkIterator(good, start: 2, end: 1) }
        #expect(throws: ChunkError.corrupt("empty chunk")) { try ChunkIterator(good, start: 0, end: -4) }
        // An end past the buffer is clamped to it.
        #expect(Self.drain(good, end: good.count + 100).isError == false)
    }

    @Test func everySingleBitFlipIsHandled() throws {
        var errors = 0
        var total = 0
        for chunk in try Self.sampleChunks() {
            for bit in 0..<(chunk.count * 8) {
                var bad = chunk
                bad[bit / 8] ^= 1 << UInt8(bit % 8)
                if Self.drain(bad).isError { errors += 1 }
                total += 1
            }
        }
        // Most flips land in the columns and just change samples; but flips in the
        // header and the control bits must be caught at least some of the time.
        #expect(errors > 0 && errors < total)
    }

    @Test func multiByteDamageAndRandomGarbage() throws {
        var rng = SplitMix64(seed: 404)
        let chunks = try Self.sampleChunks()
        for _ in 0..<3_000 {
            var bad = chunks[rng.below(chunks.count)]
            switch rng.below(4) {
            case 0:  // scribble a few bytes
                for _ in 0..<(1 + rng.below(4)) { bad[rng.below(bad.count)] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1:  // cut and scribble
                bad = Array(bad.prefix(rng.below(bad.count + 1)))
                if !bad.isEmpty { bad[rng.below(bad.count)] ^= 0xFF }
            case 2:  // pure garbage behind a valid encoding byte
                bad = [0x01] + rng.bytes(rng.below(80))
            default:  // pure garbage
                bad = rng.bytes(rng.below(80))
            }
            _ = Self.drain(bad)
            if bad.count > 2 {
                _ = Self.drain(bad, start: rng.below(bad.count), end: rng.below(bad.count + 5))
            }
        }
    }

    @Test func headerCountLargerThanTheColumnsIsAnError() throws {
        // Re-write a valid chunk's count upwards: the columns run out.
        let good = try ChunkBuilder.encode(timestamps: [1, 2, 3], values: [1, 2, 3])
        var bad = good
        bad[1] = 0x40  // 64 samples declared, 3 present
        let outcome = Self.drain(bad)
        #expect(outcome.isError)
        if case .ended(let count, let produced, _) = outcome {
            #expect(count == 64)
            #expect(produced >= 3 && produced < 64)
        }
    }
}
