import Foundation
import Testing
@testable import TidemarkQuery
import TidemarkWorkloads

/// `PrometheusFormat.value` takes fast paths for integers and exponent-free values; they
/// must print exactly what the digit-by-digit formatter (`plain`) prints.
@Suite struct FloatFormatTests {

    static func reference(_ v: Double) -> String {
        let a = abs(v)
        return a != 0 && (a < 1e-6 || a >= 1e21) ? PrometheusFormat.exponential(v) : PrometheusFormat.plain(v)
    }

    @Test func fastPathsPrintWhatTheGeneralFormatterPrints() {
        var rng = SplitMix64(seed: 42)
        var values: [Double] = [0, -0.0, 1, -1, 0.5, 1e-6, 9.999999e-7, 1e15, 1e16, 1e20, 123456789012345678, 9_007_199_254_740_991,
                                9_007_199_254_740_992, 9_007_199_254_740_993, 0.1 + 0.2, 58.13171323049762, -1234.5e-3, 1e-5, 0.0001]
        for _ in 0..<20_000 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: values.append(Double(bitPattern: rng.next()))
            case 1: values.append(Double(Int64.random(in: -1_000_000_000_000...1_000_000_000_000, using: &rng)))
            case 2: values.append(Double(Int.random(in: -100_000...100_000, using: &rng)) / 100)
            default: values.append(Double.random(in: -1e22...1e22, using: &rng) * pow(10, Double(Int.random(in: -30...0, using: &rng))))
            }
        }
        for v in values where v.isFinite {
            #expect(PrometheusFormat.value(v) == Self.reference(v), "\(v.bitPattern)")
        }
    }

    @Test func timestampsWholeAndFractional() {
        #expect(PrometheusFormat.timestamp(1_700_000_000_000) == "1700000000")
        #expect(PrometheusFormat.timestamp(1_500) == "1.500")
        #expect(PrometheusFormat.timestamp(-1_500) == "-1.500")
        #expect(PrometheusFormat.timestamp(-2_000) == "-2")
        #expect(PrometheusFormat.timestamp(7) == "0.007")
    }

    @Test func jsonStringsEscapeLikeGoWithAndWithoutTheFastPath() {
        #expect(PrometheusJSON.string("node_cpu") == "\"node_cpu\"")
        #expect(PrometheusJSON.string("é☃") == "\"é☃\"")
        #expect(PrometheusJSON.string("a<b>&\"\\") == "\"a\\u003cb\\u003e\\u0026\\\"\\\\\"")
        #expect(PrometheusJSON.string("x\u{2028}y\u{1}") == "\"x\\u2028y\\u0001\"")
        #expect(PrometheusJSON.string("€") == "\"€\"")  // E2 82 AC: slow path, unchanged
    }
}
