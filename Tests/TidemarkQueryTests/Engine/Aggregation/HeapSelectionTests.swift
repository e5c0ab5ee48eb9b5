import Testing
@testable import TidemarkQuery

@Suite struct HeapSelectionTests {
    /// Without ties the survivors are simply the k largest (smallest), NaN last.
    @Test func distinctValuesKeepTheKBest() {
        var state: UInt64 = 5
        for _ in 0..<200 {
            let n = Int(state % 40) + 1
            var values: [Double] = []
            for i in 0..<n {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                values.append(i % 11 == 5 ? .nan : Double(state >> 11) / Double(1 << 53) + Double(i) * 1e-9)
            }
            let k = Int(state % 7)
            for top in [true, false] {
                let ranked = values.indices.sorted { a, b in
                    let (x, y) = (values[a], values[b])
                    if x.isNaN != y.isNaN { return !x.isNaN }
                    return top ? x > y : x < y
                }
                #expect(Set(HeapSelection.select(values, k: k, top: top)) == Set(ranked.prefix(k)))
            }
        }
    }

    /// Ties at the k-th place are decided by the heap's layout, as in Prometheus (Go's
    /// container/heap): here the second 1 survives, not the first.
    @Test func tiesFollowGosHeap() {
        #expect(Set(HeapSelection.select([1, 1, 1, 2], k: 2, top: true)) == [1, 3])
        #expect(Set(HeapSelection.select([2, 2, 2, 1], k: 2, top: false)) == [1, 3])
        #expect(HeapSelection.select([3, 1], k: 0, top: true).isEmpty)
        // A NaN root is replaced only by a number, never by another NaN.
        #expect(Set(HeapSelection.select([.nan, 1, .nan], k: 2, top: true)) == [0, 1])
        #expect(Set(HeapSelection.select([.nan, .nan, 4], k: 1, top: true)) == [2])
    }
}
