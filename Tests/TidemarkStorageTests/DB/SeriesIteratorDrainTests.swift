import Foundation
import Testing
@testable import TidemarkStorage
import TidemarkWorkloads

/// `SeriesIterator.drain` (the bulk path queries use) must yield exactly what `next()`
/// yields sample by sample: across block and head chunks, overlapping blocks with
/// duplicate timestamps, deleted ranges, start timestamps, and any [mint, maxt].
@Suite struct SeriesIteratorDrainTests {

    struct Drained: Equatable {
        var ts: [Int64] = []
        var vs: [UInt64] = []
        var sts: [Int64] = []
    }

    static func bySample(_ s: Series) -> Drained {
        var it = s.makeIterator()
        var d = Drained()
        while it.next() {
            let st = it.startTimestamp ?? 0
            if st != 0 || !d.sts.isEmpty {
                if d.sts.count < d.ts.count { d.sts.append(contentsOf: repeatElement(0, count: d.ts.count - d.sts.count)) }
                d.sts.append(st)
            }
            d.ts.append(it.timestamp)
            d.vs.append(it.value.bitPattern)
        }
        return d
    }

    static func drained(_ s: Series) -> Drained {
        var it = s.makeIterator()
        var ts: [Int64] = [], vs: [Double] = [], sts: [Int64] = []
        it.drain(timestamps: &ts, values: &vs, starts: &sts)
        #expect(it.error == nil)
        return Drained(ts: ts, vs: vs.map(\.bitPattern), sts: sts)
    }

    @Test(arguments: [1, 2, 3])
    func drainEqualsNextOnMixedChunks(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        let dir = TempDir("drain")
        let db = try DB.open(dir.path, options: testOptions { $0.samplesPerChunk = 37 })
        let names = (0..<6).map { series("drain", ["s": String($0)]) }
        // Two overlapping imported blocks (some timestamps in both), then head data after
        // them, some of it with start timestamps.
        for _ in 0..<2 {
            var rows: [(labels: Labels, timestamps: [Int64], values: [Double])] = []
            for l in names {
                var t: Int64 = Int64.random(in: 0..<50, using: &rng)
                var ts: [Int64] = [], vs: [Double] = []
                while t < 10_000 {
                    ts.append(t)
                    vs.append(Double(Int.random(in: 0..<1000, using: &rng)) / 10)
                    t += Int64.random(in: 1...60, using: &rng)
                }
                rows.append((l, ts, vs))
            }
            rows.sort { $0.labels < $1.labels }
            try db.writeBlock(minTime: 0, maxTime: 10_000, series: rows)
        }
        let app = db.appender()
        for l in names {
            var t: Int64 = 10_000
            for i in 0..<200 {
                let st: Int64? = l["s"] == "1" && i > 50 ? 9_000 : nil
                _ = try app.append(l, t, Double(i), startTimestamp: st)
                t += 13
            }
        }
        try app.commit()
        try db.deleteSeries([.equal("s", "2")], mint: 3_000, maxt: 4_000)

        let windows: [(Int64, Int64)] = [(.min, .max), (0, 9_999), (5_000, 10_500), (10_001, 10_002), (12_000, 20_000), (-5, 3)]
            + (0..<10).map { _ in
                let a = Int64.random(in: 0..<13_000, using: &rng)
                return (a, a + Int64.random(in: 0..<4_000, using: &rng))
            }
        for (mint, maxt) in windows {
            for s in try db.querier().select([.equal("__name__", "drain")], mint: mint, maxt: maxt) {
                let (fast, slow) = (Self.drained(s), Self.bySample(s))
                // Compared as a whole, reported briefly: the arrays are long.
                #expect(fast == slow, "series \(s.labels) in [\(mint), \(maxt)]: \(fast.ts.count) vs \(slow.ts.count) samples, first \(fast.ts.first ?? -1) vs \(slow.ts.first ?? -1), starts \(fast.sts.count) vs \(slow.sts.count)")
            }
        }
        try db.close()
    }
}
