import Testing
@testable import TidemarkQuery
import TidemarkWorkloads

/// In-process fuzzing: mutated upstream queries must never trap; errors must point inside
/// the input; whatever parses must round-trip through the printer.
@Suite struct MutationTests {
    static let alphabet: [String] = ["(", ")", "[", "]", "{", "}", ",", ":", "@", "-", "+", "*", "/", "^", "%", "=", "!", "~", "<", ">",
                                     "\"", "'", "`", "#", "\n", " ", ".", "0", "1", "5m", "e", "x", "Inf", "NaN", "offset", "by", "on",
                                     "bool", "sum", "rate(", "start()", "step()", "group_left", "\\", "é", "0x", "smoothed", "and"]

    @Test func mutatedQueriesNeverTrapAndRoundTrip() throws {
        let seeds = UpstreamQuery.all.map(\.query)
        try #require(!seeds.isEmpty)
        var rng = SplitMix64(seed: 42)
        var parsed = 0
        for _ in 0..<30_000 {
            var chars = Array(seeds[rng.below(seeds.count)])
            for _ in 0..<(1 + rng.below(3)) {
                let at = chars.isEmpty ? 0 : rng.below(chars.count + 1)
                switch rng.below(3) {
                case 0 where !chars.isEmpty && at < chars.count: chars.remove(at: at)
                case 1: chars.insert(contentsOf: Array(rng.pick(Self.alphabet)), at: at)
                default:
                    if at < chars.count { chars[at] = Array(rng.pick(Self.alphabet))[0] }
                }
            }
            let text = String(chars)
            let length = text.utf8.count
            do {
                let e = try PromQL.parse(text)
                parsed += 1
                let printed = e.promql
                let back = try PromQL.parse(printed)
                #expect(back == e, "\(text) -> \(printed)")
                #expect(back.promql == printed, "\(text) -> \(printed)")
            } catch {
                #expect(error.position.start >= 0 && error.position.start <= length && error.position.end <= length
                        && error.position.start <= error.position.end, "\(text): \(error) \(error.position)")
                #expect(error.line >= 1 && error.column >= 1, "\(text): \(error)")
            }
        }
        print("mutation test: \(parsed) of 30000 mutated queries parsed")
    }
}
