import ArgumentParser
import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TidemarkRemoteWrite

/// `tidemark load-test`: concurrent remote-write and query load against a running
/// `tidemark serve` on this machine, for a fixed time.
struct LoadTestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load-test",
        abstract: "Load a local server with concurrent remote writes and queries; report throughput and latency.",
        discussion: """
            Requests are encoded before the clock starts (remote write 1.0: snappy protobuf,
            --series-per-request series × --samples-per-series samples each, disjoint series
            per writer, timestamps advancing 10 s per sample), then --writers tasks post them
            back to back while --queriers tasks run PromQL queries over the same data, until
            --duration ends. Loopback targets only.

            Example:
              tidemark serve --data ./load-data --wal-sync never &
              tidemark load-test --url http://127.0.0.1:9090 --duration 20s
            """)

    @Option(help: "Base URL of the server (loopback only).")
    var url: String = "http://127.0.0.1:9090"
    @Option(help: "How long to run (a duration like 20s).")
    var duration: String = "20s"
    @Option(help: "Concurrent remote-write senders.")
    var writers: Int = 4
    @Option(help: "Concurrent query clients.")
    var queriers: Int = 2
    @Option(name: .customLong("series-per-request"), help: "Series in one write request.")
    var seriesPerRequest: Int = 1000
    @Option(name: .customLong("samples-per-series"), help: "Samples per series in one write request.")
    var samplesPerSeries: Int = 10
    @Option(name: .customLong("requests-per-writer"), help: "Requests each writer prepares (it stops early when they run out).")
    var requestsPerWriter: Int = 400

    func validate() throws {
        guard let u = URL(string: url), let host = u.host, ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw ValidationError("--url: only loopback servers (127.0.0.1, localhost, [::1]) are load-tested; got \(url)")
        }
        guard TimeArgument.parseDuration(duration) != nil else { throw ValidationError("--duration: expected a duration like 20s") }
        guard writers > 0, queriers >= 0, seriesPerRequest > 0, samplesPerSeries > 0, requestsPerWriter > 0 else {
            throw ValidationError("counts must be positive")
        }
    }

    func run() throws {
        let seconds = Double(TimeArgument.parseDuration(duration)!) / 1000
        Terminal.writeStderr("encoding \(writers * requestsPerWriter) requests of \(seriesPerRequest * samplesPerSeries) samples…\n")
        let bodies = (0..<writers).map { w in (0..<requestsPerWriter).map { encodedRequest(writer: w, index: $0) } }
        let report = LockedBox<String>("")
        let done = DispatchSemaphore(value: 0)
        let load = LoadRun(base: url, seconds: seconds, bodies: bodies, queriers: queriers, samplesPerRequest: seriesPerRequest * samplesPerSeries)
        Task {
            report.set(await load.run())
            done.signal()
        }
        done.wait()
        print(report.get(), terminator: "")
    }

    /// Request `index` of writer `w`: its own series, the next `samplesPerSeries` steps.
    func encodedRequest(writer w: Int, index: Int) -> [UInt8] {
        let t0: Int64 = 1_700_000_000_000 + Int64(index * samplesPerSeries) * 10_000
        var series: [WriteRequest.TimeSeries] = []
        series.reserveCapacity(seriesPerRequest)
        for s in 0..<seriesPerRequest {
            let labels: [WriteRequest.Label] = [
                .init("__name__", "load_requests_total"), .init("instance", "host-\(s % 100):9100"), .init("job", "load"),
                .init("series", String(s)), .init("writer", String(w)),
            ]
            let samples = (0..<samplesPerSeries).map { i in
                WriteRequest.Sample(value: Double(index * samplesPerSeries + i) * Double(s % 7 + 1), timestamp: t0 + Int64(i) * 10_000)
            }
            series.append(.init(labels: labels, samples: samples))
        }
        return Snappy.compress(WriteRequest(timeseries: series).serialized())
    }
}

/// The timed part of a load test.
struct LoadRun: Sendable {
    let base: String
    let seconds: Double
    let bodies: [[[UInt8]]]
    let queriers: Int
    let samplesPerRequest: Int

    static let queries = ["sum(rate(load_requests_total[1m]))", "count(load_requests_total)", "topk(5, sum by (instance) (rate(load_requests_total[5m])))"]

    /// Runs writers and queriers until the time is up; returns the report text.
    func run() async -> String {
        let deadline = Date().addingTimeInterval(seconds)
        let started = Date()
        let results = await withTaskGroup(of: (write: [Double], query: [Double], failed: Int).self) { group in
            for w in bodies.indices {
                group.addTask { await writer(bodies[w], until: deadline) }
            }
            for q in 0..<queriers {
                group.addTask { await querier(q, until: deadline) }
            }
            var all: [(write: [Double], query: [Double], failed: Int)] = []
            for await r in group { all.append(r) }
            return all
        }
        let elapsed = Date().timeIntervalSince(started)
        let writes = results.flatMap(\.write).sorted(), queries = results.flatMap(\.query).sorted()
        let failed = results.reduce(0) { $0 + $1.failed }
        func pct(_ xs: [Double], _ p: Double) -> String {
            xs.isEmpty ? "-" : String(format: "%.1f", xs[min(xs.count - 1, Int(Double(xs.count) * p))] * 1000)
        }
        let samples = writes.count * samplesPerRequest
        var out = String(format: "duration %.1f s, %d writers, %d queriers\n", elapsed, bodies.count, queriers)
        out += String(format: "remote write: %d requests, %d samples, %.0f samples/s; latency ms p50 %@ p90 %@ p99 %@ max %@\n",
                      writes.count, samples, Double(samples) / elapsed, pct(writes, 0.5), pct(writes, 0.9), pct(writes, 0.99), pct(writes, 1))
        out += String(format: "queries: %d, %.1f/s; latency ms p50 %@ p90 %@ p99 %@ max %@\n",
                      queries.count, Double(queries.count) / elapsed, pct(queries, 0.5), pct(queries, 0.9), pct(queries, 0.99), pct(queries, 1))
        out += "failed requests: \(failed)\n"
        return out
    }

    func writer(_ bodies: [[UInt8]], until deadline: Date) async -> (write: [Double], query: [Double], failed: Int) {
        var latencies: [Double] = []
        var failed = 0
        for body in bodies where Date() < deadline {
            var r = URLRequest(url: URL(string: base + "/api/v1/write")!)
            r.httpMethod = "POST"
            r.httpBody = Data(body)
            r.setValue("snappy", forHTTPHeaderField: "Content-Encoding")
            r.setValue("application/x-protobuf", forHTTPHeaderField: "Content-Type")
            let t = Date()
            let status = ((try? await URLSession.shared.data(for: r))?.1 as? HTTPURLResponse)?.statusCode
            if status == 204 { latencies.append(Date().timeIntervalSince(t)) } else { failed += 1 }
        }
        return (latencies, [], failed)
    }

    func querier(_ q: Int, until deadline: Date) async -> (write: [Double], query: [Double], failed: Int) {
        var latencies: [Double] = []
        var failed = 0
        var i = q
        while Date() < deadline {
            let expr = Self.queries[i % Self.queries.count].addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            i += 1
            // Evaluated at the newest data written so far (~ the first minutes of the series).
            let url = URL(string: base + "/api/v1/query?query=\(expr)&time=1700000600")!
            let t = Date()
            let status = ((try? await URLSession.shared.data(from: url))?.1 as? HTTPURLResponse)?.statusCode
            if status == 200 { latencies.append(Date().timeIntervalSince(t)) } else { failed += 1 }
        }
        return ([], latencies, failed)
    }
}
