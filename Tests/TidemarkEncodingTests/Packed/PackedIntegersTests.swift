import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("Packed integer columns and BitReader.unpack")
struct PackedIntegersTests {
    static func roundTrip(_ values: [UInt64], sourceLocation: SourceLocation = #_sourceLocation) throws {
        var bytes: [UInt8] = [0xEE]  // something before the column, as in a chunk
        PackedIntegers.append(values, to: &bytes)
        var position = 1
        var out = [UInt64](repeating: 0xDEAD, count: values.count)
        try out.withUnsafeMutableBufferPointer { (p) throws(ChunkError) in
            try PackedIntegers.decode(bytes, at: &position, end: bytes.count, count: values.count, into: p.baseAddress!)
        }
        #expect(out == values, sourceLocation: sourceLocation)
        #expect(position == bytes.count, "the column ends where decoding stops", sourceLocation: sourceLocation)
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func propertyRandomWidthsWithOutliers(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        for _ in 0..<300 {
            let n = rng.below(300)
            let width = rng.below(65)
            let values: [UInt64] = (0..<n).map { _ in
                let v = width == 64 ? rng.next() : rng.next() & ((1 << UInt64(width)) - 1)
                // A few outliers far wider than the rest, which should become exceptions.
                return rng.oneIn(40) ? rng.next() >> UInt64(rng.below(64)) : v
            }
            try Self.roundTrip(values)
        }
    }

    @Test func edgeColumns() throws {
        try Self.roundTrip([])
        try Self.roundTrip([0])
        try Self.roundTrip([UInt64.max])
        try Self.roundTrip([UInt64](repeating: 0, count: 1000))
        try Self.roundTrip([UInt64](repeating: .max, count: 100))
        try Self.roundTrip((0..<64).map { UInt64(1) << UInt64($0) })
        try Self.roundTrip((0..<200).map { $0 % 50 == 7 ? 1 << 40 : UInt64($0 % 3) })
    }

    @Test func widthIsChosenToMinimiseSize() {
        // Small values with one huge outlier: the outlier is an exception, not a width.
        var values = [UInt64](repeating: 5, count: 500)
        values[250] = 1 << 50
        #expect(PackedIntegers.bestWidth(values) == 3)
        #expect(PackedIntegers.bestWidth([UInt64](repeating: 0, count: 10)) == 0)
        #expect(PackedIntegers.bestWidth([.max, .max]) == 64)
    }

    @Test func goldenBytes() {
        // Width 2 and one exception (index 2, value 200, stored as 0 in its field):
        // fields 01 11 00 10 | 01 00 11 10 | 01 11 00 10, then gap 2 (index 2 counted
        // from −1) and uvarint 200 = c8 01.
        var out: [UInt8] = []
        PackedIntegers.append([1, 3, 200, 2, 1, 0, 3, 2, 1, 3, 0, 2], to: &out)
        #expect(hex(out) == "02" + "01" + "724e72" + "02c801")
    }

    @Test func malformedColumnsThrowNamingTheProblem() {
        func decode(_ bytes: [UInt8], count: Int) throws(ChunkError) {
            var position = 0
            var out = [UInt64](repeating: 0, count: max(count, 1))
            try out.withUnsafeMutableBufferPointer { (p) throws(ChunkError) in
                try PackedIntegers.decode(bytes, at: &position, end: bytes.count, count: count, into: p.baseAddress!)
            }
        }
        #expect(throws: ChunkError.self) { try decode([], count: 1) }  // no header
        #expect(throws: ChunkError.self) { try decode([65, 0], count: 1) }  // width > 64
        #expect(throws: ChunkError.self) { try decode([8, 0], count: 2) }  // fields run past the end
        #expect(throws: ChunkError.self) { try decode([8, 3, 1], count: 1) }  // more exceptions than values
        #expect(throws: ChunkError.self) { try decode([8, 1, 1, 5, 1], count: 1) }  // exception index 5 ≥ 1
        #expect(throws: ChunkError.self) { try decode([8, 1, 1, 0], count: 1) }  // exception value missing
    }

    @Test(arguments: [1, 7, 13, 57, 58, 63, 64])
    func unpackMatchesBitByBitReads(width: Int) {
        var rng = SplitMix64(seed: UInt64(width))
        let count = 150
        var writer = BitWriter()
        writer.writeBits(0b101, count: 3)  // start at an odd bit offset
        let values: [UInt64] = (0..<count).map { _ in width == 64 ? rng.next() : rng.next() & ((1 << UInt64(width)) - 1) }
        for v in values { writer.writeBits(v, count: width) }
        var reader = BitReader(writer.bytes)
        _ = reader.readBits(3)
        var out = [UInt64](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { reader.unpack(width: width, count: count, into: $0.baseAddress!) }
        #expect(out == values)
        #expect(!reader.overrun)
        #expect(reader.bitsRemaining < 8)
        // Asking for more fields than the stream holds reads zeros and reports overrun.
        var short = BitReader(writer.bytes)
        var extra = [UInt64](repeating: 1, count: count + 20)
        extra.withUnsafeMutableBufferPointer { short.unpack(width: width, count: count + 20, into: $0.baseAddress!) }
        #expect(short.overrun)
    }
}
