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

    // MARK: Block decoding (forEachBlock, BitCursor.unpack)

    /// `forEachBlock` over `bytes[position...]`: the values in order, checking the
    /// blocks' lengths and offsets; throws as the column's decoder does.
    static func blocks(_ bytes: [UInt8], at position: inout Int, end: Int, count: Int) throws(ChunkError) -> [UInt64] {
        var out: [UInt64] = []
        var p = position
        let failure: ChunkError? = bytes.withUnsafeBytes { raw in
            do throws(ChunkError) {
                try PackedIntegers.forEachBlock(raw, at: &p, end: end, count: count) { block, k, first in
                    #expect(first == out.count)
                    #expect(k >= 1 && k <= PackedIntegers.blockSize)
                    #expect(k == PackedIntegers.blockSize || first + k == count, "only the last block is short")
                    if let block {
                        out += UnsafeBufferPointer(start: block, count: k)
                    } else {
                        out += repeatElement(0, count: k)
                    }
                }
                return nil
            } catch {
                return error
            }
        }
        if let failure { throw failure }
        position = p
        return out
    }

    /// Exceptions at block edges, every width, counts around multiples of 8 and 64, with
    /// and without bytes after the column (the padded-copy path at a buffer's end).
    @Test(arguments: Array(0...64))
    func blocksMatchTheFieldByFieldDecoder(width: Int) throws {
        var rng = SplitMix64(seed: 1000 + UInt64(width))
        let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
        for count in [1, 2, 7, 8, 9, 15, 16, 17, 63, 64, 65, 100, 127, 128, 129, 200, 511] {
            var values: [UInt64] = (0..<count).map { _ in rng.next() & mask }
            // Force the width: one value uses every bit of it.
            values[rng.below(count)] = mask
            if width < 60 {
                for edge in [0, 62, 63, 64, 65, 127, 128, count - 1] where edge < count && rng.oneIn(2) {
                    values[edge] = mask &+ 1 &+ rng.next() % 1000  // wider: an exception (if the width holds)
                }
            }
            for trailing in [0, 1, 3, 9, 40] {
                var bytes: [UInt8] = [0xEE, 0xEE, 0xEE]
                PackedIntegers.append(values, to: &bytes)
                let end = bytes.count
                bytes += (0..<trailing).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
                var p1 = 3, p2 = 3
                var reference = [UInt64](repeating: 0, count: count)
                try reference.withUnsafeMutableBufferPointer { (out) throws(ChunkError) in
                    try PackedIntegers.decode(bytes, at: &p1, end: end, count: count, into: out.baseAddress!)
                }
                let got = try Self.blocks(bytes, at: &p2, end: end, count: count)
                #expect(got == reference, "width \(width) count \(count) trailing \(trailing)")
                #expect(got == values)
                #expect(p2 == p1 && p2 == end)
            }
        }
    }

    @Test func blocksThrowWhereTheFieldByFieldDecoderThrows() {
        var rng = SplitMix64(seed: 77)
        var good: [UInt8] = []
        var values: [UInt64] = (0..<150).map { _ in UInt64(rng.below(16)) }
        values[3] = 1 << 40
        values[70] = 1 << 33
        PackedIntegers.append(values, to: &good)
        var cases: [[UInt8]] = [[], [65, 0], [8, 0], [8, 3, 1], [8, 1, 1, 5, 1], [8, 1, 1, 0]]
        for cut in 0..<good.count { cases.append(Array(good[..<cut])) }
        for i in 0..<good.count {
            var b = good
            b[i] ^= 0x5A
            cases.append(b)
        }
        for bytes in cases {
            let count = bytes.count >= 2 && bytes[0] == 8 ? 1 : 150
            var p1 = 0, p2 = 0
            var reference = [UInt64](repeating: 0, count: count)
            let expected: Result<[UInt64], ChunkError> = reference.withUnsafeMutableBufferPointer { out in
                do throws(ChunkError) {
                    try PackedIntegers.decode(bytes, at: &p1, end: bytes.count, count: count, into: out.baseAddress!)
                    return .success(Array(out))
                } catch {
                    return .failure(error)
                }
            }
            let got: Result<[UInt64], ChunkError>
            do throws(ChunkError) { got = .success(try Self.blocks(bytes, at: &p2, end: bytes.count, count: count)) } catch {
                got = .failure(error)
            }
            switch (expected, got) {
            case (.success(let a), .success(let b)):
                #expect(a == b && p1 == p2, "\(hex(bytes))")
            case (.failure, .failure):
                break
            default:
                Issue.record("\(hex(bytes)): field by field \(expected), blocks \(got)")
            }
        }
    }

    @Test func cursorUnpackAtEveryPositionWidthAndEnd() {
        var rng = SplitMix64(seed: 99)
        let bytes = (0..<48).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        func bit(_ i: Int, end: Int) -> UInt64 { i < end * 8 ? UInt64(bytes[i / 8] >> UInt8(7 - i % 8) & 1) : 0 }
        bytes.withUnsafeBytes { raw in
            for end in [0, 1, 7, 8, 9, 16, 31, 48] {
                let c = BitCursor(raw, start: 0, end: end)
                for width in 0...64 {
                    for position in [0, 3, 8, 16, 24, 40, 64, 120] where position <= end * 8 {
                        for count in [1, 5, 8, 13, 16, 24, 64] {
                            var out = [UInt64](repeating: 0xAB, count: (count + 7) / 8 * 8)
                            out.withUnsafeMutableBufferPointer { c.unpack(width: width, from: position, count: count, into: $0.baseAddress!) }
                            let want: [UInt64] = (0..<count).map { i in
                                var v: UInt64 = 0
                                for b in 0..<width { v = v << 1 | bit(position + i * width + b, end: end) }
                                return v
                            }
                            #expect(Array(out[..<count]) == want, "end \(end) width \(width) position \(position) count \(count)")
                        }
                    }
                }
            }
        }
    }
}
