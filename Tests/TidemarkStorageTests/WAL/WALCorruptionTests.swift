import Foundation
import Testing
@testable import TidemarkStorage

/// Damaged WAL files: data is written through the `DB` API and the database closed, then
/// WAL files are cut short, bit-flipped or replaced with garbage, and the database is
/// reopened. It must always open, report what it repaired (file, offset), keep every
/// record before the damage bit for bit, and never resurrect part of a commit.
@Suite("WAL corruption")
struct WALCorruptionTests {
    static let metric = "wal_damage"
    static let width = 5

    /// Commit `i`: two samples for each of `width` series at i·1000 and i·1000 + 500,
    /// plus (when `newSeries`) a series that did not exist before, so the write holds a
    /// series record and a samples record.
    static func commitSamples(_ i: Int, newSeries: Bool = false) -> [(Labels, Int64, Double)] {
        var out: [(Labels, Int64, Double)] = []
        for j in 0..<width {
            for dt in [0, 500] as [Int64] {
                let t = Int64(i) * 1000 + dt
                out.append((damageLabels(metric, j), t, damageValue(j, t)))
            }
        }
        if newSeries {
            let t = Int64(i) * 1000 + 250
            out.append((damageLabels(metric, 100 + i), t, damageValue(100 + i, t)))
        }
        return out
    }

    static func commit(_ db: DB, _ i: Int, newSeries: Bool = false) throws {
        let app = db.appender()
        for (l, t, v) in commitSamples(i, newSeries: newSeries) { try app.append(l, t, v) }
        try app.commit()
    }

    static func expected(_ commits: [(Int, Bool)]) -> [Labels: [Sample]] {
        var out: [Labels: [Sample]] = [:]
        for (i, n) in commits {
            for (l, t, v) in commitSamples(i, newSeries: n) { out[l, default: []].append(Sample(t, v)) }
        }
        for k in out.keys { out[k]!.sort { $0.timestamp < $1.timestamp } }
        return out
    }

    /// nil if equal, else the first difference (short enough for a test log).
    static func difference(_ want: [Labels: [Sample]], _ got: [Labels: [Sample]]) -> String? {
        for (l, w) in want.sorted(by: { $0.key < $1.key }) {
            guard let g = got[l] else { return "\(l) is missing (\(w.count) samples expected)" }
            if g != w {
                let i = (0..<min(w.count, g.count)).first { w[$0] != g[$0] } ?? min(w.count, g.count)
                return "\(l): \(g.count) samples, expected \(w.count); first difference at #\(i): got \(i < g.count ? g[i].description : "-") bits \(i < g.count ? String(g[i].value.bitPattern, radix: 16) : "-"), expected \(i < w.count ? w[i].description : "-")"
            }
        }
        for l in got.keys where want[l] == nil { return "unexpected series \(l) with \(got[l]!.count) samples" }
        return nil
    }

    static func contents(_ db: DB) throws -> [Labels: [Sample]] {
        try readAll(db, [.equal("__name__", metric)])
    }

    // MARK: - Torn tails

    @Test("A torn last write, cut at every byte, loses that commit only, is reported and repaired")
    func tornTailAtEveryByteOfTheLastWrite() throws {
        let pristine = DamageDir("wal-torn")
        do {
            let db = try DB.open(pristine.path, options: damageOptions())
            for i in 0..<10 { try Self.commit(db, i) }
            try Self.commit(db, 10, newSeries: true)
            try db.close()
        }
        let (_, segName, bytes, spans) = try singleWALSegment(pristine.path)
        // The last commit is one write: a series record, then a samples record.
        let lastWrite = Array(spans.suffix(2))
        try #require(lastWrite.map(\.type) == [1, 2])
        let before = Self.expected((0..<10).map { ($0, false) })
        let after = Self.expected((0..<10).map { ($0, false) } + [(20, true)])

        for cut in lastWrite[0].start..<bytes.count {
            let dir = try pristine.copy("wal-torn-cut")
            let path = dir.path + "/wal/" + segName
            try Damage.truncate(path, to: cut)
            let record = lastWrite.last { $0.start <= cut }!

            let db = try DB.open(dir.path, options: damageOptions())
            let report = db.replayReport
            if cut == record.start {
                #expect(report.corruptions.isEmpty, "cut at \(cut) is a record boundary: \(report)")
            } else {
                #expect(report.corruptions.count == 1, "cut at \(cut): \(report)")
                if let c = report.corruptions.first {
                    #expect(c.file == path, "cut at \(cut)")
                    #expect(c.offset == record.start, "cut at \(cut)")
                    #expect(c.discardedBytes == cut - record.start, "cut at \(cut)")
                    #expect(c.isTail, "cut at \(cut): a torn write at the end of the newest segment")
                    #expect(c.description.contains(path) && c.description.contains("offset \(record.start)"), "\(c)")
                }
            }
            #expect(Damage.size(path) == record.start, "cut at \(cut): the torn bytes are cut off on disk")
            let got = try Self.contents(db)
            #expect(Self.difference(before, got) == nil, "cut at \(cut): \(Self.difference(before, got) ?? "")")

            // The repaired log takes new commits and then replays cleanly.
            try Self.commit(db, 20, newSeries: true)
            try db.close()
            let again = try DB.open(dir.path, options: damageOptions())
            #expect(again.replayReport.corruptions.isEmpty, "cut at \(cut), second open: \(again.replayReport)")
            let got2 = try Self.contents(again)
            #expect(Self.difference(after, got2) == nil, "cut at \(cut), second open: \(Self.difference(after, got2) ?? "")")
            try again.close()
        }
    }

