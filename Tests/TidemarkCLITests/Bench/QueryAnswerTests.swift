import Foundation
import Testing
@testable import TidemarkCLI

@Suite("bench --compare answer check")
struct QueryAnswerTests {
    static func answer(_ series: [(String, [(Int, String)])]) throws -> QueryAnswer {
        let result = series.map { name, points in
            "{\"metric\":{\"hostname\":\"\(name)\"},\"values\":[" + points.map { "[\($0.0),\"\($0.1)\"]" }.joined(separator: ",") + "]}"
        }.joined(separator: ",")
        let json = "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[\(result)]}}"
        return try QueryAnswer(json: Data(json.utf8))
    }

    @Test func tiedSeriesChosenDifferentlyHaveTheSameValuesPerStep() throws {
        // topk(1) at two steps where a and b tie at 100 in the first.
        let mine = try Self.answer([("a", [(60, "100"), (120, "7")]), ("b", [])])
        let theirs = try Self.answer([("b", [(60, "100")]), ("a", [(120, "7")])])
        #expect(mine.difference(from: theirs) != nil)
        #expect(mine.valueDifference(from: theirs) == nil)
    }

    @Test func differentValuesOrStepsAreStillDifferences() throws {
        let mine = try Self.answer([("a", [(60, "100"), (120, "7")])])
        #expect(mine.valueDifference(from: try Self.answer([("b", [(60, "100"), (120, "8")])]))?.contains("at 120") == true)
        #expect(mine.valueDifference(from: try Self.answer([("a", [(60, "100")])])) != nil)
        #expect(mine.valueDifference(from: try Self.answer([("a", [(60, "100"), (120, "7")]), ("b", [(60, "1")])])) != nil)
    }

    @Test func onlyRankSelectionsAreComparedByValue() {
        #expect(BenchQuery(name: "x", promql: "topk(5, max by (hostname) (m))", range: 0, step: 0).selectsByRank)
        #expect(BenchQuery(name: "x", promql: "bottomk(5, m)", range: 0, step: 0).selectsByRank)
        #expect(!BenchQuery(name: "x", promql: "max(m)", range: 0, step: 0).selectsByRank)
    }
}
