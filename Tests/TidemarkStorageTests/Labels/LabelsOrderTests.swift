import Testing
import TidemarkWorkloads
@testable import TidemarkStorage

/// `Labels.sortedOrder` must order label sets exactly as `Labels.compare` does.
@Suite struct LabelsOrderTests {
    static func check(_ sets: [Labels]) {
        let order = Labels.sortedOrder(sets)
        #expect(order.sorted() == Array(sets.indices))
        for (i, j) in zip(order, order.dropFirst()) {
            #expect(Labels.compare(sets[i], sets[j]) <= 0, "\(sets[i]) before \(sets[j])")
        }
    }

    @Test(arguments: [UInt64(1), 2, 3, 4])
    func ordersAsCompareDoes(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        // Few distinct names and values, so that prefixes, equal leading labels and sets
        // that extend others are common.
        let names = ["a", "ab", "b", "__name__", "job", "jo", "é", "Z"]
        let values = ["", "x", "xy", "xyz", "y", "é", "e\u{301}", "10", "9"]
        var sets: [Labels] = []
        for _ in 0..<300 {
            var d: [String: String] = [:]
            for _ in 0..<rng.below(5) { d[names[rng.below(names.count)]] = values[rng.below(values.count)] }
            sets.append(Labels(d))
        }
        Self.check(sets)
    }

    @Test func zeroBytesFallBackToCompare() {
        Self.check([Labels(["a": "x\u{0}y"]), Labels(["a": "x"]), Labels(["a": "x\u{0}"]), Labels(["a\u{0}": "1"]), Labels(["a": "w"])])
        Self.check([])
        Self.check([Labels(["a": "1"])])
    }
}
