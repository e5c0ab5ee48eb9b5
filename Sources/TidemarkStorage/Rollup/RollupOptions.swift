/// One rollup resolution: windows of `window` ms, built for data older than `minAge`,
/// `blockSpan` ms of windows per rollup block (docs/rollups.md).
public struct RollupResolution: Sendable, Equatable {
    /// The name written to `meta.json`'s `resolution` ("5m", "1h"): `window` as a
    /// Prometheus duration.
    public var name: String { RollupResolution.format(window) }
    /// Window length in ms; windows are (E − window, E] with E a multiple of `window`.
    public var window: Int64
    /// A window is rolled up once its end is at least this old (ms).
    public var minAge: Int64
    /// Time covered by one rollup block (ms, a multiple of `window`); blocks are aligned
    /// to multiples of it.
    public var blockSpan: Int64

    public init(window: Int64, minAge: Int64, blockSpan: Int64 = 24 * 3_600_000) {
        precondition(window > 0 && blockSpan > 0 && blockSpan % window == 0, "rollup block span must be a multiple of the window")
        self.window = window
        self.minAge = minAge
        self.blockSpan = blockSpan
    }

    /// The window of a `meta.json` resolution name ("5m" → 300000); nil for "raw" or
    /// anything that is not a duration.
    public static func window(ofResolution name: String) -> Int64? {
        var total: Int64 = 0
        var digits: Int64 = 0
        var sawDigit = false
        let units: [Character: Int64] = ["d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000]
        var chars = Array(name)
        var ms = false
        if name.hasSuffix("ms") { chars.removeLast(2); ms = true }
        for c in chars {
            if let d = c.wholeNumberValue, c.isASCII {
                digits = digits * 10 + Int64(d)
                sawDigit = true
            } else if let u = units[c], sawDigit {
                total += digits * u
                digits = 0
                sawDigit = false
            } else {
                return nil
            }
        }
        if ms && sawDigit { total += digits } else if sawDigit { return nil }
        return total > 0 ? total : nil
    }

    /// `ms` as a compact duration ("1h30m", "5m", "250ms").
    public static func format(_ ms: Int64) -> String {
        var rest = ms
        var out = ""
        for (u, n) in [(Int64(86_400_000), "d"), (3_600_000, "h"), (60_000, "m"), (1000, "s"), (1, "ms")] where rest >= u {
            out += "\(rest / u)\(n)"
            rest %= u
        }
        return out.isEmpty ? "0s" : out
    }
}

/// Rollup (downsampling) settings of a database: `DBOptions.rollups`.
public struct RollupOptions: Sendable {
    /// Resolutions to build, finest first. Default: 5m windows for data older than 2 days,
    /// 1h windows for data older than 2 weeks.
    public var resolutions: [RollupResolution] = [
        RollupResolution(window: 5 * 60_000, minAge: 2 * 86_400_000),
        RollupResolution(window: 3_600_000, minAge: 14 * 86_400_000),
    ]

    public init() {}
}
