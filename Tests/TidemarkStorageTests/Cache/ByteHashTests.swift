import Testing
@testable import TidemarkStorage

@Suite struct ByteHashTests {
    static func stream(_ parts: [String]) -> UInt64 {
        var h = ByteHash.Stream()
        for p in parts { h.add(p) }
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
}
