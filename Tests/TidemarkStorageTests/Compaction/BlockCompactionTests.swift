import Foundation
import Testing
@testable import TidemarkStorage

@Suite("Block compaction: merging, overlaps, readers, crash leftovers, retention")
struct BlockCompactionTests {
    static let h: Int64 = 3600 * 1000

    /// Every sample of every series, by label set, as a query sees it.
    static func everything(_ db: DB) throws -> [String: [Sample]] {
        var out: [String: [Sample]] = [:]
        for s in try db.querier().select([try LabelMatcher(.regexMatch, "__name__", ".+")], mint: .min, maxt: .max) {
            out[s.labels.description] = try s.samples()
        }
        return out
    }

    /// A database whose head was cut into 2h blocks over `hours` hours: 20 series, a
    /// sample every 30 s (decimal gauges and counters, so both codecs occur).
    static func headBlocks(_ dir: TempDir, hours: Int64, configure: (inout DBOptions) -> Void = { _ in }) throws -> DB {
        let db = try DB.open(dir.path, options: testOptions(configure))
        var refs: [SeriesRef] = []
        let app = db.appender()
        for i in 0..<20 {
            refs.append(try app.append(series(i % 2 == 0 ? "temp_celsius" : "requests_total", ["host": "h\(i)"]), 0, 0))
        }
        try app.commit()
        for t in stride(from: Int64(30_000), to: hours * h, by: 30_000) {
            let a = db.appender()
            for (i, r) in refs.enumerated() {
                let v = i % 2 == 0 ? Double(2000 + (Int(t / 30_000) * 7 + i) % 300) / 100 : Double(t / 1000 * Int64(i + 1))
                try a.append(r, t, v)
            }
            try a.commit()
        }
        try db.compactHead(force: true)
        return db
    }

