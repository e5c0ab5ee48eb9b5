import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery

/// Counters with resets, start timestamps, staleness markers and NaNs: rollup answers
/// equal raw ones.
@Suite struct RollupCounterTests {
    static let h: Int64 = 3_600_000

    static func fixture() throws -> RollupTestDB {
        try RollupTestDB([RollupResolution(window: 300_000, minAge: 0, blockSpan: 2 * h)]) { db in
            let app = db.appender()
            var g = SystemRandomNumberGenerator()
            var c = 0.0, d = 0.0, st: Int64 = 0
            for k in 0..<(12 * 240) {
                let t = Int64(k) * 15_000 + Int64.random(in: -2...2, using: &g)
                guard t > 0 else { continue }
                // One reset about every 10 minutes.
                c = Int.random(in: 0..<40, using: &g) == 0 ? Double(Int.random(in: 0...3, using: &g)) : c + Double(Int.random(in: 0...50, using: &g))
                _ = try app.append(Labels(["__name__": "resets_total"]), t, c)
                // A cumulative counter with start timestamps; restarts now and then.
                if Int.random(in: 0..<60, using: &g) == 0 || st == 0 {
                    st = t - 1000
                    d = 0
                }
                d += Double(Int.random(in: 1...9, using: &g))
                _ = try app.append(Labels(["__name__": "st_total"]), t, d, startTimestamp: st)
                // A gauge with NaNs, and a staleness marker gap.
                let v: Double = k % 97 == 0 ? .nan : (k % 500 < 3 ? Double(bitPattern: 0x7ff0_0000_0000_0002) : Double(k % 13) - 6)
                _ = try app.append(Labels(["__name__": "gauge"]), t, v)
            }
            try app.commit()
            try db.compactHead(force: true)
        }
    }

    @Test func countersWithResetsAndStartTimestamps() throws {
        let f = try Self.fixture()
        var n = 0
        for fn in ["rate", "increase", "resets", "delta"] {
            for r in ["5m", "10m", "30m", "1h"] {
                for sel in ["resets_total", "st_total"] {
                    // Integer counters: every sum is exact, so even several resets in one
                    // window give the raw answer bit for bit.
                    n += try f.compare("\(fn)(\(sel)[\(r)])", 2 * Self.h, 12 * Self.h, 300_000, resolution: "5m")
                }
            }
        }
        #expect(n > 3000)
    }

    @Test func gaugesWithNaNsAndStalenessMarkers() throws {
        let f = try Self.fixture()
        for fn in ["min_over_time", "max_over_time", "count_over_time", "last_over_time", "first_over_time", "present_over_time", "sum_over_time", "avg_over_time"] {
            for r in ["5m", "15m", "1h"] {
                try f.compare("\(fn)(gauge[\(r)])", 2 * Self.h, 12 * Self.h, 300_000, tolerance: 1e-12, resolution: "5m")
            }
        }
    }
}
