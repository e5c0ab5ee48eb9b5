import Testing
@testable import TidemarkQuery
import TidemarkWorkloads

/// avg_over_time and sum_over_time add integer windows plainly when that is exact; the
/// answer must be the Kahan path's, bit for bit.
@Suite struct ExactIntegerSumTests {
    static func kahanSum(_ vs: [Double]) -> Double {
        var s = 0.0, c = 0.0
        for v in vs { (s, c) = kahanSumInc(v, s, c) }
        return s.isInfinite ? s : s + c
    }

    static func kahanMean(_ vs: [Double]) -> Double {
        var m = MeanAccumulator()
        for v in vs { m.add(v) }
        return m.value
    }

    static func exact(_ vs: [Double]) -> Double? {
        vs.withUnsafeBufferPointer { RangeFunctions.exactIntegerSum($0) }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func integerWindowsGiveTheKahanBits(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let sum = try #require(RangeFunctions.kernel("sum_over_time"))
        let avg = try #require(RangeFunctions.kernel("avg_over_time"))
        for _ in 0..<2000 {
            let n = 1 + rng.below(400)
            let magnitude = [100, 1 << 20, 1 << 40][rng.below(3)]
            let vs: [Double] = (0..<n).map { _ in Double(rng.below(2 * magnitude) - magnitude) }
            #expect(Self.exact(vs) != nil)
            let ts = [Int64](repeating: 0, count: n)
            let a = WindowArgs(rangeStart: 0, rangeEnd: 0, range: 0, t: 0)
            let (s, m) = try ts.withUnsafeBufferPointer { t in
                try vs.withUnsafeBufferPointer { v in (try sum(t, v, a), try avg(t, v, a)) }
            }
            #expect(s?.bitPattern == Self.kahanSum(vs).bitPattern)
            #expect(m?.bitPattern == Self.kahanMean(vs).bitPattern)
        }
    }

    @Test func anythingElseTakesTheKahanPath() {
        #expect(Self.exact([1, 2.5, 3]) == nil)
        #expect(Self.exact([1, .infinity]) == nil)
        #expect(Self.exact([-.infinity, 1]) == nil)
        #expect(Self.exact([1, .nan]) == nil)
        #expect(Self.exact([0x1p52, 0x1p52, 1]) == nil)  // partial sums could pass 2^53
        #expect(Self.exact([0x1p52, 1]) == 0x1p52 + 1)
        #expect(Self.exact([-0.0, 0, 7]) == 7)
        // The same inside a block of four lanes.
        #expect(Self.exact([1, 2, 3, .nan, 5]) == nil)
        #expect(Self.exact([1, 2, .infinity, 4, 5]) == nil)
        #expect(Self.exact([1e-300, 2, 3, 4, 5]) == nil)
        #expect(Self.exact([0.5, -0.5, 3, 4]) == nil)  // deviations do not cancel
        #expect(Self.exact([-3, 2, 3, 4, 5, 6, 7, 8, 9]) == 41)
        #expect(Self.exact([]) == 0)
    }
}