    @Test("A newest segment cut inside its 8-byte header is reported and earlier segments replay")
    func tornSegmentHeader() throws {
        let pristine = DamageDir("wal-torn-header")
        do {
            let db = try DB.open(pristine.path, options: damageOptions { $0.walSegmentSize = 1024 })
            for i in 0..<20 { try Self.commit(db, i) }
            try db.close()
        }
        let segs = try walSegments(pristine.path)
        try #require(segs.count >= 3)
        // Commit k is the k-th samples record, counting through the segments in order.
        let inLast = walRecordSpans(try Damage.bytes(segs.last!)).filter { $0.type == 2 }.count
        let kept = Self.expected((0..<(20 - inLast)).map { ($0, false) })
        let name = URL(fileURLWithPath: segs.last!).lastPathComponent
        for cut in 0..<8 {
            let dir = try pristine.copy("wal-torn-header-cut")
            let path = dir.path + "/wal/" + name
            try Damage.truncate(path, to: cut)
            let db = try DB.open(dir.path, options: damageOptions { $0.walSegmentSize = 1024 })
            let report = db.replayReport
            if cut == 0 {
                #expect(report.corruptions.isEmpty, "an empty segment is not damage: \(report)")
            } else {
                #expect(report.corruptions.count == 1, "\(report)")
                #expect(report.corruptions.first?.file == path)
                #expect(report.corruptions.first?.offset == 0)
                #expect(report.corruptions.first?.isTail == true)
            }
            let got = try Self.contents(db)
            #expect(Self.difference(kept, got) == nil, "cut at \(cut): \(Self.difference(kept, got) ?? "")")
            try Self.commit(db, 30)
            try db.close()
            let again = try DB.open(dir.path, options: damageOptions())
            #expect(again.replayReport.corruptions.isEmpty, "\(again.replayReport)")
            try again.close()
        }
    }

    // MARK: - Flipped bits

    /// Bit positions inside one record: type byte, length, checksum, payload start,
    /// middle and last byte.
    static func flipPositions(_ r: WALRecordSpan) -> [(offset: Int, bit: Int, what: String)] {
        [
            (r.start, 1, "type byte"), (r.start + 1, 0, "length, low bit"), (r.start + 2, 3, "length, second byte"),
            (r.start + 6, 5, "checksum"), (r.start + 9, 0, "first payload byte"),
            ((r.start + 9 + r.end) / 2, 6, "middle of the payload"), (r.end - 1, 7, "last payload byte"),
        ]
    }

