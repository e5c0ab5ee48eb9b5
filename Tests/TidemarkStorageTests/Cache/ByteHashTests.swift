import Foundation
import Testing
@testable import TidemarkStorage

@Suite struct ByteHashTests {
    static func stream(_ parts: [String]) -> UInt64 {
        var h = ByteHash.Fold()
        for p in parts { h.add(ByteHash.hash(p)) }
        return h.finish()
    }

    @Test func streamsOfTheSameStringsAgreeAndSplitsDiffer() {
        #expect(Self.stream(["job", "api"]) == Self.stream(["job", "api"]))
        #expect(Self.stream(["ab", "c"]) != Self.stream(["a", "bc"]))
        #expect(Self.stream(["", "x"]) != Self.stream(["x", ""]))
        #expect(Self.stream(["a"]) != Self.stream(["a", ""]))
        #expect(Self.stream(["instance", "host-0123456789:9100"]) != Self.stream(["instance", "host-0123456789:9101"]))
        // Every byte of a long string counts, whatever its position.
        let base = String(repeating: "x", count: 37)
        var seen: Set<UInt64> = [Self.stream([base])]
        for i in 0..<37 {
            var bytes = Array(base.utf8)
            bytes[i] = UInt8(ascii: "y")
            seen.insert(Self.stream([String(decoding: bytes, as: UTF8.self)]))
        }
        #expect(seen.count == 38)
    }

    @Test func labelSetsThatDifferHashApartAndEqualOnesTogether() {
        var hashes: Set<Int> = []
        for h in 0..<200 {
            for m in ["user", "system", "idle"] {
                hashes.insert(Labels(["__name__": "cpu_usage_" + m, "hostname": "host_\(h)"]).hashValue)
            }
        }
        #expect(hashes.count == 600)
        #expect(Labels(["a": "1", "b": "2"]).hashValue == Labels([Label("b", "2"), Label("a", "1")]).hashValue)
    }

    /// A block's label sets (fingerprints folded from its symbols' hashes) equal and hash
    /// like the same sets built from strings.
    @Test func indexLabelSetsEqualSetsBuiltFromStrings() throws {
        let dir = NSTemporaryDirectory() + "tidemark-bytehash-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var o = DBOptions()
        o.backgroundCompaction = false
        o.walSyncPolicy = .never
        let db = try DB.open(dir, options: o)
        defer { try? db.close() }
        let sets = (0..<50).map { Labels(["__name__": "m\($0 % 3)", "host": "h-\($0)", "long": String(repeating: "v", count: $0)]) }
        let app = db.appender()
        for l in sets { try app.append(l, 1_000, 1) }
        try app.commit()
        try db.compactHead(force: true)
        let read = try db.querier().select([LabelMatcher.equal("host", "h-7")], mint: .min, maxt: .max)
        #expect(read.count == 1)
        let rebuilt = Labels(["__name__": "m1", "host": "h-7", "long": String(repeating: "v", count: 7)])
        #expect(read.first?.labels == rebuilt)
        #expect(read.first?.labels.hashValue == rebuilt.hashValue)
        let all = try db.querier().select([try LabelMatcher(.regexMatch, "host", ".+")], mint: .min, maxt: .max)
        #expect(Set(all.map(\.labels)) == Set(sets))
    }
}
