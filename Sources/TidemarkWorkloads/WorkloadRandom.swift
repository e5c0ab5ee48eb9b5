/// SplitMix64: the generator's only source of randomness, so a seed fixes every value
/// on every platform. Only `+ - * /` and `sqrt` (all exactly rounded in IEEE 754) touch
/// the floats derived from it: no `exp`/`log`, whose last bits differ between libms.
struct WorkloadRandom {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    /// A generator for one independent stream, keyed by the seed and up to three numbers.
    init(_ seed: UInt64, _ a: Int, _ b: Int = 0, _ c: Int = 0) {
        state = WorkloadRandom.mix(seed, a, b, c)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return WorkloadRandom.finalize(state)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// Uniform in `range`.
    mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + uniform() * (range.upperBound - range.lowerBound)
    }

    /// Uniform integer in `0..<n`.
    mutating func below(_ n: Int) -> Int {
        Int(next() % UInt64(n))
    }

    /// Roughly standard normal (Irwin–Hall of four uniforms: mean 0, variance 1, |x| ≤ 3.46).
    mutating func normal() -> Double {
        (uniform() + uniform() + uniform() + uniform() - 2) * 1.7320508075688772
    }

    /// A stateless hash of the seed and three numbers (per-scrape jitter, stream seeds).
    static func mix(_ seed: UInt64, _ a: Int, _ b: Int, _ c: Int) -> UInt64 {
        var h = finalize(seed ^ 0x6A09_E667_F3BC_C908)
        h = finalize(h ^ UInt64(bitPattern: Int64(a)) &* 0x9E37_79B9_7F4A_7C15)
        h = finalize(h ^ UInt64(bitPattern: Int64(b)) &* 0xC2B2_AE3D_27D4_EB4F)
        h = finalize(h ^ UInt64(bitPattern: Int64(c)) &* 0x1656_67B1_9E37_79F9)
        return h
    }

    private static func finalize(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Double {
    /// Rounded to two decimals, as the exporter prints percentages and load averages.
    var twoDecimals: Double { (self * 100).rounded() / 100 }

    func clamped(_ lo: Double, _ hi: Double) -> Double { Swift.min(Swift.max(self, lo), hi) }
}
