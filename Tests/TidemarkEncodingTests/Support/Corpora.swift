import TidemarkWorkloads

/// Sample generators shared by the codec and chunk property tests: every Float64 bit
/// pattern class the storage must keep bit-exact, and timestamp sequences from
/// regular scrapes to the extremes of the Int64 range.
enum Corpora {
    // MARK: Values

    /// Prometheus's staleness marker: a NaN with this exact payload.
    static let staleMarkerBits: UInt64 = 0x7FF0_0000_0000_0002

    /// One representative of every IEEE-754 class, plus NaNs whose payloads differ
    /// only in bits a value-based comparison would lose.
    static let specialValueBits: [UInt64] = [
        0x0000_0000_0000_0000,  // +0.0
        0x8000_0000_0000_0000,  // -0.0
        0x7FF0_0000_0000_0000,  // +Inf
        0xFFF0_0000_0000_0000,  // -Inf
        0x7FF8_0000_0000_0000,  // canonical quiet NaN
        0xFFF8_0000_0000_0000,  // quiet NaN, sign bit set
        staleMarkerBits,  // signalling NaN, payload 2
        0x7FF0_0000_0000_0001,  // signalling NaN, payload 1
        0x7FF7_FFFF_FFFF_FFFF,  // largest signalling payload
        0xFFFF_FFFF_FFFF_FFFF,  // all ones: negative quiet NaN, full payload
        0x7FF8_DEAD_BEEF_CAFE,  // quiet NaN with a payload
        0x0000_0000_0000_0001,  // smallest subnormal
        0x8000_0000_0000_0001,  // -smallest subnormal
        0x000F_FFFF_FFFF_FFFF,  // largest subnormal
        0x0010_0000_0000_0000,  // smallest normal
        0x7FEF_FFFF_FFFF_FFFF,  // greatest finite
        0xFFEF_FFFF_FFFF_FFFF,  // -greatest finite
        0x3FF0_0000_0000_0000,  // 1.0
        0x3FF0_0000_0000_0001,  // 1.0.nextUp
        0xBFF0_0000_0000_0000,  // -1.0
        0x7FFF_FFFF_FFFF_FFFF,  // positive quiet NaN, full payload
        0x5555_5555_5555_5555,
        0xAAAA_AAAA_AAAA_AAAA,
    ]

    /// A gauge printed with two decimals (e.g. a temperature or a percentage).
    static func gauge(_ n: Int, rng: inout SplitMix64) -> [Double] {
        var cents = 2_150 + Int64(rng.below(1000))
        return (0..<n).map { _ in
            cents += Int64(rng.below(21)) - 10
            return Double(cents) / 100
        }
    }

    /// A monotonically increasing counter (integral values as doubles).
    static func counter(_ n: Int, rng: inout SplitMix64) -> [Double] {
        var c: Double = Double(rng.below(1_000_000))
        return (0..<n).map { _ in
            c += Double(rng.below(3) == 0 ? 0 : rng.below(5000))
            return c
        }
    }

