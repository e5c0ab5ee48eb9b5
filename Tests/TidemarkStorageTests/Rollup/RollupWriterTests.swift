import Foundation
import Testing
@testable import TidemarkStorage

@Suite struct RollupWriterTests {
    static let day: Int64 = 86_400_000

    /// A DB in a temporary directory with 5m/1h rollups over 6h blocks, no minimum age.
    func makeDB(_ path: String, only5m: Bool = false) throws -> DB {
        var o = DBOptions()
        o.backgroundCompaction = false
        o.walSyncPolicy = .never
        o.rollups.resolutions = [
            RollupResolution(window: 300_000, minAge: 0, blockSpan: 6 * 3_600_000),
            RollupResolution(window: 3_600_000, minAge: 3_600_000, blockSpan: 6 * 3_600_000),
        ]
        if only5m { o.rollups.resolutions.removeLast() }
        return try DB.open(path, options: o)
    }

    func tempPath() -> String { NSTemporaryDirectory() + "tidemark-rollup-\(UUID().uuidString)" }

    /// Two raw 2h-aligned import blocks per 6h, a counter and a gauge every 15 s over 12 h.
    func fill(_ db: DB) throws {
        let a = Labels(["__name__": "c_total", "job": "x"]), b = Labels(["__name__": "g", "job": "x"])
        for blockStart in stride(from: Int64(0), to: 12 * 3_600_000, by: 2 * 3_600_000) {
            let ts = Array(stride(from: blockStart, to: blockStart + 2 * 3_600_000, by: 15_000))
            try db.writeBlock(minTime: blockStart, maxTime: blockStart + 2 * 3_600_000, series: [
                (a, ts, ts.map { Double($0 / 15_000 % 1000) }),
                (b, ts, ts.map { Double($0 / 15_000 % 7) + 0.25 }),
            ])
        }
    }

