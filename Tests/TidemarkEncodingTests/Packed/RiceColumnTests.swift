import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Rice-coded integer columns")
struct RiceColumnTests {
    static func decode(_ bytes: [UInt8], from start: Int, count: Int) throws(ChunkError) -> (values: [UInt64], end: Int) {
        var position = start
        var out = [UInt64](repeating: 0xDEAD, count: count)
        try RiceColumn.forEach(bytes, at: &position, end: bytes.count, count: count) { i, v in out[i] = v }
        return (out, position)
    }

    static func roundTrip(_ values: [UInt64], k: Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var bytes: [UInt8] = [0xEE]  // something before the column, as in a chunk
        RiceColumn.append(values, k: k, to: &bytes)
        let stream = (RiceColumn.bits(values, k: k) + 7) / 8
        #expect(bytes.count == 1 + 1 + Varint.size(UInt64(stream)) + stream, sourceLocation: sourceLocation)
        let (out, end) = try decode(bytes, from: 1, count: values.count)
        #expect(out == values, "k=\(k)", sourceLocation: sourceLocation)
        #expect(end == bytes.count, "the column ends where decoding stops", sourceLocation: sourceLocation)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func propertyRoundTripsAtEveryParameter(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<200 {
            let n = rng.below(400)
            let scale = rng.below(40)
            let values: [UInt64] = (0..<n).map { _ in
                // Mostly small values of some magnitude, a few huge ones (escapes).
                rng.oneIn(50) ? rng.next() >> UInt64(rng.below(64)) : (rng.next() >> UInt64(64 - scale)) >> UInt64(rng.below(4))
            }
            try Self.roundTrip(values, k: RiceColumn.bestParameter(values).k)
            try Self.roundTrip(values, k: rng.below(64))
        }
        try Self.roundTrip([], k: 0)
        try Self.roundTrip([.max, 0, .max, 31, 32, 33], k: 0)
        try Self.roundTrip([.max, 1 << 63, 0], k: 63)
    }

    @Test func goldenBytes() throws {
        // k = 0: 0 → 1, 1 → 01, 2 → 001, 5 → 000001; 12 bits, padded: 1010 0100 0001 0000.
        var bytes: [UInt8] = []
        RiceColumn.append([0, 1, 2, 5], k: 0, to: &bytes)
        #expect(bytes == [0x80, 0x02, 0xA4, 0x10])
        // k = 1: 3 → 01|1, 0 → 1|0, 70 → escape (quotient 35 ≥ 32): 32 zeros, 70 in 64 bits.
        bytes = []
        RiceColumn.append([3, 0, 70], k: 1, to: &bytes)
        // 0111 0000 | 80 zero bits | 0000 0010 | 0011 0000: 101 bits in 13 bytes.
        #expect(bytes == [0x81, 0x0D, 0x70] + [UInt8](repeating: 0, count: 10) + [0x02, 0x30])
        #expect(try Self.decode(bytes, from: 0, count: 3).values == [3, 0, 70])
    }

    @Test func malformedColumnsAreErrors() throws {
        var bytes: [UInt8] = []
        RiceColumn.append([0, 1, 2, 5], k: 0, to: &bytes)
        // Fewer bytes than the length says.
        #expect(throws: ChunkError.self) { try Self.decode(Array(bytes.dropLast()), from: 0, count: 4) }
        // More codes asked for than the stream holds.
        #expect(throws: ChunkError.self) { try Self.decode(bytes, from: 0, count: 9) }
        // A whole byte left over after the codes.
        #expect(throws: ChunkError.self) { try Self.decode([0x80, 0x02, 0xA4, 0x10], from: 0, count: 2) }
        // Not a Rice header, or a parameter above 63.
        #expect(throws: ChunkError.self) { try Self.decode([0x02, 0x02, 0xA4, 0x10], from: 0, count: 4) }
        #expect(throws: ChunkError.self) { try Self.decode([0xC0, 0x02, 0xA4, 0x10], from: 0, count: 4) }
        #expect(throws: ChunkError.self) { try Self.decode([], from: 0, count: 1) }
    }

    @Test func integerColumnChoosesTheSmallerCode() throws {
        // A random walk's zig-zagged steps: mostly 0…4, Rice is smaller.
        var rng = SplitMix64(seed: 5)
        let steps: [UInt64] = (0..<700).map { _ in
            let r = rng.below(100)
            return r < 40 ? 0 : r < 64 ? 1 : r < 88 ? 2 : r < 94 ? 3 : 4
        }
        var rice: [UInt8] = [], fixed: [UInt8] = []
        #expect(IntegerColumn.append(steps, to: &rice, allowRice: true))
        PackedIntegers.append(steps, to: &fixed)
        #expect(rice.count < fixed.count)
        #expect(rice.first == 0x80)
        // Uniform 10-bit values: fixed width wins; equal sizes keep fixed width too.
        let uniform: [UInt64] = (0..<300).map { _ in UInt64(rng.below(1024)) }
        var out: [UInt8] = []
        #expect(!IntegerColumn.append(uniform, to: &out, allowRice: true))
        #expect(out.first == 10)
        out = []
        #expect(!IntegerColumn.append([0, 0, 0], to: &out, allowRice: true))
        #expect(!IntegerColumn.append(steps, to: &out, allowRice: false))
        // Either code decodes through IntegerColumn; Rice only where allowed.
        for (bytes, allow) in [(rice, true), (fixed, false), (fixed, true)] {
            var position = 0
            var got = [UInt64](repeating: 9, count: steps.count)
            try IntegerColumn.forEach(bytes, at: &position, end: bytes.count, count: steps.count, allowRice: allow) { got[$0] = $1 }
            #expect(got == steps && position == bytes.count)
        }
        var position = 0
        #expect(throws: ChunkError.self) {
            try IntegerColumn.forEach(rice, at: &position, end: rice.count, count: steps.count, allowRice: false) { _, _ in }
        }
    }
}