    @Test("A flipped bit in a middle segment: reported, records before it kept, the rest of that segment dropped")
    func bitFlipInMiddleSegment() throws {
        let pristine = DamageDir("wal-flip")
        let options = damageOptions { $0.walSegmentSize = 1024 }
        let commits = 40
        do {
            let db = try DB.open(pristine.path, options: options)
            for i in 0..<commits { try Self.commit(db, i) }
            try db.close()
        }
        let segs = try walSegments(pristine.path)
        try #require(segs.count >= 4)
        // Number every commit: commit k is the k-th samples record in segment order.
        var commitOf: [(segment: Int, span: WALRecordSpan)] = []
        for (s, path) in segs.enumerated() {
            for span in walRecordSpans(try Damage.bytes(path)) where span.type == 2 { commitOf.append((s, span)) }
        }
        try #require(commitOf.count == commits)
        let victimSegment = segs.count / 2
        let inVictim = commitOf.indices.filter { commitOf[$0].segment == victimSegment }
        try #require(inVictim.count >= 3)
        let victimCommit = inVictim[inVictim.count / 2]
        let victim = commitOf[victimCommit].span
        let name = URL(fileURLWithPath: segs[victimSegment]).lastPathComponent
        let segSize = Damage.size(segs[victimSegment])
        // Kept: everything but the damaged record and the rest of its segment.
        let lost = Set(inVictim.filter { $0 >= victimCommit })
        let kept = Self.expected((0..<commits).filter { !lost.contains($0) }.map { ($0, false) })

        for flip in Self.flipPositions(victim) {
            let dir = try pristine.copy("wal-flip-case")
            let path = dir.path + "/wal/" + name
            try Damage.flipBit(path, at: flip.offset, bit: flip.bit)
            let db = try DB.open(dir.path, options: options)
            let report = db.replayReport
            #expect(report.corruptions.count == 1, "\(flip.what): \(report)")
            if let c = report.corruptions.first {
                #expect(c.file == path, "\(flip.what)")
                #expect(c.offset == victim.start, "\(flip.what): \(c)")
                #expect(c.discardedBytes == segSize - victim.start, "\(flip.what): \(c)")
                #expect(!c.isTail, "\(flip.what): damage in an older segment is not a torn tail: \(c)")
            }
            #expect(report.samplesWithUnknownSeries == 0)
            #expect(Damage.size(path) == victim.start, "\(flip.what): the untrusted rest of the segment is cut off")
            let got = try Self.contents(db)
            #expect(Self.difference(kept, got) == nil, "\(flip.what): \(Self.difference(kept, got) ?? "")")
            try db.close()
            let again = try DB.open(dir.path, options: options)
            #expect(again.replayReport.corruptions.isEmpty, "\(flip.what), second open: \(again.replayReport)")
            #expect(Self.difference(kept, try Self.contents(again)) == nil, "\(flip.what), second open")
            try again.close()
        }
    }

    @Test("A flipped bit mid-way through the newest segment is reported as corruption, not as a torn tail")
    func bitFlipInNewestSegment() throws {
        let pristine = DamageDir("wal-flip-newest")
        let commits = 12
        do {
            let db = try DB.open(pristine.path, options: damageOptions())
            for i in 0..<commits { try Self.commit(db, i) }
            try db.close()
        }
        let segs = try walSegments(pristine.path)
        try #require(segs.count == 1)
        let name = URL(fileURLWithPath: segs[0]).lastPathComponent
        let samples = walRecordSpans(try Damage.bytes(segs[0])).filter { $0.type == 2 }
        try #require(samples.count == commits)
        for victimCommit in [0, commits / 2, commits - 1] {
            let victim = samples[victimCommit]
            let kept = Self.expected((0..<victimCommit).map { ($0, false) })
            for flip in Self.flipPositions(victim) {
                let dir = try pristine.copy("wal-flip-newest-case")
                let path = dir.path + "/wal/" + name
                try Damage.flipBit(path, at: flip.offset, bit: flip.bit)
                let db = try DB.open(dir.path, options: damageOptions())
                let report = db.replayReport
                #expect(report.corruptions.count == 1, "commit \(victimCommit), \(flip.what): \(report)")
                if let c = report.corruptions.first {
                    #expect(c.file == path)
                    #expect(c.offset == victim.start, "commit \(victimCommit), \(flip.what): \(c)")
                    // Good records after the damage mean it is not a write cut short by a crash.
                    if victimCommit < commits - 1 {
                        #expect(!c.isTail, "commit \(victimCommit), \(flip.what): \(c)")
                    }
                }
                let got = try Self.contents(db)
                #expect(Self.difference(kept, got) == nil, "commit \(victimCommit), \(flip.what): \(Self.difference(kept, got) ?? "")")
                try db.close()
            }
        }
    }

    // MARK: - Garbage

