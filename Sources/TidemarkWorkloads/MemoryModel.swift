/// Memory gauges in bytes (page-aligned integers that change a little each scrape):
/// MemTotal, MemAvailable, MemFree, Cached, Buffers.
struct MemoryModel {
    static let slotCount = 5
    private static let page = 4096.0

    private var rng: WorkloadRandom
    private let traits: HostTraits
    private var available: Double   // fraction of total
    private var cached: Double      // fraction of available
    private var buffers: Double     // fraction of total

    init(traits: HostTraits, seed: UInt64) {
        rng = WorkloadRandom(seed, traits.host, 2)
        self.traits = traits
        available = traits.baseAvailable
        cached = rng.uniform(0.3...0.7)
        buffers = rng.uniform(0.005...0.03)
    }

    private static func pages(_ bytes: Double) -> Double { (bytes / page).rounded(.down) * page }

    mutating func step(_ out: UnsafeMutablePointer<Double>) {
        available = (available + 0.02 * (traits.baseAvailable - available) + 0.002 * rng.normal()).clamped(0.05, 0.95)
        cached = (cached + 0.001 * rng.normal()).clamped(0.1, 0.9)
        buffers = (buffers + 0.0001 * rng.normal()).clamped(0.001, 0.05)
        let total = traits.memoryBytes
        let availableBytes = Self.pages(total * available)
        let buffersBytes = Self.pages(total * buffers)
        let cachedBytes = Self.pages(max(0, availableBytes - buffersBytes) * cached)
        out[0] = total
        out[1] = availableBytes
        out[2] = max(0, availableBytes - cachedBytes - buffersBytes)
        out[3] = cachedBytes
        out[4] = buffersBytes
    }
}
