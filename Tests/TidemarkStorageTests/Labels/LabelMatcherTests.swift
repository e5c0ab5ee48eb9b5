import Foundation
import Testing
@testable import TidemarkStorage

@Suite struct LabelMatcherTests {
    @Test func literalAlternativesAreLookedUpDirectly() throws {
        #expect(try LabelMatcher(.regexMatch, "h", "a|b|c").selectedValues.map(Set.init) == ["a", "b", "c"])
        #expect(try LabelMatcher(.regexMatch, "h", "abc").selectedValues == ["abc"])
        #expect(LabelMatcher.equal("h", "x").selectedValues == ["x"])
        #expect(try LabelMatcher(.regexMatch, "h", "a.*|b").selectedValues == nil)
        #expect(try LabelMatcher(.regexNoMatch, "h", "a|b").selectedValues == nil)
        #expect(try LabelMatcher(.notEqual, "h", "a").selectedValues == nil)
    }

    /// The same answers through the direct lookup, in blocks and the head, including a
    /// value no series has and an alternative that matches the empty value.
    @Test func selectingByAlternativesMatchesTheFullScan() throws {
        let dir = TempDir("matchers")
        let db = try DB.open(dir.path, options: testOptions())
        var rows: [(labels: Labels, timestamps: [Int64], values: [Double])] = []
        for h in 0..<20 { rows.append((series("m", ["host": "h\(h)"]), [1, 2], [1, 2])) }
        rows.sort { $0.labels < $1.labels }
        try db.writeBlock(minTime: 0, maxTime: 10, series: rows)
        let app = db.appender()
        for h in 15..<25 { _ = try app.append(series("m", ["host": "h\(h)"]), 20, 1) }
        _ = try app.append(series("m"), 20, 1)
        try app.commit()
        func hosts(_ pattern: String) throws -> [String] {
            try db.querier().select([.equal("__name__", "m"), LabelMatcher(.regexMatch, "host", pattern)], mint: .min, maxt: .max)
                .map { $0.labels["host"] ?? "" }
        }
        #expect(try hosts("h1|h17|h24|nope") == ["h1", "h17", "h24"])
        #expect(try hosts("h1|h17|h24|nope") == (try hosts("(h1|h17|h24|nope)")))
        // An empty alternative also selects the series without the label.
        #expect(try hosts("h3|") == ["", "h3"])
        try db.close()
    }

    /// "café" precomposed and decomposed are two series (as in Prometheus), in the head and
    /// in blocks, and every matcher kind tells them apart.
    @Test func matchersCompareValuesByTheirBytes() throws {
        let (pre, dec) = ("caf\u{E9}", "cafe\u{301}")
        let dir = TempDir("matcher-bytes")
        let db = try DB.open(dir.path, options: testOptions())
        let app = db.appender()
        _ = try app.append(series("m", ["city": pre]), 20, 1)
        _ = try app.append(series("m", ["city": dec]), 20, 2)
        try app.commit()
        var rows: [(labels: Labels, timestamps: [Int64], values: [Double])] = [
            (series("b", ["city": pre]), [1], [1]), (series("b", ["city": dec]), [1], [2]),
        ]
        rows.sort { $0.labels < $1.labels }
        try db.writeBlock(minTime: 0, maxTime: 10, series: rows)
        for metric in ["m", "b"] {
            func values(_ m: LabelMatcher) throws -> [Double] {
                try db.querier().select([.equal("__name__", metric), m], mint: .min, maxt: .max).flatMap { try $0.samples().map(\.value) }
            }
            #expect(try values(.equal("city", pre)) == [1], "\(metric)")
            #expect(try values(.equal("city", dec)) == [2], "\(metric)")
            #expect(try values(LabelMatcher(.notEqual, "city", pre)) == [2], "\(metric)")
            #expect(try values(LabelMatcher(.regexMatch, "city", pre + "|x")) == [1], "\(metric)")
            #expect(try values(LabelMatcher(.regexNoMatch, "city", dec + "|x")) == [1], "\(metric)")
            #expect(try values(LabelMatcher(.regexMatch, "city", "caf\u{E9}.*")) == [1], "\(metric)")
        }
        #expect(try db.querier().labelValues("city", []).count == 2)
        try db.close()
    }
}
