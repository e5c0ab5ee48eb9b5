import Testing
import TidemarkWorkloads

@Suite struct CPUOnlyWorkloadTests {
    @Test func storesTheWalkTruncatedToIntegersAsTSBSDoes() {
        let tsbs = Array(CPUOnlyWorkload(hosts: 5, rounds: 200, seed: 4, start: 0).makeSamples())
        let float = Array(CPUOnlyWorkload(hosts: 5, rounds: 200, seed: 4, start: 0, values: .fullPrecision).makeSamples())
        #expect(tsbs.count == 5 * 10 * 200 && float.count == tsbs.count)
        #expect(tsbs.allSatisfy { $0.value == $0.value.rounded(.towardZero) && (0...100).contains($0.value) })
        // The same walk underneath: each integer is its float truncated toward zero.
        for (t, f) in zip(tsbs, float) {
            #expect(t.timestamp == f.timestamp && t.series == f.series)
            #expect(t.value == f.value.rounded(.towardZero))
        }
        #expect(float.filter { $0.value != $0.value.rounded() }.count > float.count * 9 / 10)
    }

    @Test func walkStepsAreStandardNormal() {
        // Steps of one series away from the clamps: mean near 0, deviation near 1.
        let w = CPUOnlyWorkload(hosts: 20, rounds: 500, seed: 9, start: 0, values: .fullPrecision)
        var last: [Int: Double] = [:]
        var steps: [Double] = []
        for s in w.makeSamples() {
            if let p = last[s.series], p > 5, p < 95, s.value > 5, s.value < 95 { steps.append(s.value - p) }
            last[s.series] = s.value
        }
        #expect(steps.count > 10_000)
        let mean = steps.reduce(0, +) / Double(steps.count)
        let sd = (steps.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(steps.count)).squareRoot()
        #expect(abs(mean) < 0.05)
        #expect(abs(sd - 1) < 0.05)
        #expect(steps.contains { abs($0) > 2.5 })
    }
}
