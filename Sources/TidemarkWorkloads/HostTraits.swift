/// The fixed, per-host facts every model of a host shares: size, placement,
/// scrape phase and baseline activity. Derived from the seed and the host number alone.
struct HostTraits: Sendable {
    static let regions = ["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1",
                          "ap-southeast-1", "ap-southeast-2", "ap-northeast-1", "sa-east-1"]

    let host: Int
    let instance: String
    let region: String
    let datacenter: String
    let rack: String
    let cores: Int
    let memoryBytes: Double
    /// Offset of this host's scrapes within the interval (ms), as Prometheus spreads targets.
    let phase: Int64
    /// Long-run CPU busy fraction the host wanders around.
    let baseBusy: Double
    /// Long-run fraction of memory available.
    let baseAvailable: Double
    /// HTTP requests per second, and the median request latency (s).
    let requestRate: Double
    let medianLatency: Double

    init(seed: UInt64, host: Int, interval: Int64) {
        var r = WorkloadRandom(seed, host, 0x7EA1)
        self.host = host
        let digits = String(host)
        instance = "host-" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits + ":9100"
        region = HostTraits.regions[r.below(HostTraits.regions.count)]
        datacenter = region + ["a", "b", "c"][r.below(3)]
        rack = String(r.below(100))
        cores = [2, 4, 4, 8, 8, 8, 16, 16, 32, 64][r.below(10)]
        memoryBytes = Double(cores * [2, 4, 4, 8][r.below(4)]) * 1_073_741_824
        phase = Int64(r.below(Int(interval)))
        let u = r.uniform()
        baseBusy = 0.03 + 0.7 * u * u
        baseAvailable = r.uniform(0.25...0.85)
        requestRate = 2 + 300 * r.uniform() * r.uniform()
        medianLatency = r.uniform(0.015...0.25)
    }
}