    @Test func writesMissingRollupsOnceWithTheirResolutionInMeta() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try makeDB(path)
        try fill(db)
        let h: Int64 = 3_600_000
        let now: Int64 = 14 * h
        let first = try db.writeRollups(now: now)
        // Spans (−6h, 0], (0, 6h], (6h, 12h] hold data; 5m: all three; 1h: only those ending ≤ now − 1h.
        let starts: [Int64] = [-6 * h + 1, 1, 6 * h + 1]
        #expect(first.filter { $0.resolution == "5m" }.map(\.minTime) == starts)
        #expect(first.filter { $0.resolution == "1h" }.map(\.minTime) == starts)
        #expect(first.allSatisfy { $0.source == "rollup" && $0.maxTime == $0.minTime + 6 * h })
        #expect(try db.writeRollups(now: now).isEmpty)
        // meta.json on disk says the resolution, for retention.
        let meta = try String(contentsOfFile: path + "/" + first[1].ulid + "/meta.json", encoding: .utf8)
        #expect(meta.contains("\"resolution\" : \"5m\""))
        // The raw querier never sees rollup blocks; the rollup querier does.
        let q = db.querier()
        let raw = try q.select([.equal("__name__", "g")], mint: 0, maxt: 3_600_000)
        #expect(try raw[0].samples().count == 241)
        let rq = try #require(q as? any RollupQuerier)
        #expect(rq.rollupCoverage.map(\.window) == [300_000, 3_600_000])
        let covered: ClosedRange<Int64> = (-6 * h + 1)...(12 * h)
        #expect(rq.rollupCoverage[0].ranges == [covered])
        let r = try rq.selectRollups([.equal("__name__", "g")], window: 300_000, mint: 300_000, maxt: 3_600_000)
        #expect(r.count == 1 && r[0].windows.count == 12 && r[0].windows.allSatisfy { $0.count == 20 })
        // The window ending at 0 holds just the sample at 0 (left-open windows cross block edges).
        let zero = try rq.selectRollups([.equal("__name__", "g")], window: 300_000, mint: 0, maxt: 0)
        #expect(zero[0].windows.map(\.count) == [1])
        try db.close()
        // Reopened: still there, still not redone; every block verifies.
        let db2 = try makeDB(path)
        #expect(db2.rollupBlocks.count == 6)
        #expect(try db2.writeRollups(now: now).isEmpty)
        for b in db2.blocks { try b.verify() }
        try db2.close()
    }

    @Test func rollupsWrittenAfterADeletionLeaveTheDeletedSamplesOut() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try makeDB(path, only5m: true)
        try fill(db)
        // Delete the gauge's first hour: its 5m windows there must not count those samples.
        try db.deleteSeries([.equal("__name__", "g")], mint: 0, maxt: 3_600_000)
        try db.writeRollups(now: 14 * 3_600_000)
        let rq = try #require(db.querier() as? any RollupQuerier)
        let g = try rq.selectRollups([.equal("__name__", "g")], window: 300_000, mint: 300_000, maxt: 2 * 3_600_000)
        #expect(g.count == 1)
        #expect(g[0].windows.allSatisfy { $0.end > 3_600_000 }, "no window inside the deleted hour")
        let c = try rq.selectRollups([.equal("__name__", "c_total")], window: 300_000, mint: 300_000, maxt: 3_600_000)
        #expect(c[0].windows.count == 12, "other series keep every window")
        try db.close()
    }

    @Test func respectsMinimumAgeAndTheHead() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let db = try makeDB(path)
        try fill(db)
        // now = 5h: only the span ending at 0 is old enough for 5m, none for 1h (needs end ≤ 4h... (0, 6h] ends after now).
        let fiveHours: Int64 = 5 * 3_600_000
        #expect(try db.writeRollups(now: fiveHours).map(\.resolution) == ["5m", "1h"])
        // A head sample at 5h keeps spans that reach it from being rolled up.
        let app = db.appender()
        try app.append(Labels(["__name__": "late"]), fiveHours, 1)
        try app.commit()
        #expect(try db.writeRollups(now: 100 * 3_600_000).isEmpty)
        try db.close()
    }

    @Test func coarserRollupComesFromTheFinerOneWhenRawIsGone() throws {
        let path = tempPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        var db = try makeDB(path, only5m: true)
        try fill(db)
        // Only 5m rollups first ...
        let five = try db.writeRollups(now: 12 * 3_600_000)
        #expect(five.count == 3)
        let expected = try makeExpected1h(db)
        try db.close()
        // ... then retention drops the raw blocks before 6h: the first two spans' 1h
        // windows come from the 5m ones, the third's from raw.
        for b in try FileManager.default.contentsOfDirectory(atPath: path) where b.count == 26 {
            let meta = try String(contentsOfFile: path + "/" + b + "/meta.json", encoding: .utf8)
            if meta.contains("\"resolution\" : \"raw\""), meta.contains("\"minTime\" : 0,") || meta.contains("\"minTime\" : 7200000,") || meta.contains("\"minTime\" : 14400000,") {
                try FileManager.default.removeItem(atPath: path + "/" + b)
            }
        }
        db = try makeDB(path)
        let hours = try db.writeRollups(now: 100 * 3_600_000)
        #expect(hours.map(\.resolution) == ["1h", "1h", "1h"])
        let rq = try #require(db.querier() as? any RollupQuerier)
        let got = try rq.selectRollups([.equal("job", "x")], window: 3_600_000, mint: .min, maxt: .max)
        #expect(got.map(\.labels) == expected.map(\.labels))
        for (g, e) in zip(got, expected) { #expect(g.windows == e.windows) }
        try db.close()
    }

    /// 1h windows computed directly from the raw samples.
    func makeExpected1h(_ db: DB) throws -> [RollupSeries] {
        try db.querier().select([.equal("job", "x")], mint: .min, maxt: .max).map { s in
            var acc = RollupAccumulator(window: 3_600_000)
            for x in try s.samples() { acc.add(x.timestamp, x.value) }
            return RollupSeries(labels: s.labels, windows: acc.finish())
        }
    }
}
