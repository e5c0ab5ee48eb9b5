import Foundation
import Testing
@testable import TidemarkStorage

/// What survives head compaction (block cut, head truncation, WAL checkpoint) and a
/// reopen, including the awkward interleavings a background compaction allows.
@Suite("WAL checkpoint")
struct WALCheckpointTests {
    static let options = damageOptions { $0.blockRange = 10_000 }

    /// A series whose samples all went into a block is dropped from the head (and its
    /// series record from the checkpoint). An appender created before that, still holding
    /// the series, must not lose its commit: not in memory, not after a reopen.
    @Test("A commit for a series that head truncation removed meanwhile is kept, in memory and after reopen")
    func commitToSeriesRemovedByTruncation() throws {
        let dir = DamageDir("wal-removed-series")
        let idle = damageLabels("checkpoint_race", 0)
        let busy = damageLabels("checkpoint_race", 1)
        var db = try DB.open(dir.path, options: Self.options)
        do {
            let app = db.appender()
            try app.append(idle, 1_000, 1)
            var t: Int64 = 1_000
            while t <= 30_000 { try app.append(busy, t, Double(t)); t += 1_000 }
            try app.commit()
        }
        // Appender created (and the series looked up) before the compaction…
        let late = db.appender()
        try late.append(idle, 25_000, 42)
        // …which cuts [0, 10 s) into a block, so `idle` is empty in the head and removed.
        let blocks = try db.compactHead()
        #expect(blocks.first?.minTime == 0)
        // …and commits afterwards.
        try late.commit()

        let want = [Sample(1_000, 1), Sample(25_000, 42)]
        func idleSamples(_ db: DB) throws -> [Sample] {
            try db.querier().select([.equal("series", "0")], mint: .min, maxt: .max).first?.samples() ?? []
        }
        #expect(try idleSamples(db) == want, "the acknowledged sample is visible")
        try db.close()
        db = try DB.open(dir.path, options: Self.options)
        #expect(db.replayReport.samplesWithUnknownSeries == 0, "\(db.replayReport)")
        #expect(try idleSamples(db) == want, "the acknowledged sample survives a reopen")
        // And once more through a second compaction and checkpoint.
        let app = db.appender()
        try app.append(busy, 60_000, 1)
        try app.commit()
        try db.compactHead()
        try db.close()
        db = try DB.open(dir.path, options: Self.options)
        #expect(try idleSamples(db) == want)
        try db.close()
    }

    @Test("Head compaction, checkpoint and reopen keep every sample exactly once")
    func checkpointRoundTrip() throws {
        let dir = DamageDir("wal-checkpoint-roundtrip")
        var db = try DB.open(dir.path, options: Self.options.with { $0.walSegmentSize = 4096 })
        var want: [Labels: [Sample]] = [:]
        for i in 0..<80 {
            let app = db.appender()
            for j in 0..<6 where (i + j) % 3 != 0 {  // series come and go
                let l = damageLabels("roundtrip", j)
                let t = Int64(i) * 500
                try app.append(l, t, damageValue(j, t))
                want[l, default: []].append(Sample(t, damageValue(j, t)))
            }
            try app.commit()
            if i % 20 == 19 { try db.compactHead() }
        }
        let before = try readAll(db, [.equal("__name__", "roundtrip")])
        #expect(WALCorruptionTests.difference(want, before) == nil, "\(WALCorruptionTests.difference(want, before) ?? "")")
        try db.close()
        db = try DB.open(dir.path, options: Self.options)
        #expect(db.replayReport.checkpoint != nil)
        #expect(db.replayReport.corruptions.isEmpty)
        #expect(db.replayReport.samplesWithUnknownSeries == 0)
        let after = try readAll(db, [.equal("__name__", "roundtrip")])
        #expect(WALCorruptionTests.difference(want, after) == nil, "\(WALCorruptionTests.difference(want, after) ?? "")")
        try db.close()
    }
}

extension DBOptions {
    /// A copy with changes.
    func with(_ change: (inout DBOptions) -> Void) -> DBOptions {
        var o = self
        change(&o)
        return o
    }
}
