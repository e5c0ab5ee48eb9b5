import Testing
@testable import TidemarkEncoding
import TidemarkWorkloads

@Suite("CRC32C")
struct CRC32CTests {
    /// Bit-at-a-time reference: slow but obviously the Castagnoli CRC.
    static func reference(_ bytes: [UInt8], continuing crc: UInt32 = 0) -> UInt32 {
        var c = ~crc
        for b in bytes {
            c ^= UInt32(b)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
        }
        return ~c
    }

    @Test func checkValue() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    }

    @Test func emptyInputIsZero() {
        #expect(CRC32C.checksum([UInt8]()) == 0)
        #expect(CRC32C.checksum([UInt8](), continuing: 0x1234_5678) == 0x1234_5678)
    }

    /// RFC 3720 (iSCSI) appendix B.4 test vectors.
    @Test func rfc3720Vectors() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
    }

    @Test func matchesBitwiseReferenceForEveryLengthAndAlignment() {
        var rng = SplitMix64(seed: 5)
        let data = rng.bytes(300)
        for start in 0..<8 {
            for length in 0...(data.count - start) where length < 40 || length % 17 == 0 {
                let slice = Array(data[start..<start + length])
                #expect(CRC32C.checksum(data, range: start..<start + length) == Self.reference(slice))
            }
        }
    }

    @Test func continuingEqualsOneShot() {
        var rng = SplitMix64(seed: 6)
        for _ in 0..<200 {
            let data = rng.bytes(rng.below(200))
            let split = data.isEmpty ? 0 : rng.below(data.count + 1)
            let first = CRC32C.checksum(Array(data[..<split]))
            let both = CRC32C.checksum(Array(data[split...]), continuing: first)
            #expect(both == CRC32C.checksum(data))
            #expect(both == Self.reference(data))
        }
    }

    @Test func detectsEverySingleBitFlip() {
        var rng = SplitMix64(seed: 8)
        let data = rng.bytes(64)
        let good = CRC32C.checksum(data)
        for bit in 0..<(data.count * 8) {
            var bad = data
            bad[bit / 8] ^= 1 << UInt8(bit % 8)
            #expect(CRC32C.checksum(bad) != good)
        }
    }

    /// The `crc32` instruction path and the table give the same checksum for every length
    /// and alignment, from any starting value (on a CPU without the instruction both are
    /// the table).
    @Test func instructionAndTableAgree() {
        var rng = SplitMix64(seed: 9)
        let bytes = (0..<600).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        bytes.withUnsafeBytes { raw in
            for start in 0..<9 {
                for length in 0...(600 - start - 1) where length < 80 || length % 37 == 0 {
                    let part = UnsafeRawBufferPointer(rebasing: raw[start..<start + length])
                    let seed = UInt32(truncatingIfNeeded: rng.next())
                    #expect(CRC32C.checksum(part, continuing: seed) == CRC32C.tableChecksum(part, continuing: seed), "start \(start) length \(length)")
                }
            }
        }
    }
}
