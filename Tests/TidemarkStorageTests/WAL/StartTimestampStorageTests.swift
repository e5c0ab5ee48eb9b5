import Foundation
import Testing
@testable import TidemarkStorage
import TidemarkEncoding

/// Start timestamps through the storage: the WAL record type 3 (`samplesWithStart`),
/// replay, crash safety, head chunks and blocks.
@Suite("Start timestamps in storage")
struct StartTimestampStorageTests {
    static func payload(_ r: WALRecord) -> [UInt8] {
        var out: [UInt8] = []
        r.encodePayload(into: &out)
        return out
    }

    /// Decodes a type-3 payload; also says whether it was read to its end.
    static func decodeSamplesWithStart(_ bytes: [UInt8]) throws -> (record: WALRecord?, atEnd: Bool) {
        try bytes.withUnsafeBytes { (raw) throws -> (WALRecord?, Bool) in
            var rd = ByteReader(raw)
            let r = try WALRecord.decode(kind: WALRecord.Kind.samplesWithStart.rawValue, &rd)
            return (r, rd.isAtEnd)
        }
    }

    @Test func samplesRecordGoldenBytes() throws {
        let r = WALRecord.samples([
            WALSample(id: 7, t: 60_000, v: 1, st: nil),
            WALSample(id: 8, t: 60_000, v: 2, st: 30_000),
        ])
        #expect(r.kind == .samplesWithStart)
        #expect(WALRecord.Kind.samplesWithStart.rawValue == 3)
        let golden: [UInt8] = [
            0x02,                          // n = 2
            0x07,                          // base id 7
            0xc0, 0xa9, 0x07,              // base t: zigzag(60000) = 120000
            0x00, 0x00,                    // sample 0: id +0, t +0
            0, 0, 0, 0, 0, 0, 0xf0, 0x3f,  //   1.0
            0x00,                          //   no start timestamp
            0x02, 0x00,                    // sample 1: id +1, t +0
            0, 0, 0, 0, 0, 0, 0, 0x40,     //   2.0
            0x01, 0xe0, 0xd4, 0x03,        //   start: zigzag(t − st = 30000) = 60000
        ]
        #expect(Self.payload(r) == golden)
        let decoded = try Self.decodeSamplesWithStart(golden)
        #expect(decoded.record == r && decoded.atEnd)
    }

    @Test func samplesWithoutStartsKeepRecordType2() throws {
        let list = [WALSample(id: 7, t: 60_000, v: 1), WALSample(id: 8, t: 60_000, v: 2)]
        let r = WALRecord.samples(list)
        #expect(r.kind == .samples)
        // The type-2 layout has no start flag bytes: 1 + 1 + 3 + 2 × (2 + 8).
        #expect(Self.payload(r).count == 25)
    }

    @Test func roundTripOfExtremeStarts() throws {
        let starts: [Int64?] = [nil, .min, .max, 0, -1, 1_700_000_000_000]
        let list = starts.enumerated().map { WALSample(id: UInt64($0.offset), t: Int64($0.offset) * 7 - 3, v: Double($0.offset), st: $0.element) }
        let bytes = Self.payload(.samples(list))
        #expect(try Self.decodeSamplesWithStart(bytes).record == .samples(list))
    }

    @Test func badStartFlagIsAnUndecodableRecord() throws {
        var bytes = Self.payload(.samples([WALSample(id: 1, t: 5, v: 1, st: 4)]))
        bytes[bytes.count - 2] = 2  // the flag before the one-byte start delta
        #expect(throws: ByteReader.Truncated.self) { try Self.decodeSamplesWithStart(bytes) }
    }

    static let metric = "st_total"

    /// Commit `i`: three series, one cumulative (start fixed at −30 s), one delta (start
    /// at the previous sample), one without starts.
    static func commitSamples(_ i: Int) -> [(Labels, Int64, Double, Int64?)] {
        let t = Int64(i) * 60_000
        return [
            (damageLabels(metric, 0), t, Double(i * 10), -30_000),
            (damageLabels(metric, 1), t, 60, t - 60_000),
            (damageLabels(metric, 2), t, Double(i), nil),
        ]
    }

    static func commit(_ db: DB, _ i: Int) throws {
        let app = db.appender()
        for (l, t, v, st) in commitSamples(i) { try app.append(l, t, v, startTimestamp: st) }
        try app.commit()
    }

    static func expected<S: Sequence<Int>>(_ commits: S) -> [Labels: [(Int64, Double, Int64?)]] {
        var out: [Labels: [(Int64, Double, Int64?)]] = [:]
        for i in commits { for (l, t, v, st) in commitSamples(i) { out[l, default: []].append((t, v, st)) } }
        return out
    }

