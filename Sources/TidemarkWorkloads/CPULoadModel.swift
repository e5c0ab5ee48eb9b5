/// CPU usage per mode (percent, two decimals, summing to exactly 100) and the 1/5/15
/// minute load averages, which follow the busy fraction times the core count.
struct CPULoadModel {
    /// Output order: one gauge per mode, then load1, load5, load15.
    static let modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"]
    static let slotCount = modes.count + 3

    private var rng: WorkloadRandom
    private let traits: HostTraits
    private var busy: Double
    /// Share of the busy time per non-idle mode (same order as `modes` without idle).
    private let shares: [Double]
    private var load1: Double, load5: Double, load15: Double

    init(traits: HostTraits, seed: UInt64) {
        rng = WorkloadRandom(seed, traits.host, 1)
        self.traits = traits
        busy = traits.baseBusy
        // iowait, irq, nice, softirq, steal, system, user
        var raw = [rng.uniform(0.01...0.12), rng.uniform(0.0...0.01), rng.uniform(0.0...0.03), rng.uniform(0.01...0.05),
                   rng.uniform(0.0...0.04), rng.uniform(0.12...0.3), 0]
        raw[6] = 1 - raw.reduce(0, +)
        shares = raw
        let load = traits.baseBusy * Double(traits.cores)
        (load1, load5, load15) = (load, load, load)
    }

    mutating func step(_ out: UnsafeMutablePointer<Double>) {
        busy = (busy + 0.03 * (traits.baseBusy - busy) + 0.012 * rng.normal()).clamped(0.005, 0.99)
        // Work in hundredths of a percent so the modes add up to exactly 100.00.
        var hundredths = [Int](repeating: 0, count: 7)
        var used = 0
        for m in 0..<7 {
            let h = Int((busy * shares[m] * (1 + 0.04 * rng.normal()) * 10_000).rounded())
            hundredths[m] = max(0, h)
            used += hundredths[m]
        }
        if used > 10_000 {  // trim the overshoot from user
            hundredths[6] -= used - 10_000
            used = 10_000
        }
        out[0] = Double(10_000 - used) / 100
        for m in 0..<7 { out[m + 1] = Double(hundredths[m]) / 100 }

        let runnable = busy * Double(traits.cores) * (1 + 0.1 * rng.normal())
        load1 += (max(0, runnable) - load1) * 0.1535   // 1 - e^(-10/60)
        load5 += (load1 - load5) * 0.0328              // 1 - e^(-10/300)
        load15 += (load1 - load15) * 0.0110            // 1 - e^(-10/900)
        out[8] = load1.twoDecimals
        out[9] = load5.twoDecimals
        out[10] = load15.twoDecimals
    }
}
