import Foundation
import Testing
import TidemarkQuery
import TidemarkStorage
@testable import TidemarkCLI

/// Tables, sparklines and charts compared with their exact expected text.
@Suite struct RenderingGoldenTests {
    static func labels(_ d: [String: String]) -> Labels { Labels(d) }

    static let vector = [
        VectorSample(labels: labels(["__name__": "up", "instance": "a:9100", "job": "node"]), t: 0, v: 1),
        VectorSample(labels: labels(["__name__": "up", "instance": "b:9100", "job": "node"]), t: 0, v: 0),
        VectorSample(labels: labels(["__name__": "up", "instance": "c:9100", "job": "api", "zone": "eu-west-1"]), t: 0, v: 0.25),
    ]

    @Test func instantVectorTable() {
        #expect(InstantTable.render(Self.vector, width: 80) == """
            common labels: up
              instance  job   zone       VALUE
              a:9100    node                 1
              b:9100    node                 0
              c:9100    api   eu-west-1   0.25

            """)
    }

    @Test func wideLabelSetsWrap() {
        let long = (1...6).map { ("label_\($0)", String(repeating: "v", count: 12)) }
        let samples = [
            VectorSample(labels: Labels(Dictionary(uniqueKeysWithValues: long + [("__name__", "m"), ("i", "1")])), t: 0, v: 12.5),
            VectorSample(labels: Labels(Dictionary(uniqueKeysWithValues: long + [("__name__", "m"), ("i", "2")])), t: 0, v: -3),
            VectorSample(labels: Labels(["__name__": "other", "i": "3"]), t: 0, v: 1e21),
        ]
        #expect(InstantTable.render(samples, width: 60) == """
              VALUE  SERIES
               12.5  m{i="1", label_1="vvvvvvvvvvvv",
                       label_2="vvvvvvvvvvvv", label_3="vvvvvvvvvvvv",
                       label_4="vvvvvvvvvvvv", label_5="vvvvvvvvvvvv",
                       label_6="vvvvvvvvvvvv"}
                 -3  m{i="2", label_1="vvvvvvvvvvvv",
                       label_2="vvvvvvvvvvvv", label_3="vvvvvvvvvvvv",
                       label_4="vvvvvvvvvvvv", label_5="vvvvvvvvvvvv",
                       label_6="vvvvvvvvvvvv"}
              1e+21  other{i="3"}

            """)
    }

    @Test func sparklines() {
        #expect(Sparkline.render([1, 2, 3, 4, 5, 6, 7, 8, nil, .nan]) == "▁▂▃▄▅▆▇█  ")
        #expect(Sparkline.render([5, 5, nil, 5]) == "▄▄ ▄")
        #expect(Sparkline.render([0, 100, .infinity]) == "▁██")
        let samples = (0..<8).map { Sample(Int64($0) * 1000, Double($0 % 4)) }
        #expect(Sparkline.buckets(samples, start: 0, end: 7000, width: 4) == [0.5, 2.5, 0.5, 2.5])
        #expect(Sparkline.buckets([Sample(0, 1)], start: 0, end: 7000, width: 3) == [1, nil, nil])
    }

    @Test func rangeSummaryLines() {
        let a = RangeSeries(labels: Self.labels(["__name__": "load", "host": "a"]), samples: (0..<10).map { Sample(Int64($0) * 60_000, Double($0)) })
        let b = RangeSeries(labels: Self.labels(["__name__": "load", "host": "b"]),
                            samples: (0..<10).map { Sample(Int64($0) * 60_000, $0 == 3 ? .nan : 20_000 - Double($0) * 1000) })
        #expect(RangeTable.render([a, b], width: 80, sparkWidth: 10) == """
            common labels: load
              TREND       MIN     AVG  MAX  LAST  SERIES
              ▁▂▃▃▄▅▆▆▇█    0     4.5    9     9  {host="a"}
              █▇▆ ▅▄▃▃▂▁  11k  15.33k  20k   11k  {host="b"}

            """)
        #expect(RangeTable.render([], width: 80) == "(empty matrix)\n")
    }

    @Test func brailleChart() {
        let up = RangeSeries(labels: Self.labels(["job": "a"]), samples: (0...6).map { Sample(Int64($0) * 600_000, Double($0)) })
        let down = RangeSeries(labels: Self.labels(["job": "b"]), samples: (0...6).map { Sample(Int64($0) * 600_000, 6 - Double($0)) })
        let chart = LineChart(width: 30, height: 4, colors: false, timeZone: TimeZone(identifier: "UTC")!)
        #expect(chart.render([up, down], start: 0, end: 3_600_000) == """
            6 ┤⠉⠑⠒⠢⠤⢄⣀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⣀⡠⠤⠔⠒⠊⠉
              │⠀⠀⠀⠀⠀⠀⠀⠉⠑⠒⠢⠤⢄⣀⡠⠤⠔⠒⠊⠉⠀⠀⠀⠀⠀⠀⠀
            3 ┤⠀⠀⠀⠀⠀⠀⣀⣀⠤⠤⠒⠊⠉⠀⠈⠑⠒⠤⠤⣀⣀⠀⠀⠀⠀⠀⠀
            0 ┤⣀⠤⠔⠒⠉⠉⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠀⠉⠉⠒⠢⠤⣀
              └┬─────────────────────────┬
               00:00                 01:00
              1. {job="a"}
              2. {job="b"}

            """)
    }

    @Test func numbersAndWrapping() {
        #expect([0, 1, -2.5, 0.12345, 1234.5, 12_345, 1_234_567, 2.5e9, 1e16, 0.00001, .nan, -.infinity].map(NumberText.compact)
            == ["0", "1", "-2.5", "0.1235", "1234", "12.35k", "1.235M", "2.5G", "1e+16", "1e-05", "NaN", "-Inf"])
        #expect(NumberText.grouped(1_234_567) == "1,234,567" && NumberText.grouped(-12) == "-12")
        #expect(TextTable.wrap("{a=\"1\", b=\"2\", c=\"3\"}", width: 12, continuationIndent: 2) == ["{a=\"1\",", "  b=\"2\",", "  c=\"3\"}"])
    }

    @Test func queryOutputFormats() {
        let v = QueryValue.vector(Array(Self.vector.prefix(1)))
        #expect(QueryOutput.render(v, as: .json, width: 80) == #"{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"a:9100","job":"node"},"value":[0,"1"]}]}"# + "\n")
        #expect(QueryOutput.render(v, as: .csv, width: 80) == "series,timestamp,value\n\"up{instance=\"\"a:9100\"\", job=\"\"node\"\"}\",0,1\n")
        #expect(QueryOutput.render(.scalar(t: 0, v: 0.5), as: .table, width: 80) == "0.5\n")
    }
}
