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
}
