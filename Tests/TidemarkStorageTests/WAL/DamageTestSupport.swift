import Foundation
import Testing
@testable import TidemarkStorage

// Helpers shared by the WAL and block corruption tests: scratch directories, byte-level
// damage to files, a deterministic workload with awkward float bit patterns, and a
// reader of everything a database holds.

/// A fresh directory, removed when the object goes away.
final class DamageDir {
    let path: String
    init(_ name: String) {
        path = NSTemporaryDirectory() + "tidemark-\(name)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// A copy of this directory's contents in a new scratch directory.
    func copy(_ name: String) throws -> DamageDir {
        let d = DamageDir(name)
        for item in try FileManager.default.contentsOfDirectory(atPath: path) {
            try FileManager.default.copyItem(atPath: path + "/" + item, toPath: d.path + "/" + item)
        }
        return d
    }
}

/// Byte-level damage to files.
enum Damage {
    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    static func write(_ path: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func flipBit(_ path: String, at offset: Int, bit: Int = 0) throws {
        var b = try bytes(path)
        precondition(offset < b.count, "flip past the end of \(path)")
        b[offset] ^= UInt8(1) << UInt8(bit & 7)
        try write(path, b)
    }

    static func truncate(_ path: String, to size: Int) throws {
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: UInt64(size))
        try h.close()
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? -1
    }
}

/// Options for the damage tests: no background thread, no fsync (nothing here is about
/// power loss), small chunks.
func damageOptions(_ configure: (inout DBOptions) -> Void = { _ in }) -> DBOptions {
    var o = DBOptions()
    o.backgroundCompaction = false
    o.walSyncPolicy = .never
    o.samplesPerChunk = 120
    configure(&o)
    return o
}

/// A deterministic value for (series, timestamp): mostly arbitrary bit patterns, with
/// NaN payloads, the staleness marker, ±Inf and −0.0 mixed in.
func damageValue(_ series: Int, _ t: Int64) -> Double {
    var x = UInt64(bitPattern: t) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(series) &* 0xBF58_476D_1CE4_E5B9
    x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
    x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
    x ^= x >> 31
    switch x % 16 {
    case 0: return Double(bitPattern: 0x7FF0_0000_0000_0002)  // staleness marker
    case 1: return Double(bitPattern: 0x7FF8_0000_0000_0000 | (x >> 20))  // NaN with a payload
    case 2: return -0.0
    case 3: return .infinity
    case 4: return Double(t % 1000)  // something compressible
    default: return Double(bitPattern: x)
    }
}

func damageLabels(_ metric: String, _ j: Int) -> Labels {
    Labels(["__name__": metric, "series": String(j)])
}

/// Every sample of every series matching `matchers`, by labels. Throws what reading throws.
func readAll(_ db: DB, _ matchers: [LabelMatcher], mint: Int64 = .min, maxt: Int64 = .max) throws -> [Labels: [Sample]] {
    var out: [Labels: [Sample]] = [:]
    for s in try db.querier().select(matchers, mint: mint, maxt: maxt) { out[s.labels] = try s.samples() }
    return out
}

/// One framed WAL record's place in a file, parsed independently of the engine's reader
/// from the documented framing: 8-byte magic, then records of
/// { u8 type, u32 LE length, u32 LE crc32c, payload }.
struct WALRecordSpan {
    var start: Int
    var end: Int
    var type: UInt8
}

func walRecordSpans(_ bytes: [UInt8]) -> [WALRecordSpan] {
    var spans: [WALRecordSpan] = []
    var off = 8
    while off + 9 <= bytes.count {
        let len = Int(bytes[off + 1]) | Int(bytes[off + 2]) << 8 | Int(bytes[off + 3]) << 16 | Int(bytes[off + 4]) << 24
        guard off + 9 + len <= bytes.count else { break }
        spans.append(WALRecordSpan(start: off, end: off + 9 + len, type: bytes[off]))
        off += 9 + len
    }
    return spans
}

/// WAL segment paths of a database directory, oldest first.
func walSegments(_ dir: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: dir + "/wal")
        .filter { $0.count == 8 && Int($0) != nil }.sorted().map { dir + "/wal/" + $0 }
}

/// The only WAL segment of a database directory: its path, file name, bytes and records
/// (the last record ending at the end of the file).
func singleWALSegment(_ dir: String) throws -> (path: String, name: String, bytes: [UInt8], spans: [WALRecordSpan]) {
    let segs = try walSegments(dir)
    try #require(segs.count == 1)
    let bytes = try Damage.bytes(segs[0])
    let spans = walRecordSpans(bytes)
    try #require(spans.last?.end == bytes.count)
    return (segs[0], URL(fileURLWithPath: segs[0]).lastPathComponent, bytes, spans)
}
