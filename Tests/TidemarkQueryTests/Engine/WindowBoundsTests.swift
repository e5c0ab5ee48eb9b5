import Testing
@testable import TidemarkQuery

/// `gallopUpperBound` (how range windows advance) agrees with a plain binary search
/// from any valid starting point, on sorted arrays with duplicates and gaps.
@Suite struct WindowBoundsTests {
    @Test func gallopingFindsWhatBisectionFinds() {
        var state: UInt64 = 99
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(n))
        }
        for _ in 0..<300 {
            var a: [Int64] = []
            var t: Int64 = Int64(next(100)) - 50
            for _ in 0..<next(200) {
                t += Int64(next(4) == 0 ? 0 : next(30))
                a.append(t)
            }
            a.withUnsafeBufferPointer { b in
                for _ in 0..<50 {
                    let x = Int64(next(8000)) - 100
                    let want = upperBound(b, x)
                    // Any start at or before the answer, where everything before is <= x.
                    let from = want == 0 ? 0 : next(want + 1)
                    #expect(gallopUpperBound(b, x, from: from) == want, "x \(x) from \(from) in \(a)")
                }
            }
        }
    }
}
