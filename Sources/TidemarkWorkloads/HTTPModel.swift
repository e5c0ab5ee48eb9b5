import TidemarkStorage

/// `http_requests_total` per status code and a classic latency histogram
/// (`_bucket` per `le`, `_count`, `_sum`) over the same requests, so that
/// `_count` = the sum of the request counters = the `+Inf` bucket.
struct HTTPModel {
    static let codes = ["200", "201", "304", "404", "500"]
    private static let codeShares = [0.0, 0.03, 0.04, 0.025, 0.005]  // 200 takes the rest
    /// Upper bounds of the buckets; `+Inf` is added last.
    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    static let bucketLabels = bounds.map { ExpositionWriter.valueText($0) } + ["+Inf"]
    /// Output order: codes, buckets (with +Inf), count, sum.
    static let slotCount = codes.count + bounds.count + 1 + 2

    private var rng: WorkloadRandom
    private let traits: HostTraits
    private let intervalSeconds: Double
    private var rate: Double
    private var median: Double
    private var requests: [Double]
    private var buckets: [Double]
    private var count: Double
    private var sum: Double

    init(traits: HostTraits, seed: UInt64, intervalSeconds: Double) {
        rng = WorkloadRandom(seed, traits.host, 5)
        self.traits = traits
        self.intervalSeconds = intervalSeconds
        rate = traits.requestRate
        median = traits.medianLatency
        let uptime = rng.uniform(3_600...2_592_000)
        let n = (traits.requestRate * uptime).rounded(.down)
        var total = 0.0
        requests = HTTPModel.codeShares.map { ($0 * n).rounded(.down) }
        total = requests.reduce(0, +)
        requests[0] = n - total
        count = n
        buckets = HTTPModel.cumulative(n, median: median).map { $0 }
        sum = (n * median * 1.4 * 1_000).rounded() / 1_000
    }

    /// Requests at or below each bound, for `n` requests with a log-logistic latency
    /// (shape 2): F(x) = x² / (x² + median²); the last entry is `+Inf` (all of them).
    private static func cumulative(_ n: Double, median: Double) -> [Double] {
        var out = bounds.map { b in (n * b * b / (b * b + median * median)).rounded(.down) }
        out.append(n)
        return out
    }

    mutating func step(_ out: UnsafeMutablePointer<Double>) {
        rate = (rate * (1 + 0.03 * rng.normal()) + 0.03 * (traits.requestRate - rate)).clamped(traits.requestRate / 5, traits.requestRate * 5)
        median = (median * (1 + 0.02 * rng.normal()) + 0.02 * (traits.medianLatency - median)).clamped(traits.medianLatency / 3, traits.medianLatency * 3)
        let n = (rate * intervalSeconds * rng.uniform(0.8...1.2)).rounded()

        var others = 0.0
        for c in 1..<HTTPModel.codes.count {
            let k = (n * HTTPModel.codeShares[c] * rng.uniform(0.3...1.7) + rng.uniform()).rounded(.down)
            let add = min(k, n - others)
            requests[c] += add
            others += add
        }
        requests[0] += n - others

        var below = 0.0
        for i in 0..<HTTPModel.bounds.count {
            let b = HTTPModel.bounds[i]
            let expected = n * b * b / (b * b + median * median)
            below = max(below, min(n, (expected + rng.uniform()).rounded(.down)))
            buckets[i] += below
        }
        buckets[HTTPModel.bounds.count] += n
        count += n
        // Observed latencies add up to a float with many digits, as client libraries' sums do.
        sum += n * median * 1.4 * rng.uniform(0.9...1.1)

        var k = 0
        for v in requests { out[k] = v; k += 1 }
        for v in buckets { out[k] = v; k += 1 }
        out[k] = count
        out[k + 1] = sum
    }
}
