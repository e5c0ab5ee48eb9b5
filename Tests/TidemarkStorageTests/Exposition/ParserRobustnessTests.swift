import Testing
import TidemarkStorage
import TidemarkWorkloads

/// Damaged input never traps, and every error points inside the input.
@Suite("Exposition parser: robustness")
struct ParserRobustnessTests {
    static let seedText = """
    # HELP http_requests_total Requests.\\n
    # TYPE http_requests_total counter
    http_requests_total{code="200",path="/a\\"b\\\\"} 1027 1700000000.123 # {trace_id="x"} 1 1700000000
    {"my.metric", "some.label"="v"} -Inf
    up 1
    # EOF

    """

    @Test(arguments: ExpositionFormat.allCases)
    func mutatedInputNeverTrapsAndErrorsPointInsideIt(_ format: ExpositionFormat) {
        var rng = SplitMix64(seed: 2024)
        let original = Array(Self.seedText.utf8)
        let interesting: [UInt8] = Array("{}\",=\\# \n\t.e+-0123456789NaInf".utf8) + [0x00, 0xFF, 0xC3, 0x0D]
        for _ in 0..<3000 {
            var bytes = original
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: bytes[at] = interesting.randomElement(using: &rng)!
                case 1: bytes.remove(at: at)
                default: bytes.insert(interesting.randomElement(using: &rng)!, at: at)
                }
                if bytes.isEmpty { bytes = [0x0A] }
            }
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(\.count)
            var parser = ExpositionParser(bytes, format: format, defaultTimestamp: 0)
            var steps = 0
            while steps < 100 {
                steps += 1
                do {
                    guard let entry = try parser.next() else { break }
                    if case .sample(let s) = entry {
                        #expect(s.series.lowerBound >= s.lineStart && s.series.upperBound <= bytes.count)
                        _ = try parser.labels(of: s)
                    }
                } catch {
                    #expect(error.line >= 1 && error.line <= lines.count + 1)
                    #expect(error.column >= 1)
                    if error.line <= lines.count { #expect(error.column <= lines[error.line - 1] + 1, "\(error)") }
                    #expect(!error.message.isEmpty)
                }
            }
            #expect(steps < 100, "parser did not finish")
        }
    }
}
