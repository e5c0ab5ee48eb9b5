import Foundation
import Testing
import TidemarkStorage

/// `tidemark query` as a child process, against data loaded with `tidemark import`.
@Suite struct QueryCommandTests {
    static let data = """
        up{job="a",instance="x"} 1 1700000000000
        up{job="a",instance="x"} 0 1700000060000
        up{job="b",instance="y"} 1 1700000000000
        tiny 0.000000123 1700000000000
        big 1e21 1700000000000
        odd{path="a,\\"b\\"<c>"} 2.5 1700000000000

        """

    /// A data directory with `data` imported.
    func withData(_ body: (String) throws -> Void) throws {
        let dir = try TempDir("cli-query")
        defer { dir.remove() }
        let file = dir.path + "/in.prom"
        try Self.data.write(toFile: file, atomically: true, encoding: .utf8)
        let imp = try tidemark(["import", "--data", dir.path + "/data", file])
        #expect(imp.status == 0, "\(imp.stderr)")
        try body(dir.path + "/data")
    }

    @Test func instantVectorAsPrometheusJSON() throws {
        try withData { data in
            let r = try tidemark(["query", "--data", data, "--time", "1700000030", "--format", "json", "up"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == #"{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"x","job":"a"},"value":[1700000030,"1"]},{"metric":{"__name__":"up","instance":"y","job":"b"},"value":[1700000030,"1"]}]}"# + "\n")
        }
    }

    @Test func rangeQueryWithRFC3339Times() throws {
        try withData { data in
            let r = try tidemark(["query", "--data", data, "--start", "2023-11-14T22:13:20Z", "--end", "2023-11-14T22:14:20Z", "--step", "30s", "--format", "json", "sum(up)"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout == #"{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"2"],[1700000030,"2"],[1700000060,"1"]]}]}"# + "\n")
        }
    }

    @Test func scalarsStringsAndFloatText() throws {
        try withData { data in
            let s = try tidemark(["query", "--data", data, "--time", "1700000000.5", "--format", "json", "1/3"])
            #expect(s.stdout == #"{"resultType":"scalar","result":[1700000000.500,"0.3333333333333333"]}"# + "\n", "\(s.stderr)")
            let str = try tidemark(["query", "--data", data, "--time", "0", "--format", "json", #""a\"b""#])
            #expect(str.stdout == #"{"resultType":"string","result":[0,"a\"b"]}"# + "\n", "\(str.stderr)")
            let tiny = try tidemark(["query", "--data", data, "--time", "1700000000", "--format", "json", "tiny"])
            #expect(tiny.stdout.contains(#""value":[1700000000,"1.23e-07"]"#), "\(tiny.stdout) \(tiny.stderr)")
            let big = try tidemark(["query", "--data", data, "--time", "1700000000", "--format", "json", "big"])
            #expect(big.stdout.contains(#""value":[1700000000,"1e+21"]"#), "\(big.stdout) \(big.stderr)")
            let inf = try tidemark(["query", "--data", data, "--time", "1700000000", "--format", "json", "--", "-1/0"])
            #expect(inf.stdout.contains(#""-Inf""#), "\(inf.stdout) \(inf.stderr)")
            let esc = try tidemark(["query", "--data", data, "--time", "1700000000", "--format", "json", "odd"])
            #expect(esc.stdout.contains(#""path":"a,\"b\"\u003cc\u003e""#), "\(esc.stdout) \(esc.stderr)")
        }
    }

    @Test func tableAndCSV() throws {
        try withData { data in
            let csv = try tidemark(["query", "--data", data, "--time", "1700000000", "--format", "csv", "odd"])
            #expect(csv.status == 0, "\(csv.stderr)")
            #expect(csv.stdout == "series,timestamp,value\n\"odd{path=\"\"a,\\\"\"b\\\"\"<c>\"\"}\",1700000000,2.5\n")
            let table = try tidemark(["query", "--data", data, "--time", "1700000030", "--format", "table", "up"])
            #expect(table.status == 0, "\(table.stderr)")
            #expect(table.stdout == "common labels: up\n  instance  job  VALUE\n  x         a        1\n  y         b        1\n", "\(table.stdout)")
            let range = try tidemark(["query", "--data", data, "--start", "1700000000", "--end", "1700000060", "--step", "30s", "--format", "table", "up"])
            #expect(range.stdout == """
                common labels: up
                  TREND  MIN     AVG  MAX  LAST  SERIES
                  ██▁      0  0.6667    1     0  {instance="x", job="a"}
                  ▄▄▄      1       1    1     1  {instance="y", job="b"}

                """, "\(range.stdout)")
            let caret = try tidemark(["query", "--data", data, "--time", "0", "sum(up{job=})"])
            #expect(caret.status == 1 && caret.stderr.hasSuffix("sum(up{job=})\n           ^\n"), "\(caret.stderr)")
        }
    }

    @Test func errorsGoToStderrWithExitCodes() throws {
        try withData { data in
            let bad = try tidemark(["query", "--data", data, "--time", "0", "sum(up"])
            #expect(bad.status == 1 && bad.stdout.isEmpty)
            #expect(bad.stderr.contains("parse error"), "\(bad.stderr)")
            let both = try tidemark(["query", "--data", data, "--time", "0", "--start", "0", "--end", "1", "--step", "1", "up"])
            #expect(both.status == 2, "\(both.stderr)")
            let partial = try tidemark(["query", "--data", data, "--start", "0", "up"])
            #expect(partial.status == 2)
            let missing = try tidemark(["query", "--data", data + "/nope", "up"])
            #expect(missing.status == 1 && missing.stderr.contains("no data directory"))
            let fails = try tidemark(["query", "--data", data, "--time", "1700000000", "up + on() group_left up"])
            #expect(fails.status == 1 && !fails.stderr.isEmpty, "\(fails.stdout) \(fails.stderr)")
        }
    }

    @Test func testScriptReportsFailuresAndTotals() throws {
        let dir = try TempDir("cli-script")
        defer { dir.remove() }
        let file = dir.path + "/t.test"
        try """
            load 1m
              x{a="1"} 1+1x5
              h {{schema:0 count:1 sum:1}}

            eval instant at 2m x
              x{a="1"} 3

            eval instant at 2m x
              x{a="1"} 4

            eval instant at 0 h
              h {{schema:0 count:1 sum:1}}

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try tidemark(["test-script", file])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stdout == "\(file):8: x: expected 4 for x{a=\"1\"}, got 3\n1 native histogram cases not run\n1 passed, 1 failed\n")
        try "load 1m\n  y 1\n\neval instant at 0 y\n  y 1\n".write(toFile: file, atomically: true, encoding: .utf8)
        let ok = try tidemark(["test-script", file])
        #expect(ok.status == 0 && ok.stdout.hasSuffix("1 passed, 0 failed\n"), "\(ok.stdout)\(ok.stderr)")
        let byDirectory = try tidemark(["test-script", dir.path])
        #expect(byDirectory.status == 0 && byDirectory.stdout.hasSuffix("1 passed, 0 failed\n"), "\(byDirectory.stdout)\(byDirectory.stderr)")
        let missing = try tidemark(["test-script", dir.path + "/none.test"])
        #expect(missing.status == 1 && missing.stderr.contains("cannot read"))
    }
}
