import Testing
import TidemarkStorage
import TidemarkWorkloads

/// parse(write(x)) == x over random label sets, values and timestamps (seeded).
@Suite("Exposition write → parse round trip")
struct RoundTripTests {
    static let alphabet: [String] = ["a", "Z", "_", "0", "9", ".", "-", " ", "\"", "\\", "\n", "\t", "\r", "#", "{", "}", ",", "=",
                                     "é", "ü", "日本", "🌊", "\\n", "\\\"", "le", "0.5"]

    static func randomText(_ rng: inout SplitMix64, maxLength: Int) -> String {
        let n = Int.random(in: 1...maxLength, using: &rng)
        return (0..<n).map { _ in alphabet.randomElement(using: &rng)! }.joined()
    }

    static func randomName(_ rng: inout SplitMix64, metric: Bool) -> String {
        if Bool.random(using: &rng) {
            let first = metric ? "abcxyzABC_:" : "abcxyzABC_"
            let rest = metric ? "abcxyz_:0129" : "abcxyz_0129"
            var s = String(first.randomElement(using: &rng)!)
            for _ in 0..<Int.random(in: 0...12, using: &rng) { s.append(rest.randomElement(using: &rng)!) }
            return s
        }
        return randomText(&rng, maxLength: 8)
    }

    static func randomLabels(_ rng: inout SplitMix64) -> Labels {
        var labels = [Label(metricNameLabel, randomName(&rng, metric: true))]
        for _ in 0..<Int.random(in: 0...6, using: &rng) {
            var name = randomName(&rng, metric: false)
            if name == metricNameLabel { name += "x" }
            labels.append(Label(name, randomText(&rng, maxLength: 12)))
        }
        return Labels(labels)
    }

    static func randomValue(_ rng: inout SplitMix64) -> Double {
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: return [0.0, -0.0, .infinity, -.infinity, .greatestFiniteMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude, 1e15, 1e16].randomElement(using: &rng)!
        case 1: return Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 100
        case 2: return Double(Int64.random(in: 0...(1 << 53), using: &rng))
        case 3: return Double.random(in: -1...1, using: &rng)
        default:
            while true {
                let v = Double(bitPattern: rng.next())
                if !v.isNaN { return v }
            }
        }
    }

    static func randomTimestamp(_ rng: inout SplitMix64) -> Int64 {
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return [Int64.min, Int64.max, 0, -1, 1, 999, -999, 1000].randomElement(using: &rng)!
        case 1: return Int64.random(in: Int64.min...Int64.max, using: &rng)
        default: return 1_700_000_000_000 + Int64.random(in: -10_000_000_000...10_000_000_000, using: &rng)
        }
    }

    @Test(arguments: ExpositionFormat.allCases)
    func randomSeriesRoundTrip(_ format: ExpositionFormat) throws {
        var rng = SplitMix64(seed: 0x71de_3a2c)
        var written: [Parsed] = []
        var writer = ExpositionWriter(format: format)
        for i in 0..<400 {
            let labels = Self.randomLabels(&rng)
            let samples = (0..<Int.random(in: 1...5, using: &rng)).map { _ in (Self.randomTimestamp(&rng), Self.randomValue(&rng)) }
            if i % 7 == 0, let name = labels.metricName {
                writer.writeType(family: name, .gauge)
                written.append(.type(name, .gauge))
            }
            if i % 11 == 0, let name = labels.metricName {
                let help = Self.randomText(&rng, maxLength: 20)
                writer.writeHelp(family: name, help)
                // Trailing whitespace of help text is not kept by the parser.
                var trimmed = help
                while let last = trimmed.unicodeScalars.last, [" ", "\t", "\r"].contains(last) { trimmed.unicodeScalars.removeLast() }
                var leading = trimmed
                while let first = leading.unicodeScalars.first, [" ", "\t", "\r"].contains(first) { leading.unicodeScalars.removeFirst() }
                written.append(.help(name, leading))
            }
            writer.write(labels, samples)
            written.append(contentsOf: samples.map { Parsed.sample(labels, $0.1, $0.0) })
        }
        writer.finish()
        let text = String(decoding: writer.output, as: UTF8.self)
        #expect(ExpositionFormat.detect(writer.output) == format)
        let parsed = try parseAll(text, format)
        #expect(parsed.count == written.count)
        for (a, b) in zip(parsed, written) where a != b {
            Issue.record("round trip mismatch: wrote \(b), read \(a)")
            break
        }
    }

    @Test(arguments: ExpositionFormat.allCases)
    func everyNaNReadsBackAsNormalNaN(_ format: ExpositionFormat) throws {
        var writer = ExpositionWriter(format: format)
        let nans: [UInt64] = [0x7ff8_0000_0000_0000, 0x7ff0_0000_0000_0002, 0xfff8_0000_0000_0000, 0x7ff8_0000_0000_0001, 0x7fff_ffff_ffff_ffff]
        for bits in nans { writer.write(L(["__name__": "a"]), timestamp: 1000, value: Double(bitPattern: bits)) }
        writer.finish()
        let parsed = try parseAll(String(decoding: writer.output, as: UTF8.self), format)
        #expect(parsed == Array(repeating: .sample(L(["__name__": "a"]), ExpositionParser.normalNaN, 1000), count: nans.count))
    }

    @Test func everyMillisecondOfADayRoundTripsThroughOpenMetricsSeconds() throws {
        var writer = ExpositionWriter(format: .openMetrics)
        let base: Int64 = 1_700_000_000_000
        for k in stride(from: Int64(0), to: 86_400_000, by: 997) { writer.write(seriesText: Array("a".utf8), timestamp: base + k, value: 1) }
        writer.finish()
        var parser = ExpositionParser(writer.output, format: .openMetrics, defaultTimestamp: 0)
        var expected = base
        while let e = try parser.next() {
            guard case .sample(let s) = e else { continue }
            #expect(s.timestamp == expected)
            if s.timestamp != expected { break }
            expected += 997
        }
    }
}
