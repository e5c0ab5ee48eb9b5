import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery
import TidemarkWorkloads

/// The result JSON is written as bytes (JSONBytes); it must be exactly what composing
/// the documented pieces gives: Go-style string escaping, API timestamps and values.
@Suite struct PrometheusJSONTests {
    static func reference(_ v: QueryValue) -> String {
        func point(_ t: Int64, _ x: Double) -> String { "[\(PrometheusFormat.timestamp(t)),\"\(PrometheusFormat.value(x))\"]" }
        func labels(_ l: Labels) -> String {
            "{" + l.map { PrometheusJSON.string($0.name) + ":" + PrometheusJSON.string($0.value) }.joined(separator: ",") + "}"
        }
        let result: String
        switch v {
        case .scalar(let t, let x): result = point(t, x)
        case .string(let t, let s): result = "[\(PrometheusFormat.timestamp(t)),\(PrometheusJSON.string(s))]"
        case .vector(let vs): result = "[" + vs.map { "{\"metric\":\(labels($0.labels)),\"value\":\(point($0.t, $0.v))}" }.joined(separator: ",") + "]"
        case .matrix(let ms):
            result = "[" + ms.map { s in
                "{\"metric\":\(labels(s.labels)),\"values\":[" + s.samples.map { point($0.timestamp, $0.value) }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "]"
        }
        return "{\"resultType\":\"\(v.resultType)\",\"result\":\(result)}"
    }

    static let oddLabels = Labels(["__name__": "up", "job": "a<b>&\"c\"", "path": "/x\\y", "city": "Zürich\u{2028}", "ctl": "\u{1}\t"])
    static let values: [Double] = [0, -0.0, 1, -7, 0.1, 58.13171323049762, 1e-7, 1.5e21, 123456789012, .nan, .infinity, -.infinity,
                                   Double(bitPattern: 0x7ff0_0000_0000_0002), 9_007_199_254_740_993, -2.5e-300]
    static let times: [Int64] = [0, 1, 999, 1000, 1_700_000_000_123, 1_700_000_000_000, -1500, -2000, 12]

    @Test func everyShapeMatchesTheComposedReference() throws {
        var cases: [QueryValue] = [.scalar(t: 1_700_000_000_500, v: 2.5), .string(t: 0, v: "he said \"<hi>\"")]
        cases.append(.vector(zip(Self.values, Self.times.cycled(Self.values.count)).map {
            VectorSample(labels: Self.oddLabels, t: $1, v: $0)
        }))
        cases.append(.matrix([
            RangeSeries(labels: Self.oddLabels, samples: zip(Self.times.cycled(Self.values.count), Self.values).map { Sample($0, $1) }),
            RangeSeries(labels: Labels(["__name__": "plain"]), samples: [Sample(10_000, 3)]),
        ]))
        cases.append(.vector([]))
        cases.append(.matrix([]))
        for v in cases {
            let got = PrometheusJSON.data(v)
            #expect(got == Self.reference(v))
            // And it is valid JSON.
            #expect((try? JSONSerialization.jsonObject(with: Data(got.utf8))) != nil, "\(got)")
        }
    }

    @Test func randomValuesAndTimestampsMatchTheReference() {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<20_000 {
            let v: Double
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: v = Double(bitPattern: rng.next())
            case 1: v = Double(Int64.random(in: -1_000_000_000_000_000...1_000_000_000_000_000, using: &rng))
            case 2: v = Double(Int.random(in: -100_000...100_000, using: &rng)) / 1000
            default: v = Double.random(in: -1e22...1e22, using: &rng) * pow(10, Double(Int.random(in: -30...0, using: &rng)))
            }
            let t = Int64.random(in: -5_000_000...4_000_000_000_000, using: &rng)
            let value = QueryValue.scalar(t: t, v: v)
            #expect(PrometheusJSON.data(value) == Self.reference(value), "\(v.bitPattern) at \(t)")
        }
    }

    @Test func openDataObjectLeavesTheBraceToTheCaller() {
        var s = ""
        PrometheusJSON.appendData(.scalar(t: 1000, v: 1), to: &s, close: false)
        #expect(s == "{\"resultType\":\"scalar\",\"result\":[1,\"1\"]")
    }
}

extension Array {
    /// The elements repeated until there are `n`.
    func cycled(_ n: Int) -> [Element] { (0..<n).map { self[$0 % count] } }
}
