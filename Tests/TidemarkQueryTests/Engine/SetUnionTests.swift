import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery

/// A chain `a or b or c …` is evaluated as one n-ary union (SetUnion.swift); parentheses
/// keep the pairwise evaluation, so each chain is checked against its parenthesized twin
/// in range queries where series come and go and signatures collide across metrics.
@Suite struct SetUnionTests {
    static func fixture() throws -> EngineFixture {
        var series: [([String: String], [(Int64, Double)])] = []
        // Metrics a, b, c, d over hosts h0…h3 with gaps (stale markers) at different steps,
        // so the same signature (labels without __name__) is present in different operands
        // at different times.
        for (m, metric) in ["a", "b", "c", "d"].enumerated() {
            for h in 0..<4 {
                var samples: [(Int64, Double)] = []
                for i in 0..<40 {
                    let t = Int64(i) * 30_000
                    let absent = (i / 5 + h + m) % 3 == 0
                    samples.append((t, absent ? staleMarker : Double(100 * m + 10 * h + i)))
                }
                series.append((["__name__": metric, "host": "h\(h)", "dc": h % 2 == 0 ? "x" : "y"], samples))
            }
        }
        return try EngineFixture(series)
    }

    func matrix(_ f: EngineFixture, _ q: String) throws -> [String: [Sample]] {
        guard case .matrix(let m) = try f.range(q, 0, 1_170_000, 30_000).value else {
            Issue.record("\(q): not a matrix")
            return [:]
        }
        return Dictionary(uniqueKeysWithValues: m.map { ($0.labels.description, $0.samples) })
    }

    @Test(arguments: [
        ("a or b or c or d", "((a or b) or c) or d"),
        ("a or on(dc) b or on(dc) c", "(a or on(dc) b) or on(dc) c"),
        ("a or ignoring(dc) b or ignoring(dc) c or ignoring(dc) d", "((a or ignoring(dc) b) or ignoring(dc) c) or ignoring(dc) d"),
        ("label_replace(a, \"m\", \"a\", \"\", \"\") or label_replace(b, \"m\", \"b\", \"\", \"\") or c",
         "(label_replace(a, \"m\", \"a\", \"\", \"\") or label_replace(b, \"m\", \"b\", \"\", \"\")) or c"),
        // Mixed matching: only the top two share theirs, so the chain is not flattened past it.
        ("a or on(host) b or c or d", "((a or on(host) b) or c) or d"),
        ("sum by (dc) (a) or sum by (dc) (b) or sum by (host) (c)", "(sum by (dc) (a) or sum by (dc) (b)) or sum by (host) (c)"),
    ])
    func chainEqualsPairwise(chain: String, pairwise: String) throws {
        let f = try Self.fixture()
        let got = try matrix(f, chain)
        #expect(!got.isEmpty)
        #expect(got == (try matrix(f, pairwise)))
    }

    @Test func instantChainKeepsTheFirstOperandWithASignature() throws {
        let f = try EngineFixture([
            (["__name__": "a", "host": "1"], [(0, 1)]),
            (["__name__": "b", "host": "1"], [(0, 2)]),
            (["__name__": "b", "host": "2"], [(0, 3)]),
            (["__name__": "c", "host": "2"], [(0, 4)]),
            (["__name__": "c", "host": "3"], [(0, 5)]),
        ])
        #expect(try f.vector("a or b or c", at: 0) == ["a{host=\"1\"}": 1, "b{host=\"2\"}": 3, "c{host=\"3\"}": 5])
    }
}
