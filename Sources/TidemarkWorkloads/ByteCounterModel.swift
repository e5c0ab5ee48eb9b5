/// Monotonic byte counters with a wandering rate and occasional bursts: disk
/// read/written bytes (whole 512-byte sectors) or network receive/transmit bytes.
struct ByteCounterModel {
    static let disks = ["sda", "sdb"]
    static let interfaces = ["eth0"]
    /// Disk: read sda, read sdb, written sda, written sdb. Network: receive eth0, transmit eth0.
    static let diskSlotCount = 2 * disks.count
    static let networkSlotCount = 2 * interfaces.count

    private var rng: WorkloadRandom
    private var counters: [Double]
    private var rates: [Double]        // bytes per second, per counter
    private let baseRates: [Double]
    private let granule: Double
    private let intervalSeconds: Double

    /// Disk counters for `traits`' host.
    static func disk(traits: HostTraits, seed: UInt64, intervalSeconds: Double) -> ByteCounterModel {
        var rng = WorkloadRandom(seed, traits.host, 3)
        let reads = disks.map { _ in 20_000 + 4_000_000 * rng.uniform() * rng.uniform() }
        let writes = disks.map { _ in 50_000 + 8_000_000 * rng.uniform() * rng.uniform() }
        return ByteCounterModel(rng: rng, baseRates: reads + writes, granule: 512, intervalSeconds: intervalSeconds,
                                start: 1e9...4e12)
    }

    /// Network counters for `traits`' host, scaled with its request rate.
    static func network(traits: HostTraits, seed: UInt64, intervalSeconds: Double) -> ByteCounterModel {
        var rng = WorkloadRandom(seed, traits.host, 4)
        let rx = interfaces.map { _ in traits.requestRate * rng.uniform(800...4_000) + 5_000 }
        let tx = interfaces.map { _ in traits.requestRate * rng.uniform(4_000...40_000) + 5_000 }
        return ByteCounterModel(rng: rng, baseRates: rx + tx, granule: 1, intervalSeconds: intervalSeconds,
                                start: 1e8...1e12)
    }

    private init(rng: WorkloadRandom, baseRates: [Double], granule: Double, intervalSeconds: Double, start: ClosedRange<Double>) {
        self.rng = rng
        self.baseRates = baseRates
        self.rates = baseRates
        self.granule = granule
        self.intervalSeconds = intervalSeconds
        counters = []
        for _ in baseRates { counters.append((self.rng.uniform(start) / granule).rounded(.down) * granule) }
    }

    mutating func step(_ out: UnsafeMutablePointer<Double>) {
        for i in counters.indices {
            rates[i] = (rates[i] * (1 + 0.05 * rng.normal()) + 0.05 * (baseRates[i] - rates[i])).clamped(baseRates[i] / 20, baseRates[i] * 20)
            let burst = rng.uniform() < 0.02 ? rng.uniform(5...20) : 1
            let bytes = rates[i] * intervalSeconds * rng.uniform(0.3...1.7) * burst
            counters[i] += (bytes / granule).rounded(.down) * granule
            out[i] = counters[i]
        }
    }
}
