import TidemarkStorage

/// TSBS's "cpu-only" use case: hosts with TSBS's tag set, each reporting ten CPU gauges
/// (`cpu_usage_user`, `cpu_usage_system`, … `cpu_usage_guest_nice`) every 10 s. Each
/// value is a random walk clamped to [0, 100] with standard-normal steps, as TSBS's
/// `ClampedRandomWalkDistribution`; TSBS writes the cpu fields as `int64(value)`
/// (`ToPointAllInt64`), so by default the stored values are those truncated integers.
/// `Values.fullPrecision` stores the walk itself (about 16 significant digits): the
/// hard case for compression, kept for comparison.
public struct CPUOnlyWorkload: BenchWorkload {
    /// What is stored of each walk.
    public enum Values: String, Sendable, CaseIterable {
        /// The walk truncated toward zero, as TSBS emits it (`58i`).
        case tsbsIntegers = "tsbs"
        /// The walk at full float precision.
        case fullPrecision = "float"
    }


    public static let metrics = ["user", "system", "idle", "nice", "iowait", "irq", "softirq", "steal", "guest", "guest_nice"]
        .map { "cpu_usage_" + $0 }
    static let regions = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1",
                          "ap-southeast-2", "ap-northeast-1", "sa-east-1"]
    static let operatingSystems = ["Ubuntu16.10", "Ubuntu16.04LTS", "Ubuntu15.10"]
    static let teams = ["SF", "NYC", "LON", "CHI"]
    static let environments = ["production", "staging", "test"]

    public let hosts: Int
    public let rounds: Int
    public let interval: Int64
    public let seed: UInt64
    public let firstTime: Int64
    public let values: Values
    public let labels: [Labels]

    public init(hosts: Int, rounds: Int, interval: Int64 = 10_000, seed: UInt64 = 1, start: Int64,
                values: Values = .tsbsIntegers) {
        self.hosts = hosts
        self.values = values
        self.rounds = rounds
        self.interval = interval
        self.seed = seed
        self.firstTime = start
        var rng = SplitMix64(seed: seed)
        var out: [Labels] = []
        for h in 0..<hosts {
            let region = Self.regions[rng.below(Self.regions.count)]
            let tags: [String: String] = [
                "hostname": "host_\(h)",
                "region": region,
                "datacenter": "\(region)\(["a", "b", "c"][rng.below(3)])",
                "rack": "\(rng.below(100))",
                "os": Self.operatingSystems[rng.below(Self.operatingSystems.count)],
                "arch": rng.oneIn(2) ? "x64" : "x86",
                "team": Self.teams[rng.below(Self.teams.count)],
                "service": "\(rng.below(20))",
                "service_version": "\(rng.below(2))",
                "service_environment": Self.environments[rng.below(Self.environments.count)],
            ]
            for m in Self.metrics {
                var l = tags
                l["__name__"] = m
                out.append(Labels(l))
            }
        }
        labels = out
    }

    public var name: String { "cpu-only" }
    public var sampleCount: Int { labels.count * rounds }
    public var lastTime: Int64 { firstTime + Int64(max(0, rounds - 1)) * interval }

    public func makeSamples() -> AnyIterator<WorkloadSample> {
        var rng = SplitMix64(seed: seed ^ 0xC0FFEE)
        var walk = (0..<labels.count).map { _ in rng.unitInterval() * 100 }
        let truncate = values == .tsbsIntegers
        var stream = RoundStream(seriesCount: labels.count, rounds: rounds, start: firstTime, interval: interval) { s, _ in
            walk[s] = min(100, max(0, walk[s] + rng.standardNormal()))
            return truncate ? walk[s].rounded(.towardZero) : walk[s]
        }
        return AnyIterator { stream.next() }
    }
}

/// One metric with very many series (`hc_requests_total{instance=…, shard=…}`), all
/// counters, for what a cardinality explosion costs.
public struct HighCardinalityWorkload: BenchWorkload {
    public let seriesCount: Int
    public let rounds: Int
    public let interval: Int64
    public let seed: UInt64
    public let firstTime: Int64
    public let labels: [Labels]

    public init(series: Int, rounds: Int, interval: Int64 = 10_000, seed: UInt64 = 1, start: Int64) {
        seriesCount = series
        self.rounds = rounds
        self.interval = interval
        self.seed = seed
        firstTime = start
        labels = (0..<series).map { i in
            Labels(["__name__": "hc_requests_total", "instance": "i-\(String(i, radix: 16))", "shard": "\(i % 64)", "job": "hc"])
        }
    }

    public var name: String { "high-cardinality" }
    public var sampleCount: Int { seriesCount * rounds }
    public var lastTime: Int64 { firstTime + Int64(max(0, rounds - 1)) * interval }

    public func makeSamples() -> AnyIterator<WorkloadSample> {
        var rng = SplitMix64(seed: seed ^ 0xBEEF)
        var counters = [Double](repeating: 0, count: seriesCount)
        var stream = RoundStream(seriesCount: seriesCount, rounds: rounds, start: firstTime, interval: interval) { s, _ in
            counters[s] += Double(rng.below(10))
            return counters[s]
        }
        return AnyIterator { stream.next() }
    }
}
