import Foundation
import TidemarkWorkloads

/// An HTTP ingest phase of `tidemark bench` on one system: a fresh server child on
/// 127.0.0.1 (`tidemark serve` or a peer, new temporary data directory), the workload
/// posted to its ingest endpoint over several keep-alive connections, then what the
/// server stores counted against the workload. Bodies are encoded before the clock
/// starts, so the rate is the server's (plus loopback HTTP), not the encoder's.
struct HTTPIngestPhase {
    /// Name in progress lines and the report: `remote-write` or `import`.
    var name: String
    var path: String
    var headers: [(String, String)]
    var encoding: String
    var connections: Int
    var samplesPerRequest: Int?
    var chunkBytes: Int?

    /// Bodies prepared at once, at most (about): bounds memory on large workloads.
    static let waveBudget = 256 << 20
    /// `--max-body-bytes` of the server child: any chunk or batch the flags allow.
    static let maxBodyBytes = 256 << 20

    static func remoteWrite(connections: Int, batch: Int) -> Self {
        Self(name: "remote-write", path: "/api/v1/write",
             headers: [("Content-Type", "application/x-protobuf"), ("Content-Encoding", "snappy"), ("X-Prometheus-Remote-Write-Version", "0.1.0")],
             encoding: "remote write 1.0 protobuf + snappy block, one TimeSeries per sample as Prometheus sends them, encoded on the main thread",
             connections: connections, samplesPerRequest: batch)
    }

    static func textImport(connections: Int, chunkBytes: Int) -> Self {
        Self(name: "import", path: "/api/v1/import/prometheus", headers: [("Content-Type", "text/plain; version=0.0.4")],
             encoding: "Prometheus text with millisecond timestamps (ExpositionWriter), rendered on the main thread",
             connections: connections, chunkBytes: chunkBytes)
    }

    func run<E: BodyEncoder>(_ workload: any BenchWorkload, on system: IngestSystem, encoders: [E]) throws -> HTTPIngestReport {
        let work = try BenchCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        let name = "\(self.name) → \(system.rawValue)"
        Terminal.progress("\(name): starting the server …")
        let server = try system.start(work: work, samples: workload.sampleCount)
        defer { server.stop() }
        let sender = WaveSender(port: server.port, connections: connections, path: path, headers: headers)
        var bodies = ShardedBodies(workload, encoders: encoders, budget: Self.waveBudget)
        var encodeSeconds = 0.0, sendSeconds = 0.0, waves = 0
        var cpuAtStart: Double?
        let total = workload.sampleCount
        while true {
            Terminal.progress("\(name): encoding requests …")
            let e0 = ContinuousClock.now
            guard let wave = bodies.nextWave() else { break }
            encodeSeconds += (ContinuousClock.now - e0).inSeconds
            waves += 1
            if cpuAtStart == nil { cpuAtStart = server.cpuSeconds() }
            let s0 = ContinuousClock.now
            let before = sendSeconds
            sender.send(wave) {
                let done = sender.tally.samples
                let rate = Double(done) / max(before + (ContinuousClock.now - s0).inSeconds, 1e-9)
                Terminal.progress("\(name): \(done)/\(total) samples (\(Terminal.fmt(100 * Double(done) / Double(max(total, 1)), decimals: 1)) %), "
                    + "\(Terminal.fmt(rate / 1e6)) M samples/s over \(connections) connections")
            }
            sendSeconds += (ContinuousClock.now - s0).inSeconds
        }
        let serverCPU = cpuAtStart.map { server.cpuSeconds() - $0 } ?? 0
        Terminal.progress("\(name): counting what the server stored …")
        let stored: ServedCounts
        do {
            try system.flush(server)
            stored = try ServedCounts(server.baseURL, covering: workload)
        } catch {
            throw CLIError("\(name): \(error)\n\(server.name)'s log:\n\(server.tail())")
        }
        let peakRSS = server.peakRSSBytes()
        server.stop()

        let t = sender.tally.current
        let latencies = t.latenciesMs.sorted()
        let expectedSeries = workload.labels.count
        return HTTPIngestReport(
            system: system.rawValue, phase: self.name, endpoint: path, connections: connections, samplesPerRequest: samplesPerRequest, chunkBytes: chunkBytes,
            encoding: encoding, encodeSeconds: encodeSeconds, waves: waves,
            samples: t.samples, requests: t.requests, failedRequests: t.failedRequests, firstError: t.firstError,
            bodyBytes: t.bytes, seconds: sendSeconds, samplesPerSecond: Double(t.samples) / max(sendSeconds, 1e-9),
            megabytesPerSecond: Double(t.bytes) / 1e6 / max(sendSeconds, 1e-9),
            serverCPUSeconds: serverCPU, samplesPerServerCPUSecond: Double(t.samples) / max(serverCPU, 1e-9), serverPeakRSSBytes: peakRSS,
            p50Ms: BenchReport.percentile(latencies, 50), p90Ms: BenchReport.percentile(latencies, 90),
            p99Ms: BenchReport.percentile(latencies, 99), maxMs: latencies.last ?? 0,
            expectedSeries: expectedSeries, expectedSamples: total, storedSeries: stored.series, storedSamples: stored.samples,
            verified: t.failedRequests == 0 && t.samples == total && stored.samples == total && stored.series == expectedSeries)
    }
}