    static func contents(_ db: DB) throws -> [Labels: [(Int64, Double, Int64?)]] {
        var out: [Labels: [(Int64, Double, Int64?)]] = [:]
        for s in try db.querier().select([.equal("__name__", metric)], mint: .min, maxt: .max) {
            let samples = try s.samples()
            let starts = try s.startTimestamps()
            out[s.labels] = zip(samples, starts).map { ($0.timestamp, $0.value, $1) }
        }
        return out
    }

    static func same(_ a: [Labels: [(Int64, Double, Int64?)]], _ b: [Labels: [(Int64, Double, Int64?)]]) -> Bool {
        a.count == b.count && a.allSatisfy { k, v in
            guard let w = b[k], w.count == v.count else { return false }
            return zip(v, w).allSatisfy { $0.0 == $1.0 && $0.1.bitPattern == $1.1.bitPattern && $0.2 == $1.2 }
        }
    }

    @Test("Starts survive the head, WAL replay, a block and a checkpoint")
    func startsSurviveEveryStorageStage() throws {
        let dir = TempDir("st")
        var db = try DB.open(dir.path, options: testOptions())
        // Minutes 0–19 and 200–204: the head spans more than 1.5 block ranges (2 h), so
        // compaction writes [0, 2 h) as a block and checkpoints the later samples.
        let commits = Array(0..<20) + Array(200..<205)
        for i in commits { try Self.commit(db, i) }
        let want = Self.expected(commits)
        #expect(Self.same(try Self.contents(db), want))
        try db.close()
        db = try DB.open(dir.path, options: testOptions())
        #expect(db.replayReport.corruptions.isEmpty)
        #expect(Self.same(try Self.contents(db), want), "after WAL replay")
        try db.compactHead()
        #expect(db.blocks.count == 1)
        #expect(Self.same(try Self.contents(db), want), "block + head")
        try db.close()
        let checkpoints = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/wal").filter { $0.hasPrefix("checkpoint.") }
        try #require(checkpoints.count == 1)
        let types = walRecordSpans(try Damage.bytes(dir.path + "/wal/" + checkpoints[0])).map(\.type)
        #expect(types.contains(3), "the checkpoint keeps the samples with starts: \(types)")
        db = try DB.open(dir.path, options: testOptions())
        #expect(Self.same(try Self.contents(db), want), "block + checkpoint after reopen")
        try db.close()
    }

    /// A database of six commits whose last record is the last commit's type-3 record.
    static func sixCommits(_ name: String) throws -> (dir: DamageDir, segmentName: String, bytes: [UInt8], last: WALRecordSpan) {
        let pristine = DamageDir(name)
        let db = try DB.open(pristine.path, options: damageOptions())
        for i in 0..<6 { try Self.commit(db, i) }
        try db.close()
        let (_, name, bytes, spans) = try singleWALSegment(pristine.path)
        let last = spans[spans.count - 1]
        try #require(last.type == 3)
        return (pristine, name, bytes, last)
    }

    @Test("A torn write of a samples-with-start record, cut at every byte, loses that commit only")
    func tornTailOfASamplesWithStartRecord() throws {
        let (pristine, segName, bytes, last) = try Self.sixCommits("wal-st-torn")
        let before = Self.expected(0..<5)
        for cut in last.start..<bytes.count {
            let dir = try pristine.copy("wal-st-torn-cut")
            let path = dir.path + "/wal/" + segName
            try Damage.truncate(path, to: cut)
            let db = try DB.open(dir.path, options: damageOptions())
            let report = db.replayReport
            #expect(report.corruptions.count == (cut == last.start ? 0 : 1), "cut at \(cut): \(report)")
            if let c = report.corruptions.first {
                #expect(c.offset == last.start && c.isTail, "cut at \(cut): \(c)")
            }
            #expect(Self.same(try Self.contents(db), before), "cut at \(cut)")
            try Self.commit(db, 10)
            try db.close()
            let again = try DB.open(dir.path, options: damageOptions())
            #expect(again.replayReport.corruptions.isEmpty, "cut at \(cut), second open")
            var after = before
            for (l, t, v, st) in Self.commitSamples(10) { after[l, default: []].append((t, v, st)) }
            #expect(Self.same(try Self.contents(again), after), "cut at \(cut), second open")
            try again.close()
        }
    }

    @Test("A flipped bit in a samples-with-start record is caught by its checksum")
    func bitFlipInASamplesWithStartRecord() throws {
        let (pristine, segName, _, last) = try Self.sixCommits("wal-st-flip")
        for offset in stride(from: last.start + 9, to: last.end, by: 3) {
            let dir = try pristine.copy("wal-st-flip-bit")
            try Damage.flipBit(dir.path + "/wal/" + segName, at: offset, bit: offset % 8)
            let db = try DB.open(dir.path, options: damageOptions())
            #expect(db.replayReport.corruptions.first?.offset == last.start, "flip at \(offset)")
            #expect(Self.same(try Self.contents(db), Self.expected(0..<5)), "flip at \(offset)")
            try db.close()
        }
    }
}
