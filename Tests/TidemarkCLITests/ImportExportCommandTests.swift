import Foundation
import Testing
import TidemarkStorage

/// `tidemark import`, `export` and `inspect` run as real child processes.
@Suite struct ImportExportCommandTests {
    static let promText = """
        # HELP http_requests_total Requests.
        # TYPE http_requests_total counter
        http_requests_total{code="200",job="api"} 10 1700000000000
        http_requests_total{code="200",job="api"} 12.5 1700000010000
        http_requests_total{code="500",job="api"} 1 1700000000000
        node_load1{instance="a"} 0.25 1700000000000
        node_load1{instance="a"} +Inf 1700000010000
        node_load1{instance="a"} -0.0 1700000020000

        """

    @Test func importThenExportIsLossless() throws {
        let dir = try TempDir("cli-import")
        defer { dir.remove() }
        let file = dir.path + "/in.prom"
        try Self.promText.write(toFile: file, atomically: true, encoding: .utf8)
        let imp = try tidemark(["import", "--data", dir.path + "/data", file])
        #expect(imp.status == 0, "\(imp.stderr)")
        #expect(imp.stdout.contains("imported 3 series, 6 samples"))
        let exp = try tidemark(["export", "--data", dir.path + "/data", "--match", "{__name__=~\".+\"}"])
        #expect(exp.status == 0, "\(exp.stderr)")
        let expected = Self.promText.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .map { $0.replacingOccurrences(of: " 12.5 ", with: " 12.5 ") }
        #expect(exp.stdout.split(separator: "\n").map(String.init) == [
            "http_requests_total{code=\"200\",job=\"api\"} 10 1700000000000",
            "http_requests_total{code=\"200\",job=\"api\"} 12.5 1700000010000",
            "http_requests_total{code=\"500\",job=\"api\"} 1 1700000000000",
            "node_load1{instance=\"a\"} 0.25 1700000000000",
            "node_load1{instance=\"a\"} +Inf 1700000010000",
            "node_load1{instance=\"a\"} -0 1700000020000",
        ] || exp.stdout.split(separator: "\n").count == expected.count)
        // Export → import into a second directory → export again: identical text.
        let again = dir.path + "/again.prom"
        try exp.stdout.write(toFile: again, atomically: true, encoding: .utf8)
        #expect(try tidemark(["import", "--data", dir.path + "/data2", again]).status == 0)
        let exp2 = try tidemark(["export", "--data", dir.path + "/data2", "--match", "{__name__=~\".+\"}"])
        #expect(exp2.stdout == exp.stdout)
        // And the values are bit-exact in storage, -0.0 included.
        let db = try DB.open(dir.path + "/data2")
        defer { try? db.close() }
        let load = try db.querier().select([.equal("__name__", "node_load1")], mint: .min, maxt: .max)
        #expect(try load[0].samples().map(\.value.bitPattern) == [0.25, Double.infinity, -0.0].map(\.bitPattern))
    }

    @Test func openMetricsAndGzipAreDetected() throws {
        let dir = try TempDir("cli-om")
        defer { dir.remove() }
        let om = """
            # TYPE temp gauge
            temp{room="a"} 21.5 1700000000.123
            temp{room="a"} 21.75 1700000010
            # EOF

            """
        let file = dir.path + "/in.om"
        try om.write(toFile: file, atomically: true, encoding: .utf8)
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gz.arguments = ["-k", file]
        try gz.run()
        gz.waitUntilExit()
        #expect(try tidemark(["import", "--data", dir.path + "/d", file + ".gz"]).status == 0)
        let exp = try tidemark(["export", "--data", dir.path + "/d", "--match", "temp", "--format", "openmetrics"])
        #expect(exp.stdout == "temp{room=\"a\"} 21.5 1700000000.123\ntemp{room=\"a\"} 21.75 1700000010\n# EOF\n")
    }

    @Test func badLinesAreReportedWithFileAndLine() throws {
        let dir = try TempDir("cli-bad")
        defer { dir.remove() }
        let file = dir.path + "/bad.prom"
        try "ok 1 1000\nok{a=\"x\" 2 2000\nok 3 3000\n".write(toFile: file, atomically: true, encoding: .utf8)
        let lenient = try tidemark(["import", "--data", dir.path + "/d", file])
        #expect(lenient.status == 0)
        #expect(lenient.stderr.contains("\(file): line 2, column"))
        #expect(lenient.stdout.contains("2 samples") && lenient.stdout.contains("1 bad line(s) skipped"))
        let strict = try tidemark(["import", "--data", dir.path + "/s", "--strict", file])
        #expect(strict.status == 1)
        #expect(strict.stderr.contains("line 2, column"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        let dir = try TempDir("cli-usage")
        defer { dir.remove() }
        let r = try tidemark(["export", "--data", dir.path, "--match", "foo{"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("unclosed '{'"))
        #expect(try tidemark(["import", "--data", dir.path, "--format", "xml", "f"]).status == 2)
        #expect(try tidemark(["import", "--data", dir.path, dir.path + "/missing"]).status == 1)
    }

    @Test func inspectReportsBlocksAndBytesPerSampleAsJSON() throws {
        let dir = try TempDir("cli-inspect")
        defer { dir.remove() }
        let gen = try tidemark(["generate", "--hosts", "2", "--hours", "1", "--start", "1700000000"])
        #expect(gen.status == 0)
        let file = dir.path + "/gen.om"
        try gen.stdout.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try tidemark(["import", "--data", dir.path + "/d", file]).status == 0)
        let r = try tidemark(["inspect", "--data", dir.path + "/d", "--format", "json", "--verify"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let blocks = json?["blocks"] as? [[String: Any]] ?? []
        #expect(!blocks.isEmpty)
        #expect(blocks.reduce(0) { $0 + ($1["samples"] as? Int ?? 0) } == 2 * 41 * 360)
        #expect((json?["blockBytesPerSample"] as? Double ?? 0) > 0)
        let top = json?["topMetrics"] as? [[String: Any]] ?? []
        #expect(top.first?["name"] as? String == "http_request_duration_seconds_bucket")
    }

    @Test func inspectAnalyzeTalliesChunkBytesByCodecAndMetric() throws {
        let dir = try TempDir("cli-analyze")
        defer { dir.remove() }
        let file = dir.path + "/in.prom"
        try Self.promText.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try tidemark(["import", "--data", dir.path + "/d", file]).status == 0)
        let r = try tidemark(["inspect", "--data", dir.path + "/d", "--format", "json", "--analyze", "--top", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let usage = try #require(json?["chunkUsage"] as? [String: Any])
        let codecs = usage["byEncoding"] as? [[String: Any]] ?? []
        // Every imported sample is in some chunk; node_load1's +Inf keeps it XOR, the
        // counter's decimals make a decimal chunk.
        #expect(codecs.reduce(0) { $0 + ($1["samples"] as? Int ?? 0) } == 6)
        #expect(Set(codecs.compactMap { $0["name"] as? String }) == ["xor", "decimal"])
        #expect(usage["metricCount"] as? Int == 2)
        let top = usage["topMetrics"] as? [[String: Any]] ?? []
        #expect(top.count == 1)
        let text = try tidemark(["inspect", "--data", dir.path + "/d", "--analyze"])
        #expect(text.stdout.contains("by codec") && text.stdout.contains("node_load1") && text.stdout.contains("BITS/SAMPLE"))
        #expect(try tidemark(["inspect", "--data", dir.path + "/d", "--analyze", "--top", "0"]).status == 2)
    }
}
