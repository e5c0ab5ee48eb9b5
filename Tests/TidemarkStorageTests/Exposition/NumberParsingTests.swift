import Testing
import TidemarkStorage
import TidemarkWorkloads

/// Property tests of value and timestamp parsing against independent references.
@Suite("Exposition number parsing")
struct NumberParsingTests {
    /// Random decimal strings (fast path and fallback alike) parse to what the
    /// standard library's correctly rounded `Double(String)` gives.
    @Test func decimalValuesMatchTheStandardLibrary() throws {
        var rng = SplitMix64(seed: 42)
        var text = ""
        var tokens: [String] = []
        for _ in 0..<20_000 {
            var t = ["", "-", "+"].randomElement(using: &rng)!
            let intDigits = Int.random(in: 0...20, using: &rng)
            for _ in 0..<intDigits { t.append(String(Int.random(in: 0...9, using: &rng))) }
            let fracDigits = Int.random(in: intDigits == 0 ? 1...20 : 0...20, using: &rng)
            if fracDigits > 0 || Bool.random(using: &rng) { t.append(".") }
            for _ in 0..<fracDigits { t.append(String(Int.random(in: 0...9, using: &rng))) }
            if Bool.random(using: &rng) { t += ["e", "E"].randomElement(using: &rng)! + ["", "-", "+"].randomElement(using: &rng)! + String(Int.random(in: 0...330, using: &rng)) }
            tokens.append(t)
            text += "a \(t)\n"
        }
        var parser = ExpositionParser(Array(text.utf8), format: .prometheusText, defaultTimestamp: 0)
        var k = 0
        while true {
            let entry: ExpositionEntry?
            do { entry = try parser.next() } catch {
                let reference = Double(tokens[k])
                #expect(reference == nil || reference!.isInfinite, "rejected \(tokens[k]): \(error)")
                k += 1
                continue
            }
            guard case .sample(let s)? = entry else { break }
            let reference = try #require(Double(tokens[k]), "accepted \(tokens[k])")
            #expect(s.value.bitPattern == reference.bitPattern, "\(tokens[k]): \(s.value) vs \(reference)")
            k += 1
        }
        #expect(k == tokens.count)
    }

    /// Timestamps written as seconds with extra digits, or with an exponent, convert
    /// exactly, truncating below the millisecond toward zero.
    @Test func openMetricsSecondsConvertExactly() throws {
        var rng = SplitMix64(seed: 7)
        var text = ""
        var expected: [Int64] = []
        for _ in 0..<20_000 {
            let ms = Int64.random(in: -4_000_000_000_000...4_000_000_000_000, using: &rng)
            let sign = ms < 0 ? "-" : ""
            let m = ms.magnitude
            let frac = String(m % 1000)
            let padded = String(repeating: "0", count: 3 - frac.count) + frac
            var extra = ""
            for _ in 0..<Int.random(in: 0...6, using: &rng) { extra.append(String(Int.random(in: 0...9, using: &rng))) }
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: text += "a 1 \(sign)\(m / 1000).\(padded)\(extra)\n"
            case 1: text += "a 1 \(sign)\(m)\(extra)e-\(3 + extra.count)\n"       // all digits, shifted by the exponent
            default: text += "a 1 \(sign)0.\(m / 1000)\(padded)\(extra)e\(String(m / 1000).count)\n"
            }
            expected.append(ms)
        }
        text += "# EOF\n"
        var parser = ExpositionParser(Array(text.utf8), format: .openMetrics, defaultTimestamp: 0)
        var got: [Int64] = []
        while let e = try parser.next() { if case .sample(let s) = e { got.append(s.timestamp) } }
        #expect(got.count == expected.count)
        for (k, (a, b)) in zip(got, expected).enumerated() where a != b {
            Issue.record("line \(k + 1): got \(a), expected \(b)")
            break
        }
    }

    @Test func timestampEdgeCases() throws {
        let text = """
        a 1 9223372036854775.807
        a 1 -9223372036854775.808
        a 1 0
        a 1 -0.0009
        a 1 .5
        a 1 5.
        a 1 0e99999
        # EOF

        """
        let ts = try parseAll(text, .openMetrics).compactMap { p -> Int64? in
            if case .sample(_, _, let t) = p { return t } else { return nil }
        }
        #expect(ts == [.max, .min, 0, 0, 500, 5000, 0])
        #expect(firstError("a 1 9223372036854775.808\n# EOF\n", .openMetrics)?.message.hasSuffix("out of the range of 64-bit milliseconds") == true)
        let prom = try parseAll("a 1 9223372036854775807\na 1 -9223372036854775808\n", .prometheusText).compactMap { p -> Int64? in
            if case .sample(_, _, let t) = p { return t } else { return nil }
        }
        #expect(prom == [.max, .min])
    }
}
