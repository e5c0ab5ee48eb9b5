import Testing
import TidemarkStorage

@Suite("Gzip")
struct GzipTests {
    static func sampleText(lines: Int) -> [UInt8] {
        var w = ExpositionWriter(format: .prometheusText)
        for i in 0..<lines { w.write(L(["__name__": "m", "i": "\(i % 50)"]), timestamp: Int64(i) * 1000, value: Double(i) / 8) }
        return w.output
    }

    @Test func roundTrip() throws {
        for size in [0, 1, 100, 20_000] {
            let text = Self.sampleText(lines: size)
            let gz = Gzip.compress(text)
            #expect(Gzip.isGzip(gz))
            #expect(try Gzip.decompress(gz) == text)
            if size == 20_000 { #expect(gz.count < text.count / 4) }
        }
    }

    @Test func isGzipChecksTheMagic() {
        #expect(Gzip.isGzip([0x1F, 0x8B, 0x08]))
        #expect(!Gzip.isGzip([0x1F]))
        #expect(!Gzip.isGzip(Array("a 1\n".utf8)))
        #expect(!Gzip.isGzip([]))
    }

    @Test func concatenatedMembers() throws {
        let a = Array("a 1\n".utf8), b = Array("b 2\n".utf8)
        #expect(try Gzip.decompress(Gzip.compress(a) + Gzip.compress(b)) == a + b)
    }

    @Test func zlibStreamsAreAcceptedToo() throws {
        // zlib header 78 9c, deflate of "hi", adler32: what `zlib.compress(b"hi")` gives.
        let z: [UInt8] = [0x78, 0x9C, 0xCB, 0xC8, 0x04, 0x00, 0x01, 0x3B, 0x00, 0xD2]
        #expect(try Gzip.decompress(z) == Array("hi".utf8))
    }

    @Test func corruptInput() {
        var gz = Gzip.compress(Self.sampleText(lines: 1000))
        gz[gz.count / 2] ^= 0xFF
        gz[gz.count / 2 + 1] ^= 0x55
        #expect {
            try Gzip.decompress(gz)
        } throws: { error in
            guard case .corrupt(let message, let offset)? = error as? Gzip.Error else { return false }
            return !message.isEmpty && offset > 0 && offset <= gz.count
        }
    }

    @Test func badChecksumIsCorrupt() {
        var gz = Gzip.compress(Array("a 1\n".utf8))
        gz[gz.count - 6] ^= 0x01  // CRC32 in the trailer
        #expect {
            try Gzip.decompress(gz)
        } throws: { error in
            guard case .corrupt(let message, _)? = error as? Gzip.Error else { return false }
            return message == "incorrect data check"
        }
    }

    @Test func notCompressedAtAll() {
        #expect {
            try Gzip.decompress(Array("plain text, no header".utf8))
        } throws: { error in
            if case .corrupt? = error as? Gzip.Error { return true }
            return false
        }
    }

    @Test func truncatedInput() {
        let gz = Gzip.compress(Self.sampleText(lines: 1000))
        #expect(throws: Gzip.Error.truncated(offset: gz.count / 2)) { try Gzip.decompress(Array(gz.prefix(gz.count / 2))) }
        #expect(throws: Gzip.Error.truncated(offset: 5)) { try Gzip.decompress(Array(gz.prefix(5))) }
    }

    @Test func trailingGarbage() {
        let gz = Gzip.compress(Array("a 1\n".utf8)) + [0x00, 0x01]
        #expect(throws: Gzip.Error.corrupt("unexpected data after the end of the gzip stream", offset: gz.count - 2)) { try Gzip.decompress(gz) }
    }

    @Test func outputLimit() throws {
        let text = Self.sampleText(lines: 5000)
        let gz = Gzip.compress(text)
        #expect(throws: Gzip.Error.outputTooLarge(limit: text.count - 1)) { try Gzip.decompress(gz, maxOutputSize: text.count - 1) }
        #expect(try Gzip.decompress(gz, maxOutputSize: text.count) == text)
        #expect(try Gzip.decompress(Gzip.compress([]), maxOutputSize: 0) == [])
        // A bomb: 64 MiB of zeros is ~64 KiB compressed; a 1 MiB limit stops it early.
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(throws: Gzip.Error.outputTooLarge(limit: 1 << 20)) { try Gzip.decompress(bomb, maxOutputSize: 1 << 20) }
    }

    @Test func errorDescriptions() {
        #expect(Gzip.Error.truncated(offset: 7).description == "truncated gzip data: input ended at byte 7 inside the stream")
        #expect(Gzip.Error.outputTooLarge(limit: 10).description == "gzip data decompresses to more than the limit of 10 bytes")
        #expect(Gzip.Error.corrupt("invalid block type", offset: 3).description == "corrupt gzip data at input byte 3: invalid block type")
    }
}
