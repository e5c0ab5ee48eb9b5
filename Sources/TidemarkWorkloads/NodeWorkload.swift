import TidemarkStorage

/// A deterministic, realistic node-exporter-like data set: N hosts scraped every
/// `interval` ms, each exposing 41 series:
///
/// - `node_cpu_usage_percent{mode=…}` for 8 modes: percentages with two decimals that
///   sum to exactly 100, wandering slowly around a per-host baseline;
/// - `node_load1`, `node_load5`, `node_load15`: two decimals, following CPU busy × cores;
/// - `node_memory_{MemTotal,MemAvailable,MemFree,Cached,Buffers}_bytes`: page-aligned
///   integers that change a little each scrape;
/// - `node_disk_{read,written}_bytes_total{device=sda|sdb}` (whole sectors) and
///   `node_network_{receive,transmit}_bytes_total{device=eth0}`: monotonic counters with
///   wandering rates and occasional bursts;
/// - `http_requests_total{code=…}` and the histogram `http_request_duration_seconds`
///   (12 buckets with `le`, `_count`, `_sum`), consistent with each other.
///
/// Every series has `instance="host-0042:9100"`, `job="node"` and TSBS-style
/// `region`, `datacenter`, `rack`. Host `h` is scraped at
/// `start + k × interval + phase(h) + jitter(h, k)`, with a per-host phase in
/// `0..<interval` and a jitter of at most ± `jitter` ms per scrape.
///
/// The same configuration (seed included) gives the same samples, bit for bit, on any
/// machine. Iterating (`for s in workload`) streams samples time-major, in scrape
/// order; `writeOpenMetrics` writes the same samples family-major for promtool.
public struct NodeWorkload: Sendable, Sequence {
    /// What to generate.
    public struct Configuration: Sendable, Equatable {
        /// Number of hosts.
        public var hosts: Int
        /// Scrapes per host.
        public var scrapes: Int
        /// Fixes every value.
        public var seed: UInt64
        /// Start of the first scrape round, ms since the epoch.
        public var start: Int64
        /// Scrape interval, ms.
        public var interval: Int64
        /// Largest deviation of a scrape from its schedule, ms.
        public var jitter: Int64

        public init(hosts: Int = 100, scrapes: Int = 360, seed: UInt64 = 1, start: Int64 = 1_700_000_000_000,
                    interval: Int64 = 10_000, jitter: Int64 = 4) {
            precondition(hosts >= 0 && scrapes >= 0 && interval > 0 && jitter >= 0 && 2 * jitter < interval)
            self.hosts = hosts
            self.scrapes = scrapes
            self.seed = seed
            self.start = start
            self.interval = interval
            self.jitter = jitter
        }
    }

    /// Series per host.
    public static let seriesPerHost = ModelGroup.slotsPerHost

    public let configuration: Configuration
    /// The metric families, in the order the OpenMetrics output lists them.
    public let families: [WorkloadFamily]
    /// Every series; series `i` belongs to host `i / seriesPerHost`.
    public let series: [WorkloadSeries]
    let traits: [HostTraits]
    /// Hosts in the order of their phase within the interval (scrape order).
    let scrapeOrder: [Int]

    public init(_ configuration: Configuration) {
        self.configuration = configuration
        let entries = WorkloadCatalogue.entries
        families = entries.map(\.family)
        let traits = (0..<configuration.hosts).map { HostTraits(seed: configuration.seed, host: $0, interval: configuration.interval) }
        self.traits = traits
        scrapeOrder = traits.indices.sorted { (traits[$0].phase, $0) < (traits[$1].phase, $1) }
        var all: [WorkloadSeries] = []
        all.reserveCapacity(configuration.hosts * NodeWorkload.seriesPerHost)
        for t in traits {
            let base = [Label("instance", t.instance), Label("job", "node"), Label("region", t.region),
                        Label("datacenter", t.datacenter), Label("rack", t.rack)]
            for (f, entry) in entries.enumerated() {
                for s in entry.series {
                    var labels = base + [Label(metricNameLabel, s.name)]
                    if let (n, v) = s.extra { labels.append(Label(n, v)) }
                    all.append(WorkloadSeries(labels: Labels(labels), family: f, host: t.host))
                }
            }
        }
        series = all
    }

    /// Total number of samples: series × scrapes.
    public var sampleCount: Int { series.count * configuration.scrapes }

    /// When host `host` is scraped for the `scrape`-th time (ms).
    public func timestamp(host: Int, scrape: Int) -> Int64 {
        let c = configuration
        let span = UInt64(2 * c.jitter + 1)
        let jitter = Int64(WorkloadRandom.mix(c.seed, host, scrape, 0x5C7A) % span) - c.jitter
        return c.start + Int64(scrape) * c.interval + traits[host].phase + jitter
    }

    /// Streams all samples time-major: scrape round by round, hosts in scrape-phase
    /// order, each host's series in catalogue order.
    public func makeIterator() -> NodeWorkloadIterator {
        NodeWorkloadIterator(self)
    }
}

/// One generated sample; `series` indexes `NodeWorkload.series`.
public struct WorkloadSample: Sendable, Equatable {
    public var series: Int
    public var timestamp: Int64
    public var value: Double

    public init(series: Int, timestamp: Int64, value: Double) {
        self.series = series
        self.timestamp = timestamp
        self.value = value
    }
}
