import Foundation
import Testing
@testable import TidemarkStorage

/// A fresh temporary directory, removed when the test's scope ends.
final class TempDir {
    let path: String
    init(_ name: String = "db") {
        path = NSTemporaryDirectory() + "tidemark-\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}

func testOptions(_ configure: (inout DBOptions) -> Void = { _ in }) -> DBOptions {
    var o = DBOptions()
    o.backgroundCompaction = false
    o.walSyncPolicy = .never
    configure(&o)
    return o
}

func series(_ name: String, _ extra: [String: String] = [:]) -> Labels {
    var d = extra
    d["__name__"] = name
    return Labels(d)
}

@Suite struct DBTests {
    @Test func appendCommitSelect() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        let a = series("http_requests_total", ["job": "api", "code": "200"])
        let b = series("http_requests_total", ["job": "api", "code": "500"])
        let ref = try app.append(a, 1000, 1)
        try app.append(ref, 2000, 2)
        try app.append(b, 1000, 10)
        // Nothing is visible before commit.
        #expect(try db.querier().select([.equal("__name__", "http_requests_total")], mint: 0, maxt: .max).isEmpty)
        try app.commit()
        let all = try db.querier().select([.equal("__name__", "http_requests_total")], mint: 0, maxt: .max)
        #expect(all.map(\.labels) == [a, b])
        #expect(try all[0].samples() == [Sample(1000, 1), Sample(2000, 2)])
        let only500 = try db.querier().select([try LabelMatcher(.regexMatch, "code", "5..")], mint: 0, maxt: .max)
        #expect(only500.map(\.labels) == [b])
        let range = try db.querier().select([.equal("code", "200")], mint: 1500, maxt: 3000)
        #expect(try range[0].samples() == [Sample(2000, 2)])
        try db.close()
    }

    @Test func matcherSemanticsFollowPrometheus() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        try app.append(series("m", ["env": "prod"]), 1, 1)
        try app.append(series("m", ["env": "dev"]), 1, 1)
        try app.append(series("m"), 1, 1)
        try app.commit()
        func names(_ ms: [LabelMatcher]) throws -> [String] {
            try db.querier().select(ms, mint: 0, maxt: 10).map { $0.labels["env"] ?? "-" }
        }
        #expect(try names([.equal("__name__", "m"), .equal("env", "")]) == ["-"])
        #expect(try names([.equal("__name__", "m"), try LabelMatcher(.notEqual, "env", "prod")]).sorted() == ["-", "dev"])
        #expect(try names([.equal("__name__", "m"), try LabelMatcher(.regexMatch, "env", "prod|dev")]).sorted() == ["dev", "prod"])
        #expect(try names([.equal("__name__", "m"), try LabelMatcher(.regexNoMatch, "env", "p.*")]).sorted() == ["-", "dev"])
        #expect(try names([.equal("__name__", "m"), try LabelMatcher(.regexMatch, "env", ".+")]).sorted() == ["dev", "prod"])
        #expect(try db.querier().labelValues("env", []) == ["dev", "prod"])
        #expect(try db.querier().labelNames([]) == ["__name__", "env"])
        #expect(throws: StorageError.self) { try LabelMatcher(.regexMatch, "env", "(") }
    }

