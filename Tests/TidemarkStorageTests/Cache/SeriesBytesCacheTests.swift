import Testing
@testable import TidemarkStorage

/// `SeriesBytesCache`: head series by encoded label bytes, never outliving the series.
@Suite struct SeriesBytesCacheTests {
    func lookup(_ c: SeriesBytesCache, _ key: [UInt8]) -> SeriesRef? { key.withUnsafeBytes { c.lookup($0) } }
    func insert(_ c: SeriesBytesCache, _ key: [UInt8], _ ref: SeriesRef) { key.withUnsafeBytes { c.insert($0, ref) } }

    @Test func findsBySameBytesOnly() throws {
        let dir = TempDir("bytes-cache")
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        let a = try app.append(series("up", ["job": "a"]), 1000, 1)
        let b = try app.append(series("up", ["job": "b"]), 1000, 1)
        try app.commit()
        let cache = SeriesBytesCache(db)
        insert(cache, Array("up-a".utf8), a)
        insert(cache, [], b)
        #expect(lookup(cache, Array("up-a".utf8))?.id == a.id)
        #expect(lookup(cache, Array("up-a".utf8))?.labels == series("up", ["job": "a"]))
        #expect(lookup(cache, [])?.id == b.id)
        #expect(lookup(cache, Array("up-b".utf8)) == nil && lookup(cache, Array("up-a ".utf8)) == nil)
        insert(cache, Array("up-a".utf8), b)  // replaces
        #expect(lookup(cache, Array("up-a".utf8))?.id == b.id && cache.count == 2)
        insert(cache, Array("bare".utf8), SeriesRef(id: a.id))  // no head series: not stored
        #expect(lookup(cache, Array("bare".utf8)) == nil && cache.count == 2)
        // Appending through a cached ref reaches the series.
        let app2 = db.appender()
        try app2.append(lookup(cache, [])!, 2000, 5)
        try app2.commit()
        #expect(db.headSamples.samples == 3)
    }

    @Test func sameHashOtherBytesAreTwoEntries() throws {
        let dir = TempDir("bytes-stripe")
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        let a = try app.append(series("x"), 1, 1)
        let b = try app.append(series("y"), 1, 1)
        try app.commit()
        let stripe = SeriesBytesStripe(capacityBytes: 1 << 20)
        // Forced collisions: the bytes decide.
        for (i, key) in ["k1", "k2", "k3"].enumerated() {
            Array(key.utf8).withUnsafeBytes { stripe.insert($0, hash: 42, (i == 1 ? b : a).series!) }
        }
        let found = ["k1", "k2", "k3", "k4"].map { k in Array(k.utf8).withUnsafeBytes { stripe.find($0, hash: 42)?.id } }
        #expect(found == [a.id, b.id, a.id, nil])
        #expect(stripe.count == 3)
    }

    @Test func seriesRemovedByHeadTruncationIsAMissThenSweptOut() throws {
        let dir = TempDir("bytes-truncate")
        let db = try DB.open(dir.path, options: testOptions())
        let cache = SeriesBytesCache(db)
        var refs: [SeriesRef] = []
        let app = db.appender()
        for i in 0..<20 { refs.append(try app.append(series("m", ["i": "\(i)"]), 1000, 1)) }
        try app.commit()
        for (i, r) in refs.enumerated() { insert(cache, [UInt8(i)], r) }
        #expect(cache.count == 20)
        // Everything persisted: the head forgets the series.
        try db.compactHead(force: true)
        #expect(db.headSeriesCount == 0)
        #expect(lookup(cache, [0]) == nil)
        for i in 0..<20 { _ = lookup(cache, [UInt8(i)]) }
        #expect(cache.count == 0)
        // The same labels come back as a new head series; the key then maps to it.
        let later = db.appender()
        let fresh = try later.append(series("m", ["i": "0"]), 3 * db.options.blockRange, 2)
        try later.commit()
        #expect(fresh.id != refs[0].id)
        insert(cache, [0], fresh)
        #expect(lookup(cache, [0])?.id == fresh.id)
    }

    @Test func deleteSeriesKeepsTheSeriesAndItsEntry() throws {
        let dir = TempDir("bytes-delete")
        let db = try DB.open(dir.path, options: testOptions())
        let cache = SeriesBytesCache(db)
        let app = db.appender()
        let r = try app.append(series("gone"), 1000, 1)
        try app.commit()
        insert(cache, [7], r)
        try db.deleteSeries([.equal("__name__", "gone")])
        #expect(lookup(cache, [7])?.id == r.id)
        let again = db.appender()
        try again.append(lookup(cache, [7])!, 2000, 2)
        try again.commit()
        let q = try db.querier().select([.equal("__name__", "gone")], mint: 0, maxt: .max)
        #expect(q.count == 1)
    }

    @Test func memoryIsBounded() throws {
        let dir = TempDir("bytes-bound")
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        let r = try app.append(series("x"), 1, 1)
        try app.commit()
        let cache = SeriesBytesCache(db, capacityBytes: 256 << 10)
        for i in 0..<2000 {
            var key = [UInt8](repeating: UInt8(truncatingIfNeeded: i), count: 1000)
            key[0] = UInt8(i & 0xff)
            key[1] = UInt8(i >> 8)
            insert(cache, key, r)
        }
        #expect(cache.bytes <= 256 << 10)
        #expect(cache.count > 0 && cache.count < 2000)
    }
}