    static func garbage(_ n: Int, seed: UInt64) -> [UInt8] {
        var x = seed
        return (0..<n).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: x >> 33)
        }
    }

    @Test("Garbage in place of WAL segments, or next to them, never stops the database from opening")
    func garbageWALFiles() throws {
        let pristine = DamageDir("wal-garbage")
        let options = damageOptions { $0.walSegmentSize = 1024 }
        let commits = 30
        do {
            let db = try DB.open(pristine.path, options: options)
            for i in 0..<commits { try Self.commit(db, i) }
            try db.close()
        }
        let segs = try walSegments(pristine.path).map { URL(fileURLWithPath: $0).lastPathComponent }
        try #require(segs.count >= 3)
        var perSegment: [Int] = []
        for s in segs { perSegment.append(walRecordSpans(try Damage.bytes(pristine.path + "/wal/" + s)).filter { $0.type == 2 }.count) }
        func commitsOf(_ segment: Int) -> Range<Int> {
            let start = perSegment[..<segment].reduce(0, +)
            return start..<start + perSegment[segment]
        }
        let everything = Self.expected((0..<commits).map { ($0, false) })

        // The newest segment, and a middle one, replaced by garbage of a few sizes.
        for victim in [segs.count - 1, segs.count / 2] {
            for size in [3, 8, 100, 4096] {
                let dir = try pristine.copy("wal-garbage-case")
                let path = dir.path + "/wal/" + segs[victim]
                try Damage.write(path, Self.garbage(size, seed: UInt64(size)))
                let db = try DB.open(dir.path, options: options)
                let report = db.replayReport
                #expect(report.corruptions.count == 1, "segment \(victim), \(size) garbage bytes: \(report)")
                #expect(report.corruptions.first?.file == path)
                #expect(report.corruptions.first?.offset == 0)
                #expect(report.samplesWithUnknownSeries == 0)
                #expect(Damage.size(path) == 0)
                let lost = commitsOf(victim)
                let kept = Self.expected((0..<commits).filter { !lost.contains($0) }.map { ($0, false) })
                let got = try Self.contents(db)
                #expect(Self.difference(kept, got) == nil, "segment \(victim), \(size) bytes: \(Self.difference(kept, got) ?? "")")
                try db.close()
                let again = try DB.open(dir.path, options: options)
                #expect(again.replayReport.corruptions.isEmpty, "\(again.replayReport)")
                try again.close()
            }
        }

        // A garbage file named like a newer segment: reported and emptied; nothing lost.
        do {
            let dir = try pristine.copy("wal-garbage-extra")
            let path = dir.path + "/wal/00000099"
            try Damage.write(path, Self.garbage(777, seed: 99))
            let db = try DB.open(dir.path, options: options)
            #expect(db.replayReport.corruptions.map(\.file) == [path])
            #expect(Self.difference(everything, try Self.contents(db)) == nil)
            try Self.commit(db, 50)
            try db.close()
            let again = try DB.open(dir.path, options: options)
            #expect(again.replayReport.corruptions.isEmpty, "\(again.replayReport)")
            #expect(Self.difference(Self.expected((0..<commits).map { ($0, false) } + [(50, false)]), try Self.contents(again)) == nil)
            try again.close()
        }

        // Files whose names are not WAL names are left alone.
        do {
            let dir = try pristine.copy("wal-garbage-foreign")
            try Damage.write(dir.path + "/wal/README", Self.garbage(200, seed: 7))
            try Damage.write(dir.path + "/wal/0000abcd", Self.garbage(200, seed: 8))
            let db = try DB.open(dir.path, options: options)
            #expect(db.replayReport.corruptions.isEmpty, "\(db.replayReport)")
            #expect(Self.difference(everything, try Self.contents(db)) == nil)
            try db.close()
            #expect(Damage.size(dir.path + "/wal/README") == 200)
        }
    }

    @Test("A damaged checkpoint is reported; blocks and the database stay usable")
    func damagedCheckpoint() throws {
        let pristine = DamageDir("wal-checkpoint")
        let options = damageOptions { $0.blockRange = 10_000 }
        let commits = 40
        var cutoff: Int64 = 0
        do {
            let db = try DB.open(pristine.path, options: options)
            for i in 0..<commits { try Self.commit(db, i) }
            let blocks = try db.compactHead()
            try #require(blocks.count >= 2)
            cutoff = blocks.map(\.maxTime).max()!
            try db.close()
        }
        let cps = try FileManager.default.contentsOfDirectory(atPath: pristine.path + "/wal").filter { $0.hasPrefix("checkpoint.") }
        try #require(cps.count == 1)
        let cpBytes = try Damage.bytes(pristine.path + "/wal/" + cps[0])
        let spans = walRecordSpans(cpBytes)
        try #require(spans.count >= 2)
        // Everything the blocks hold must survive whatever happens to the checkpoint.
        let blockData = Self.expected((0..<commits).map { ($0, false) }).mapValues { $0.filter { $0.timestamp < cutoff } }
        for span in [spans[0], spans[spans.count - 1]] {
            let dir = try pristine.copy("wal-checkpoint-case")
            let path = dir.path + "/wal/" + cps[0]
            try Damage.flipBit(path, at: (span.start + 9 + span.end) / 2, bit: 2)
            let db = try DB.open(dir.path, options: options)
            #expect(db.replayReport.corruptions.count == 1, "\(db.replayReport)")
            #expect(db.replayReport.corruptions.first?.file == path)
            #expect(db.replayReport.corruptions.first?.offset == span.start)
            #expect(db.replayReport.corruptions.first?.isTail == false, "a checkpoint is written atomically; damage in it is never a torn write")
            #expect(db.skippedBlocks.isEmpty)
            let inBlocks = try readAll(db, [.equal("__name__", Self.metric)], mint: .min, maxt: cutoff - 1)
            #expect(Self.difference(blockData, inBlocks) == nil, "\(Self.difference(blockData, inBlocks) ?? "")")
            // Still writable.
            try Self.commit(db, 100)
            try db.close()
            try DB.open(dir.path, options: options).close()
        }
    }
}