    @Test func rejectsOutOfOrderAndDuplicatesWithClearErrors() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let s = series("up")
        var app = db.appender()
        try app.append(s, 2000, 1)
        try app.commit()
        app = db.appender()
        #expect(throws: StorageError.outOfOrderSample(series: "up", last: 2000, got: 1000)) { try app.append(s, 1000, 1) }
        #expect(throws: StorageError.duplicateSampleForTimestamp(series: "up", timestamp: 2000)) { try app.append(s, 2000, 5) }
        try app.append(s, 2000, 1)  // exact repeat: ignored
        try app.append(s, 3000, 1)
        #expect(throws: StorageError.outOfOrderSample(series: "up", last: 3000, got: 2500)) { try app.append(s, 2500, 1) }
        try app.commit()
        #expect(try db.querier().select([.equal("__name__", "up")], mint: 0, maxt: .max)[0].samples().map(\.timestamp) == [2000, 3000])
        #expect(throws: StorageError.appenderClosed) { try app.append(s, 4000, 1) }
    }

    @Test func rollbackDiscards() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        try app.append(series("x"), 1, 1)
        app.rollback()
        #expect(try db.querier().select([.equal("__name__", "x")], mint: .min, maxt: .max).isEmpty)
        try db.close()
        let again = try DB.open(dir.path, options: testOptions())
        #expect(try again.querier().select([.equal("__name__", "x")], mint: .min, maxt: .max).isEmpty)
    }

    @Test func everyFloatBitPatternSurvivesWALReplayAndBlocks() throws {
        let dir = TempDir()
        let specials: [UInt64] = [
            0x7FF0_0000_0000_0002,  // Prometheus stale marker
            0x7FF8_0000_0000_0001, 0xFFF8_0000_0000_0000, 0x7FF0_0000_0000_0000, 0xFFF0_0000_0000_0000,
            0x8000_0000_0000_0000, 0x0000_0000_0000_0001, 0x000F_FFFF_FFFF_FFFF, 0x7FEF_FFFF_FFFF_FFFF, 0,
        ]
        var db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        for (i, bits) in specials.enumerated() { try app.append(series("bits"), Int64(i) * 1000, Double(bitPattern: bits)) }
        try app.commit()
        try db.close()
        db = try DB.open(dir.path, options: testOptions())
        let got = try db.querier().select([.equal("__name__", "bits")], mint: .min, maxt: .max)[0].samples()
        #expect(got.map(\.value.bitPattern) == specials)
        try db.compactHead(force: true)
        #expect(db.blocks.count == 1)
        let fromBlock = try db.querier().select([.equal("__name__", "bits")], mint: .min, maxt: .max)[0].samples()
        #expect(fromBlock.map(\.value.bitPattern) == specials)
    }

    @Test func walReplayRestoresHead() throws {
        let dir = TempDir()
        var db = try DB.open(dir.path, options: testOptions())
        for batch in 0..<20 {
            let app = db.appender()
            for j in 0..<10 { try app.append(series("cpu", ["core": String(j)]), Int64(batch) * 10_000, Double(batch * j)) }
            try app.commit()
        }
        try db.close()
        db = try DB.open(dir.path, options: testOptions())
        #expect(db.replayReport.samples == 200)
        #expect(db.replayReport.corruptions.isEmpty)
        let all = try db.querier().select([.equal("__name__", "cpu")], mint: .min, maxt: .max)
        #expect(all.count == 10)
        #expect(try all.allSatisfy { try $0.samples().count == 20 })
        // Appending continues where it left off, with the same series.
        let app = db.appender()
        try app.append(series("cpu", ["core": "3"]), 200_000, 1)
        try app.commit()
        #expect(db.headSeriesCount == 10)
    }

    @Test func headCompactionWritesBlocksAndTruncatesWAL() throws {
        let dir = TempDir()
        let hour: Int64 = 3_600_000
        var db = try DB.open(dir.path, options: testOptions())
        // 6 hours of 10 s samples for 20 series.
        var expected: [Labels: [Sample]] = [:]
        var t: Int64 = 0
        while t < 6 * hour {
            let app = db.appender()
            for j in 0..<20 {
                let l = series("load", ["host": "h\(j)"])
                let v = Double(j) + Double(t / 10_000 % 100) / 100
                try app.append(l, t, v)
                expected[l, default: []].append(Sample(t, v))
            }
            try app.commit()
            t += 10_000
        }
        let walBefore = db.walSize
        let written = try db.compactHead()
        // Head spans 6h > 1.5 × 2h: [0,2h) is cut; then 4h > 3h: [2h,4h) is cut; then
        // the head spans just under 2h and [4h,6h) stays, as in Prometheus.
        #expect(written.map(\.minTime) == [0, 2 * hour])
        #expect(written.allSatisfy { $0.stats.numSeries == 20 && $0.stats.numSamples == 20 * 720 })
        #expect(db.walSize < walBefore)
        func check(_ db: DB) throws {
            let got = try db.querier().select([.equal("__name__", "load")], mint: .min, maxt: .max)
            #expect(got.count == 20)
            for s in got { #expect(try s.samples() == expected[s.labels]) }
            // A range crossing the block/head boundary.
            let mid = try db.querier().select([.equal("host", "h3")], mint: 4 * hour - 20_000, maxt: 4 * hour + 20_000)
            #expect(try mid[0].samples().map(\.timestamp) == [4 * hour - 20_000, 4 * hour - 10_000, 4 * hour, 4 * hour + 10_000, 4 * hour + 20_000])
        }
        try check(db)
        try db.close()
        db = try DB.open(dir.path, options: testOptions())
        #expect(db.blocks.count == 2)
        #expect(db.replayReport.checkpoint != nil)
        try check(db)
        // Samples inside a persisted block's range are refused.
        let app = db.appender()
        #expect(throws: StorageError.self) { try app.append(series("load", ["host": "h1"]), hour, 1) }
    }

    @Test func overlappingBlocksAreMergedAndDeduplicated() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let l = series("imported")
        try db.writeBlock(minTime: 0, maxTime: 100, series: [(l, [10, 20, 30], [1, 2, 3])])
        try db.writeBlock(minTime: 0, maxTime: 100, series: [(l, [20, 25, 40], [2, 2.5, 4])])
        let got = try db.querier().select([.equal("__name__", "imported")], mint: .min, maxt: .max)
        #expect(try got[0].samples() == [Sample(10, 1), Sample(20, 2), Sample(25, 2.5), Sample(30, 3), Sample(40, 4)])
        var it = got[0].makeIterator()
        let found = it.seek(to: 26)
        #expect(found)
        #expect(it.timestamp == 30)
    }

    @Test func concurrentAppendersAndQueriers() async throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions { $0.samplesPerChunk = 50 })
        await withTaskGroup(of: Void.self) { group in
            for w in 0..<4 {
                group.addTask {
                    for batch in 0..<100 {
                        let app = db.appender()
                        for j in 0..<10 { try? app.append(series("conc", ["w": String(w), "j": String(j)]), Int64(batch), Double(batch)) }
                        try? app.commit()
                    }
                }
            }
            group.addTask {
                for _ in 0..<50 { _ = try? db.querier().select([.equal("__name__", "conc")], mint: .min, maxt: .max).map { try $0.samples() } }
            }
        }
        let all = try db.querier().select([.equal("__name__", "conc")], mint: .min, maxt: .max)
        #expect(all.count == 40)
        for s in all { #expect(try s.samples().map(\.timestamp) == (0..<100).map(Int64.init)) }
    }

    @Test func secondOpenOfSameDirectoryIsRefused() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        #expect(throws: StorageError.locked(path: dir.path)) { try DB.open(dir.path, options: testOptions()) }
        try db.close()
        try DB.open(dir.path, options: testOptions()).close()
    }

    @Test func seriesOnlyEverRolledBackLeaveTheHeadAtTruncation() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let rolled = db.appender()
        try rolled.append(series("never_committed"), 1000, 1)
        rolled.rollback()
        let app = db.appender()
        try app.append(series("kept"), 1000, 1)
        try app.commit()
        #expect(db.headSeriesCount == 2)
        try db.compactHead(force: true)
        #expect(db.headSeriesCount == 0)
        #expect(try db.querier().labelValues("__name__", []) == ["kept"])
    }

    @Test func blockDirectoryWithoutMetaIsReportedNotIgnored() throws {
        let dir = TempDir()
        try FileManager.default.createDirectory(atPath: dir.path + "/01JD3X4Y5Z6A7B8C9D0E1F2G3H", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: dir.path + "/not-a-block", withIntermediateDirectories: true)
        let db = try DB.open(dir.path, options: testOptions())
        #expect(db.skippedBlocks.map(\.name) == ["01JD3X4Y5Z6A7B8C9D0E1F2G3H"])
        #expect("\(db.skippedBlocks[0].error)".contains("no meta.json"))
    }
}
