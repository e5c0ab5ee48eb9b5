import Foundation
import Testing
@testable import TidemarkStorage

@Suite struct PageCacheTests {
    func key(_ block: Int, _ offset: Int) -> PageCache.Key { .init(block: block, file: 1, offset: offset) }

    @Test func keepsWithinBudgetEvictingLeastRecentlyUsed() {
        let cache = PageCache(budget: 300)
        cache.insert(key(1, 0), [UInt8](repeating: 0, count: 100))
        cache.insert(key(1, 1), [UInt8](repeating: 1, count: 100))
        cache.insert(key(1, 2), [UInt8](repeating: 2, count: 100))
        // Touch page 0 so page 1 becomes the least recently used.
        #expect(cache.page(key(1, 0))?.first == 0)
        cache.insert(key(1, 3), [UInt8](repeating: 3, count: 100))
        #expect(cache.page(key(1, 1)) == nil)
        #expect(cache.page(key(1, 0)) != nil)
        #expect(cache.page(key(1, 2)) != nil)
        #expect(cache.page(key(1, 3))?.first == 3)
        let stats = cache.statistics
        #expect(stats.bytes == 300 && stats.pages == 3)
        // A page larger than the whole budget is not cached at all.
        cache.insert(key(1, 4), [UInt8](repeating: 4, count: 301))
        #expect(cache.page(key(1, 4)) == nil)
        #expect(cache.statistics.bytes == 300)
    }

    @Test func removingABlockDropsOnlyItsPagesAndSlotsAreReused() {
        let cache = PageCache(budget: 1000)
        for i in 0..<3 {
            cache.insert(key(7, i), [UInt8](repeating: 7, count: 10))
            cache.insert(key(8, i), [UInt8](repeating: 8, count: 10))
        }
        cache.removeAll(block: 7)
        #expect((0..<3).allSatisfy { cache.page(key(7, $0)) == nil })
        #expect((0..<3).allSatisfy { cache.page(key(8, $0))?.first == 8 })
        #expect(cache.statistics.bytes == 30)
        for i in 0..<3 { cache.insert(key(9, i), [UInt8](repeating: 9, count: 10)) }
        #expect(cache.statistics.pages == 6)
        #expect(cache.page(key(9, 2))?.first == 9)
    }

    @Test func zeroBudgetCachesNothing() {
        let cache = PageCache(budget: 0)
        cache.insert(key(1, 0), [1])
        #expect(cache.page(key(1, 0)) == nil)
    }

    /// Queries read the same answers through a database with the cache off, tiny (every
    /// page evicted at once) or large, and the large one serves repeated reads from memory.
    @Test(arguments: [0, 70_000, 128 << 20])
    func queriesAnswerTheSameWithAnyBudget(budget: Int) throws {
        let dir = TempDir("page-cache")
        let db = try DB.open(dir.path, options: testOptions { $0.pageCacheBytes = budget })
        var rows: [(labels: Labels, timestamps: [Int64], values: [Double])] = []
        for s in 0..<300 {
            let ts = (0..<500).map { Int64($0) * 10 }
            rows.append((series("cached", ["s": String(format: "%03d", s)]), ts, ts.map { Double($0) * 1.000001 + Double(s) }))
        }
        try db.writeBlock(minTime: 0, maxTime: 5_000, series: rows)
        for _ in 0..<2 {
            let got = try db.querier().select([.equal("__name__", "cached")], mint: .min, maxt: .max)
            #expect(got.count == 300)
            for (s, row) in zip(got, rows) {
                #expect(try s.samples() == zip(row.timestamps, row.values).map { Sample($0, $1) })
            }
        }
        let stats = db.pageCache.statistics
        #expect(stats.bytes <= budget)
        if budget == 128 << 20 { #expect(stats.hits > stats.misses) }
        try db.close()
    }
}