    /// Runs of identical bit patterns of random length.
    static func constantRuns(_ n: Int, rng: inout SplitMix64) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(n)
        while out.count < n {
            let bits = rng.oneIn(2) ? specialValueBits[rng.below(specialValueBits.count)] : rng.next()
            let run = 1 + rng.below(200)
            for _ in 0..<min(run, n - out.count) { out.append(Double(bitPattern: bits)) }
        }
        return out
    }

    /// Every sample drawn independently from a mix of all classes, so the XOR
    /// window changes shape at almost every step.
    static func mixed(_ n: Int, rng: inout SplitMix64) -> [Double] {
        var last: UInt64 = 0
        return (0..<n).map { _ in
            let bits: UInt64
            switch rng.below(8) {
            case 0: bits = specialValueBits[rng.below(specialValueBits.count)]
            case 1: bits = rng.next()
            case 2: bits = last  // repeat
            case 3: bits = last ^ (1 << UInt64(rng.below(64)))  // one bit differs
            case 4: bits = last ^ 1  // lowest bit: leading zeros ≥ 32 are capped at 31
            case 5: bits = last ^ 0x8000_0000_0000_0001  // window of width 64
            case 6: bits = (Double(rng.below(100_000)) / 100).bitPattern
            default: bits = rng.next() & 0x000F_FFFF_FFFF_FFFF  // subnormal
            }
            last = bits
            return Double(bitPattern: bits)
        }
    }

    /// Named value series for property tests, deterministic for a given seed.
    static func valueSeries(seed: UInt64, count n: Int) -> [(String, [Double])] {
        var rng = SplitMix64(seed: seed)
        return [
            ("random bit patterns", (0..<n).map { _ in Double(bitPattern: rng.next()) }),
            ("gauge with 2 decimals", gauge(n, rng: &rng)),
            ("counter", counter(n, rng: &rng)),
            ("constant runs", constantRuns(n, rng: &rng)),
            ("mixed classes", mixed(n, rng: &rng)),
            ("specials cycled", (0..<n).map { Double(bitPattern: specialValueBits[$0 % specialValueBits.count]) }),
        ]
    }

    // MARK: Timestamps

    /// Millisecond scrape timestamps at `interval` with up to ±`jitter` ms of noise.
    static func regular(_ n: Int, start: Int64 = 1_700_000_000_000, interval: Int64 = 10_000,
                        jitter: Int64 = 50, rng: inout SplitMix64) -> [Int64] {
        (0..<n).map { i in start + Int64(i) * interval + rng.int64(in: -jitter...jitter) }
    }

    /// A sorted sequence whose deltas-of-deltas fall into every bucket, including
    /// the exact edges of each.
    static func bucketEdges(_ n: Int, rng: inout SplitMix64) -> [Int64] {
        let edges: [Int64] = [0, 1, -1, -127, 128, -128, 129, -8191, 8192, -8192, 8193,
                              -524_287, 524_288, -524_288, 524_289,
                              -2_147_483_647, 2_147_483_648, -2_147_483_648, 2_147_483_649]
        var t: Int64 = 0
        var delta: Int64 = 3_000_000_000  // big enough that every negative edge keeps order
        var out: [Int64] = []
        for i in 0..<n {
            out.append(t)
            let dod = i % 3 == 0 ? edges[rng.below(edges.count)] : rng.int64(in: -600_000...600_000)
            delta = max(0, delta + dod)
            t += delta
        }
        return out
    }

    /// Sorted values drawn from the whole Int64 range: enormous jumps.
    static func hugeJumps(_ n: Int, rng: inout SplitMix64) -> [Int64] {
        (0..<n).map { _ in Int64(bitPattern: rng.next()) }.sorted()
    }

    /// Sorted, with long runs of equal timestamps.
    static func equalRuns(_ n: Int, rng: inout SplitMix64) -> [Int64] {
        var t = rng.int64(in: -1_000_000...1_000_000)
        return (0..<n).map { _ in
            if rng.oneIn(5) { t += rng.int64(in: 1...100_000) }
            return t
        }
    }

    /// Fixed sequences at the ends of the Int64 range.
    static let extremeTimestamps: [[Int64]] = [
        [],
        [0],
        [.min],
        [.max],
        [.min, .max],
        [.min, .min, .max, .max],
        [.min, -1, 0, .max],
        [.min, .min + 1, .max - 1, .max],
        [.max, .max, .max],
        [.min, 0, .max, .max],
        [-1, 0, 1],
        [.min, .max / 2, .max],
    ]

    /// Named sorted timestamp series for property tests.
    static func timestampSeries(seed: UInt64, count n: Int) -> [(String, [Int64])] {
        var rng = SplitMix64(seed: seed)
        return [
            ("regular 10 s with jitter", regular(n, rng: &rng)),
            ("regular 15 s, exact", (0..<n).map { 1_600_000_000_000 + Int64($0) * 15_000 }),
            ("regular 1 s with big jitter", regular(n, interval: 1_000, jitter: 499, rng: &rng)),
            ("bucket edges", bucketEdges(n, rng: &rng)),
            ("huge jumps", hugeJumps(n, rng: &rng)),
            ("equal runs", equalRuns(n, rng: &rng)),
            ("negative, before the epoch", regular(n, start: -86_400_000_000, interval: 60_000, jitter: 3, rng: &rng)),
        ]
    }
}

extension Array where Element == Double {
    /// The raw IEEE-754 bits, for bit-exact comparisons (NaN != NaN as values).
    var bitPatterns: [UInt64] { map(\.bitPattern) }
}
