import Testing
@testable import TidemarkStorage

@Suite("Label identity: bytes, as Prometheus compares them")
struct LabelIdentityTests {
    @Test func canonicallyEquivalentButDifferentBytesAreDifferentLabels() {
        let precomposed = Labels(["city": "caf\u{E9}"])
        let decomposed = Labels(["city": "cafe\u{301}"])
        #expect("caf\u{E9}" == "cafe\u{301}", "Swift's String == says equal")
        #expect(precomposed != decomposed, "two series in Prometheus, so two here")
        #expect(Set([precomposed, decomposed]).count == 2)
    }

    @Test func equalLabelsHashEqualAndFieldBoundariesMatter() {
        let a = Labels(["__name__": "up", "job": "node"])
        let b = Labels([Label("job", "node"), Label("__name__", "up")])
        #expect(a == b && a.hashValue == b.hashValue)
        // ("ab", "c") and ("a", "bc") must not collide by construction.
        #expect(Label("ab", "c") != Label("a", "bc"))
        #expect(Set([Label("ab", "c"), Label("a", "bc")]).count == 2)
        var d: [Labels: Int] = [:]
        for i in 0..<1000 { d[Labels(["i": String(i), "x": "\u{1F600}"])] = i }
        #expect(d.count == 1000 && d[Labels(["i": "500", "x": "\u{1F600}"])] == 500)
    }

    @Test func settingReplacesInsertsAndRemovesInOrder() {
        let base = Labels(["__name__": "cpu", "host": "a", "zone": "z1"])
        for (name, value) in [("metric", "user"), ("host", "b"), ("host", ""), ("aaa", "1"), ("zzz", "9"), ("absent", ""), ("__name__", "")] {
            var dict = Dictionary(uniqueKeysWithValues: base.map { ($0.name, $0.value) })
            dict[name] = value
            let want = Labels(dict)
            let got = base.setting(name, to: value)
            #expect(got == want && got.labels == want.labels && got.hashValue == want.hashValue, "\(name)=\(value)")
        }
    }
}
