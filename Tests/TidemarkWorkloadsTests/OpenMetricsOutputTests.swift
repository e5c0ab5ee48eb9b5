import Foundation
import Testing
import TidemarkStorage
import TidemarkWorkloads

@Suite("Node workload: OpenMetrics output")
struct OpenMetricsOutputTests {
    static let workload = NodeWorkload(.init(hosts: 4, scrapes: 30, seed: 7))

    static func output(_ w: NodeWorkload) -> [UInt8] {
        var out: [UInt8] = []
        w.writeOpenMetrics { out += $0 }
        return out
    }

    struct Key: Hashable { let labels: Labels; let timestamp: Int64; let bits: UInt64 }

    @Test func parsesBackToExactlyTheStreamedSamples() throws {
        let w = Self.workload
        let bytes = Self.output(w)
        #expect(ExpositionFormat.detect(bytes) == .openMetrics)
        var parser = ExpositionParser(bytes, format: .openMetrics, defaultTimestamp: 0)
        var parsed: [Key] = []
        while let e = try parser.next() {
            if case .sample(let s) = e {
                #expect(s.hasTimestamp)
                parsed.append(Key(labels: try parser.labels(of: s), timestamp: s.timestamp, bits: s.value.bitPattern))
            }
        }
        let streamed = w.map { Key(labels: w.series[$0.series].labels, timestamp: $0.timestamp, bits: $0.value.bitPattern) }
        #expect(parsed.count == streamed.count)
        #expect(Set(parsed) == Set(streamed))
    }

    @Test func familiesAreContiguousAndSeriesInTimeOrder() throws {
        let w = Self.workload
        var parser = ExpositionParser(Self.output(w), format: .openMetrics, defaultTimestamp: 0)
        var family: String?
        var types: [String] = []
        var last: [Labels: Int64] = [:]
        while let e = try parser.next() {
            switch e {
            case .type(let f, let t):
                #expect(!types.contains(f))
                types.append(f)
                family = f
                #expect(w.families.first { $0.name == f }?.type == t)
            case .sample(let s):
                let labels = try parser.labels(of: s)
                let name = labels.metricName!
                #expect(name == family! || name.hasPrefix(family! + "_"), "\(name) outside its family \(family!)")
                if let prev = last[labels] { #expect(s.timestamp > prev) }
                last[labels] = s.timestamp
            case .unit(let f, let u):
                #expect(f == family && f.hasSuffix("_" + u))
            case .help(let f, _):
                #expect(f == family)
            }
        }
        #expect(types == w.families.map(\.name))
        #expect(last.count == w.series.count)
    }

    @Test func endsWithEOFAndUsesMillisecondSeconds() {
        let text = String(decoding: Self.output(Self.workload), as: UTF8.self)
        #expect(text.hasSuffix("\n# EOF\n"))
        let firstSample = text.split(separator: "\n").first { !$0.hasPrefix("#") }!
        let ts = firstSample.split(separator: " ").last!
        #expect(ts.count == "1700000000.123".count || !ts.contains("."))
    }

    @Test func writesAFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-workload-\(getpid()).om").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let n = try Self.workload.writeOpenMetrics(toFile: path)
        let data = try #require(FileManager.default.contents(atPath: path))
        #expect(n == data.count)
        #expect(Array(data) == Self.output(Self.workload))
        #expect(throws: WorkloadFileError.self) { try Self.workload.writeOpenMetrics(toFile: "/nonexistent-dir/x.om") }
    }

    static let promtool = "/usr/bin/promtool"

    /// The real Prometheus tool must accept the file. promtool comes from Debian's
    /// `prometheus` package, which `.ci/run` installs; a missing binary fails the test.
    @Test func promtoolCreatesBlocksFromIt() throws {
        guard FileManager.default.isExecutableFile(atPath: Self.promtool) else {
            Issue.record("\(Self.promtool) is missing: apt-get install -y prometheus (.ci/run does this)")
            return
        }
        let w = NodeWorkload(.init(hosts: 3, scrapes: 800, seed: 11))  // 2h13m: two 2h blocks
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tidemark-promtool-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("in.om").path
        try w.writeOpenMetrics(toFile: file)
        let blocks = dir.appendingPathComponent("blocks")
        try FileManager.default.createDirectory(at: blocks, withIntermediateDirectories: true)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.promtool)
        p.arguments = ["tsdb", "create-blocks-from", "openmetrics", file, blocks.path]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        let out = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "promtool said: \(out)")
        // Sum NUM SAMPLES (the 5th column) over the printed blocks.
        let samples = out.split(separator: "\n").dropFirst().compactMap { line in
            line.split(separator: " ", omittingEmptySubsequences: true).dropFirst(4).first.flatMap { Int($0) }
        }
        #expect(samples.count == 2)
        #expect(samples.reduce(0, +) == w.sampleCount, "promtool said: \(out)")
    }
}
