import Testing
import TidemarkRemoteWrite

/// `UTF8Validation` gives the standard library's verdict on every input.
@Suite struct UTF8ValidationTests {
    func stdlib(_ b: [UInt8]) -> Bool { String(validating: b, as: UTF8.self) != nil }
    func ours(_ b: [UInt8]) -> Bool { b.withUnsafeBytes { UTF8Validation.isValid($0) } }

    @Test func edgeCases() {
        let cases: [[UInt8]] = [
            [], Array("plain ascii, long enough for the 8-byte steps".utf8), Array("ü💧é€".utf8),
            [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF], [0xC2],  // 2-byte forms, overlong, truncated
            [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],  // overlong, surrogates
            [0xEF, 0xBF, 0xBF], [0xE1, 0x80], [0xE1, 0x80, 0x7F],
            [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
            [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xF1, 0x80, 0x80], Array("abcdefgh".utf8) + [0xFF] + Array("abcdefgh".utf8),
        ]
        for c in cases { #expect(ours(c) == stdlib(c), "\(c)") }
    }

    @Test func randomBytesAgreeWithTheStandardLibrary() {
        var rng = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0xBF, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90]
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...12, using: &rng)
            let b = (0..<n).map { _ in Bool.random(using: &rng) ? alphabet.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng) }
            #expect(ours(b) == stdlib(b), "\(b)")
        }
    }
}
