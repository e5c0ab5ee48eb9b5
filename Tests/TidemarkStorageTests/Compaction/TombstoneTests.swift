import Foundation
import Testing
@testable import TidemarkStorage

@Suite("Deleting series: tombstones, queries, compaction, clean_tombstones")
struct TombstoneTests {
    static let h: Int64 = 3600 * 1000

    static func timestamps(_ db: DB, _ name: String, host: String) throws -> [Int64] {
        let s = try db.querier().select([.equal("__name__", name), .equal("host", host)], mint: .min, maxt: .max)
        return try s.first?.samples().map(\.timestamp) ?? []
    }

    @Test func deletedSamplesVanishFromQueriesAtOnceAndAfterReopen() throws {
        let dir = TempDir()
        let db = try BlockCompactionTests.headBlocks(dir, hours: 6)  // 3 blocks, head empty
        let app = db.appender()
        try app.append(series("temp_celsius", ["host": "h0"]), 6 * Self.h + 30_000, 20)
        try app.commit()
        let before = try Self.timestamps(db, "temp_celsius", host: "h0")
        let d = try #require(try db.deleteSeries([.equal("host", "h0")], mint: Self.h, maxt: 4 * Self.h))
        #expect(d.maxt == 4 * Self.h)
        let after = try Self.timestamps(db, "temp_celsius", host: "h0")
        #expect(after == before.filter { $0 < Self.h || $0 > 4 * Self.h })
        // Other series are untouched.
        #expect(try Self.timestamps(db, "temp_celsius", host: "h2").count == before.count - 1)
        try db.close()
        let again = try DB.open(dir.path, options: testOptions())
        #expect(try Self.timestamps(again, "temp_celsius", host: "h0") == after)
        #expect(again.pendingDeletions.count == 1)
        try again.close()
    }

    @Test func anOpenEndedDeletionStopsAtTheNewestSample() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let s = series("up", ["host": "a"])
        let app = db.appender()
        for t in stride(from: Int64(0), through: 60_000, by: 10_000) { try app.append(s, t, 1) }
        try app.commit()
        let d = try #require(try db.deleteSeries([.equal("__name__", "up")]))
        #expect(d.maxt == 60_000)
        #expect(try Self.timestamps(db, "up", host: "a").isEmpty)
        let later = db.appender()
        try later.append(s, 70_000, 1)
        try later.commit()
        #expect(try Self.timestamps(db, "up", host: "a") == [70_000], "samples after the deletion stay visible")
        #expect(throws: StorageError.self) { try db.deleteSeries([]) }
        try db.close()
    }

    @Test func compactionLeavesDeletedSamplesOutAndCleanTombstonesRewritesBlocks() throws {
        let dir = TempDir()
        let db = try BlockCompactionTests.headBlocks(dir, hours: 8)
        let total = db.blocks.map(\.meta.stats.numSamples).reduce(0, +)
        let h0 = try Self.timestamps(db, "temp_celsius", host: "h0").count
        // Delete one series entirely inside [0, 6h): the merge applies it.
        try db.deleteSeries([.equal("host", "h0")], mint: 0, maxt: 6 * Self.h - 1)
        try db.compactBlocks()
        let deletedInMerge = try Self.timestamps(db, "temp_celsius", host: "h0")
        #expect(deletedInMerge.allSatisfy { $0 >= 6 * Self.h })
        // Another deletion in the last block; clean_tombstones rewrites only that block.
        try db.deleteSeries([.equal("host", "h1")], mint: 6 * Self.h, maxt: 7 * Self.h)
        let ulidsBefore = Set(db.blocks.map(\.meta.ulid))
        let rewritten = try db.cleanTombstones()
        #expect(rewritten.count == 1)
        #expect(Set(db.blocks.map(\.meta.ulid)).subtracting(ulidsBefore).count == 1)
        #expect(db.pendingDeletions.isEmpty, "the head holds none of the deleted data")
        let stored = db.blocks.map(\.meta.stats.numSamples).reduce(0, +)
        let h1Deleted = 120 + 1  // one sample every 30 s over [6h, 7h], both ends included
        #expect(stored == total - (h0 - deletedInMerge.count) - h1Deleted)
        try db.close()
        let again = try DB.open(dir.path, options: testOptions())
        #expect(try Self.timestamps(again, "requests_total", host: "h1").allSatisfy { $0 < 6 * Self.h || $0 > 7 * Self.h })
        try again.close()
    }

    @Test func headToBlockLeavesDeletedSamplesOut() throws {
        let dir = TempDir()
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        for t in stride(from: Int64(0), to: 2 * Self.h, by: 60_000) {
            try app.append(series("x", ["host": "a"]), t, 1)
            try app.append(series("x", ["host": "b"]), t, 1)
        }
        try app.commit()
        try db.deleteSeries([.equal("host", "a")])
        try db.compactHead(force: true)
        #expect(db.blocks.first?.meta.stats.numSamples == 120)
        #expect(db.blocks.first?.meta.stats.numSeries == 1)
        try db.close()
    }

    @Test func deletedRangesMerge() {
        #expect(TombstoneStore.merge([5...9, 0...3, 4...4, 20...30, 25...40]) == [0...9, 20...40])
        #expect(TombstoneStore.merge([0...Int64.max, 5...7]) == [0...Int64.max])
        #expect(isDeleted(4, [0...3, 5...9]) == false)
        #expect(isDeleted(5, [0...3, 5...9]))
    }
}
