import Testing
@testable import TidemarkEncoding

@Suite("Decimal scale detection")
struct DecimalScaleTests {
    @Test func findsTheSmallestExactScale() throws {
        #expect(DecimalScale.mantissas([1, 2, 3])?.scale == 0)
        #expect(DecimalScale.mantissas([1, 2.5, 3])?.scale == 1)
        let cents = try #require(DecimalScale.mantissas([21.37, 21.4, -0.01]))
        #expect(cents.scale == 2)
        #expect(cents.mantissas == [2137, 2140, -1])
        #expect(DecimalScale.mantissas([0.123456789012345])?.scale == 15)
        #expect(DecimalScale.mantissas([9_007_199_254_740_991])?.mantissas == [9_007_199_254_740_991])
        #expect(DecimalScale.mantissas([])?.scale == 0)
    }

    @Test func rejectsWhatIsNotAnExactDecimal() {
        // 0.30000000000000004 is a 17-decimal number: representable, at scale 17.
        #expect(DecimalScale.mantissas([0.1 + 0.2])?.scale == 17)
        #expect(DecimalScale.mantissas([1e-20]) == nil)  // needs scale 20 > maxScale
        #expect(DecimalScale.mantissas([1, .nan]) == nil)
        #expect(DecimalScale.mantissas([Double(bitPattern: 0x7FF0_0000_0000_0002)]) == nil)  // stale marker
        #expect(DecimalScale.mantissas([.infinity]) == nil)
        #expect(DecimalScale.mantissas([-0.0]) == nil)  // would come back as +0.0
        #expect(DecimalScale.mantissas([1e19]) == nil)  // mantissa beyond 2^62
        #expect(DecimalScale.mantissas([.leastNonzeroMagnitude]) == nil)
    }

    @Test func valuesComeBackBitForBit() {
        for v in [0.0, 1, -1, 0.5, 21.37, 1e15, 123_456.789, -98.6, 0.001, 3.14159] {
            guard let d = DecimalScale.mantissas([v]) else {
                Issue.record("\(v) should be decimal")
                continue
            }
            #expect(DecimalScale.value(d.mantissas[0], scale: d.scale).bitPattern == v.bitPattern)
        }
    }
}