    @Test func mergesHeadBlocksIntoLargerOnesWithEverySampleKept() throws {
        let dir = TempDir()
        let db = try Self.headBlocks(dir, hours: 14)
        let before = try Self.everything(db)
        #expect(db.blocks.count == 7)
        let merges = try db.compactBlocks()
        // [0,6h) and [6h,12h) are complete (a block starts at 12h); [12h,14h) stays.
        #expect(merges.count == 2)
        #expect(db.blocks.map { ($0.meta.minTime / Self.h, $0.meta.maxTime / Self.h) }.map { "\($0)-\($1)" } == ["0-6", "6-12", "12-14"])
        #expect(db.blocks[0].meta.compaction?.level == 2)
        #expect(db.blocks[0].meta.compaction?.sources.count == 3)
        #expect(try Self.everything(db) == before)
        #expect(db.compactionStats.merges == 2 && db.compactionStats.blocksReplaced == 6)
        // The replaced directories are gone once nothing reads them.
        let dirs = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.count == 26 }
        #expect(dirs.count == 3)
        try db.close()
        let again = try DB.open(dir.path, options: testOptions())
        #expect(try Self.everything(again) == before)
        #expect(again.blocks.count == 3)
        try again.close()
    }

    @Test func overlappingImportsMergeWithDuplicatesRemoved() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let s = series("m", ["k": "v"])
        // Two imports over the same hours: identical samples at even minutes, the second
        // adds odd minutes; a third import disagrees at t = 0 (the first-listed block wins).
        try db.writeBlock(minTime: 0, maxTime: 2 * Self.h, series: [(s, stride(from: 0, to: 2 * Self.h, by: 120_000).map { $0 }, stride(from: 0, to: 2 * Self.h, by: 120_000).map { Double($0 / 1000) })])
        try db.writeBlock(minTime: Self.h, maxTime: 3 * Self.h, series: [(s, stride(from: Self.h, to: 3 * Self.h, by: 60_000).map { $0 }, stride(from: Self.h, to: 3 * Self.h, by: 60_000).map { Double($0 / 1000) })])
        let expected = try Self.everything(db)
        #expect(db.blocks.count == 2)
        let merges = try db.compactBlocks()
        #expect(merges.count == 1)
        #expect(db.blocks.count == 1)
        #expect(db.blocks[0].meta.minTime == 0 && db.blocks[0].meta.maxTime == 3 * Self.h)
        let after = try Self.everything(db)
        #expect(after == expected)
        let ts = after.values.first!.map(\.timestamp)
        #expect(ts == Array(Set(ts)).sorted(), "no duplicate timestamps")
        #expect(db.blocks[0].meta.stats.numSamples == ts.count)
        try db.close()
    }

    @Test func aQueryStartedBeforeAMergeReadsToTheEnd() throws {
        let dir = TempDir()
        let db = try Self.headBlocks(dir, hours: 8)
        let before = try Self.everything(db)
        let oldDirs = db.blocks.map(\.directory)
        do {
            let oldQuerier = db.querier()
            try db.compactBlocks()
            #expect(oldDirs.allSatisfy { FileManager.default.fileExists(atPath: $0) }, "sources live while a querier holds them")
            var seen: [String: [Sample]] = [:]
            for s in try oldQuerier.select([try LabelMatcher(.regexMatch, "__name__", ".+")], mint: .min, maxt: .max) {
                seen[s.labels.description] = try s.samples()
            }
            #expect(seen == before)
        }
        #expect(oldDirs.prefix(3).allSatisfy { !FileManager.default.fileExists(atPath: $0) }, "deleted with their last reader")
        #expect(try Self.everything(db) == before)
        try db.close()
    }

    @Test func openingRemovesSourcesACrashLeftBesideTheirMergedBlock() throws {
        let dir = TempDir()
        let db = try Self.headBlocks(dir, hours: 8)
        let before = try Self.everything(db)
        // Keep copies of the sources, merge, then put the copies back: the state a crash
        // between the merged block's rename and the sources' deletion leaves.
        let backup = TempDir("backup")
        let sources = db.blocks.prefix(3).map(\.directory)
        for s in sources {
            try FileManager.default.copyItem(atPath: s, toPath: backup.path + "/" + (s as NSString).lastPathComponent)
        }
        try db.compactBlocks()
        try db.close()
        for s in sources {
            try? FileManager.default.removeItem(atPath: s)
            try FileManager.default.copyItem(atPath: backup.path + "/" + (s as NSString).lastPathComponent, toPath: s)
        }
        // And a half-deleted directory.
        try FileManager.default.createDirectory(atPath: dir.path + "/01ARZ3NDEKTSV4RRFFQ69G5FAV.deleted", withIntermediateDirectories: true)
        let log = LogLines()
        let again = try DB.open(dir.path, options: testOptions { o in o.log = { log.add($0) } })
        #expect(again.blocks.count == 2)
        #expect(try Self.everything(again) == before)
        #expect(log.lines.filter { $0.contains("replaced by a merged block") }.count == 3)
        try again.close()
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!left.contains { $0.hasSuffix(".deleted") })
        #expect(sources.allSatisfy { !FileManager.default.fileExists(atPath: $0) })
    }

    @Test func retentionDropsWholeOldBlocksAndLogsThem() throws {
        let dir = TempDir()
        let db = try Self.headBlocks(dir, hours: 10) { o in o.retention = ["raw": Retention(time: 5 * Self.h)] }
        let drops = db.applyRetention()
        // Newest sample just before 10h: blocks ending at or before 5h go.
        #expect(drops.map { $0.block.maxTime / Self.h } == [2, 4])
        #expect(db.blocks.map { $0.meta.minTime / Self.h } == [4, 6, 8])
        #expect(db.compactionStats.retentionDrops == 2)
        let series = try db.querier().select([try LabelMatcher(.regexMatch, "__name__", ".+")], mint: .min, maxt: .max)
        #expect(try series.allSatisfy { try $0.samples().first!.timestamp >= 4 * Self.h })
        try db.close()
    }

    @Test func retentionBySize() throws {
        let dir = TempDir()
        let db = try Self.headBlocks(dir, hours: 8)
        let sizes = db.blocks.map(\.sizeOnDisk)
        try db.close()
        let limited = try DB.open(dir.path, options: testOptions { o in o.retention = ["raw": Retention(size: sizes.suffix(2).reduce(0, +))] })
        let drops = limited.applyRetention()
        #expect(drops.count == 2 && drops.allSatisfy { $0.reason == .size })
        #expect(limited.blocks.count == 2)
        try limited.close()
    }
}

/// Collects `DBOptions.log` lines from any thread.
final class LogLines: @unchecked Sendable {
    private let lock = NSLock()
    private var _lines: [String] = []
    func add(_ line: String) { lock.lock(); _lines.append(line); lock.unlock() }
    var lines: [String] { lock.lock(); defer { lock.unlock() }; return _lines }
}
