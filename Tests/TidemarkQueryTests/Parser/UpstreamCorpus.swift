import Foundation
import Testing
@testable import TidemarkQuery

/// The queries of Prometheus's upstream PromQL test scripts (`eval` lines).
struct UpstreamQuery: CustomStringConvertible, Sendable {
    var file: String
    var line: Int
    var query: String
    /// `expect fail` / `eval_fail`: the query may fail to parse (or fail at run time).
    var expectFail: Bool

    var description: String { "\(file):\(line): \(query)" }

    static let directory: URL? = {
        let candidates = [
            URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../../../shared/promql-tests/upstream").standardized,
            URL(fileURLWithPath: "/work/shared/promql-tests/upstream"),
        ]
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }()

    static let all: [UpstreamQuery] = {
        guard let dir = directory,
              let names = try? FileManager.default.contentsOfDirectory(atPath: dir.path) else { return [] }
        var out: [UpstreamQuery] = []
        for name in names.sorted() where name.hasSuffix(".test") {
            guard let text = try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for (i, line) in lines.enumerated() where line.hasPrefix("eval") {
                guard let q = extractQuery(line) else { continue }
                var fail = line.hasPrefix("eval_fail")
                var j = i + 1
                while j < lines.count, let f = lines[j].first, f == " " || f == "\t" {
                    let t = lines[j].trimmingCharacters(in: .whitespaces)
                    if t.hasPrefix("expect fail") || t.hasPrefix("expected_fail") { fail = true }
                    j += 1
                }
                out.append(UpstreamQuery(file: name, line: i + 1, query: q, expectFail: fail))
            }
        }
        return out
    }()

    /// The query after `eval[_x] instant at T` or `eval[_x] range from S to E step D`.
    static func extractQuery(_ line: String) -> String? {
        let words = line.split(separator: " ", omittingEmptySubsequences: true)
        guard words.count >= 2 else { return nil }
        let skip: Int
        switch words[1] {
        case "instant": skip = 4 // eval instant at T
        case "range": skip = 8 // eval range from S to E step D
        default: return nil
        }
        var rest = Substring(line)
        for _ in 0..<skip {
            rest = rest.drop(while: { $0 == " " })
            rest = rest.drop(while: { $0 != " " })
        }
        let q = rest.trimmingCharacters(in: .whitespaces)
        return q.isEmpty ? nil : q
    }
}

@Suite struct UpstreamCorpusTests {
    @Test func everyUpstreamQueryParsesAndRoundTrips() throws {
        let queries = UpstreamQuery.all
        try #require(!queries.isEmpty, "upstream test files not found")
        var parsed = 0, failedAsExpected = 0, roundTripped = 0
        var failures: [String] = []
        for q in queries {
            do {
                let e = try PromQL.parse(q.query)
                parsed += 1
                let printed = e.promql
                do {
                    let again = try PromQL.parse(printed)
                    if again == e { roundTripped += 1 } else { failures.append("\(q): round trip differs: \(printed)") }
                } catch {
                    failures.append("\(q): printed form fails: \(printed): \(error)")
                }
            } catch {
                if q.expectFail { failedAsExpected += 1; print("  rejected as expected: \(q): \(error)") } else { failures.append("\(q): \(error)") }
            }
        }
        print("upstream corpus: \(queries.count) queries, \(parsed) parse, \(roundTripped) round-trip, \(failedAsExpected) expected failures rejected, \(failures.count) unexpected")
        for f in failures { print("  " + f) }
        #expect(failures.isEmpty, "\(failures.prefix(20).joined(separator: "\n"))")
        #expect(parsed + failedAsExpected == queries.count)
    }
}
