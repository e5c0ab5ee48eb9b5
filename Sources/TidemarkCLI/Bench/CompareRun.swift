import Foundation
import TidemarkStorage
import TidemarkWorkloads

/// `tidemark bench --compare`: loads the workload into the peers, serves Tidemark's
/// blocks with `tidemark serve`, and runs the same queries against all of them over
/// HTTP on 127.0.0.1.
struct CompareRun {
    static let known = ["prometheus", "victoriametrics"]

    var peers: [String]
    var workload: any BenchWorkload
    var queries: [BenchQuery]
    var repeatCount: Int
    /// Tidemark's data directory (closed, blocks cut) and what it took to get there.
    var tidemarkData: String
    var tidemarkBlockBytes: Int
    var tidemarkIngestSeconds: Double

    func run() throws -> Comparison {
        // Resolve every program first: a missing one is an error before any work.
        _ = try PeerProcess.ownExecutable()
        var programs: [String: String] = [:]
        if peers.contains("prometheus") {
            programs["prometheus"] = try PeerProcess.program("prometheus", package: "prometheus")
            programs["promtool"] = try PeerProcess.program("promtool", package: "prometheus")
        }
        if peers.contains("victoriametrics") {
            programs["victoria-metrics"] = try PeerProcess.program("victoria-metrics", package: "victoria-metrics")
        }
        let work = try BenchCommand.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: work) }
        Terminal.progress("compare: writing OpenMetrics and Prometheus text …")
        let (openMetrics, promText) = try Self.writeInputs(workload, into: work)
        let samples = workload.sampleCount

        var running: [PeerProcess] = []
        defer { for p in running { p.stop() } }
        var systems: [Comparison.System] = []
        var bases: [(String, String)] = []

        Terminal.progress("compare: starting tidemark serve …")
        let tidemark = try PeerProcess.tidemarkServe(data: tidemarkData, log: work + "/tidemark.log")
        running.append(tidemark)
        systems.append(.init(name: "tidemark", ingestSeconds: tidemarkIngestSeconds, diskBytes: tidemarkBlockBytes,
                             bytesPerSample: Double(tidemarkBlockBytes) / Double(max(1, samples))))
        bases.append(("tidemark", tidemark.baseURL))

        if peers.contains("prometheus") {
            Terminal.progress("compare: promtool tsdb create-blocks-from openmetrics …")
            let dir = work + "/prometheus"
            let t0 = ContinuousClock.now
            try PeerProcess.run(programs["promtool"]!, ["tsdb", "create-blocks-from", "openmetrics", openMetrics, dir])
            let seconds = (ContinuousClock.now - t0).inSeconds
            let bytes = PeerProcess.diskBytes(dir)
            Terminal.progress("compare: starting prometheus …")
            let p = try PeerProcess.prometheus(programs["prometheus"]!, dir: dir, log: work + "/prometheus.log")
            running.append(p)
            systems.append(.init(name: "prometheus", ingestSeconds: seconds, diskBytes: bytes, bytesPerSample: Double(bytes) / Double(max(1, samples))))
            bases.append(("prometheus", p.baseURL))
        }

        if peers.contains("victoriametrics") {
            let dir = work + "/victoriametrics"
            Terminal.progress("compare: starting victoria-metrics …")
            let vm = try PeerProcess.victoriaMetrics(programs["victoria-metrics"]!, dir: dir, log: work + "/victoriametrics.log")
            running.append(vm)
            Terminal.progress("compare: importing into victoria-metrics …")
            let t0 = ContinuousClock.now
            let r = try PromQLHTTPClient.upload(vm.baseURL + "/api/v1/import/prometheus", file: promText)
            guard r.status / 100 == 2 else { throw CLIError("victoria-metrics import: HTTP \(r.status): \(String(decoding: r.body.prefix(500), as: UTF8.self))") }
            try vm.forceFlush()
            let seconds = (ContinuousClock.now - t0).inSeconds
            // Bytes are counted once it has stopped (see below).
            systems.append(.init(name: "victoriametrics", ingestSeconds: seconds, diskBytes: 0, bytesPerSample: 0))
            bases.append(("victoriametrics", vm.baseURL))
        }

        // Evaluated half an interval before the last sample, so no sample sits exactly on a
        // window's left edge: Prometheus 2 (Debian's) closes range windows on the left,
        // Prometheus 3 and Tidemark leave them open, and the answers would differ there.
        let time = workload.lastTime - 5_000
        var rows: [Comparison.Query] = []
        var mismatches: [String] = []
        for (i, q) in queries.enumerated() {
            var p50: [String: Double] = [:], p90: [String: Double] = [:], p99: [String: Double] = [:]
            var answers: [String: QueryAnswer] = [:]
            for (name, base) in bases {
                var times: [Double] = []
                // One keep-alive connection per system and query, opened before the clock:
                // the same light client for all three, so its cost is small and equal.
                let connection = LoopbackHTTPConnection(port: URLComponents(string: base)?.port ?? 80)
                let path = PromQLHTTPClient.queryPath(q, time: time)
                for k in 0..<repeatCount {
                    Terminal.progress("compare: query \(i + 1)/\(queries.count) \(q.name) on \(name): run \(k + 1)/\(repeatCount)")
                    if k == 0 { _ = try connection.get("/-/healthy") }
                    let t0 = ContinuousClock.now
                    let r = try connection.get(path)
                    times.append((ContinuousClock.now - t0).inSeconds * 1000)
                    guard r.status == 200 else {
                        throw CLIError("\(name) answered HTTP \(r.status) to \(q.name): \(String(decoding: r.body.prefix(500), as: UTF8.self))")
                    }
                    if k == repeatCount - 1 { answers[name] = try QueryAnswer(json: Data(r.body)) }
                }
                times.sort()
                p50[name] = BenchReport.percentile(times, 50)
                p90[name] = BenchReport.percentile(times, 90)
                p99[name] = BenchReport.percentile(times, 99)
            }
            var agreement: [String: String] = [:], ratio: [String: Double] = [:]
            for peer in peers {
                ratio[peer] = p50["tidemark"]! / max(p50[peer]!, 1e-9)
                if let d = answers["tidemark"]!.difference(from: answers[peer]!) {
                    if q.selectsByRank, answers["tidemark"]!.valueDifference(from: answers[peer]!) == nil {
                        // Same values at every step; tied series chosen differently.
                        agreement[peer] = "agrees (ties)"
                        continue
                    }
                    agreement[peer] = peer == "prometheus" ? "differs: \(d)" : "differs (MetricsQL): \(d)"
                    if peer == "prometheus" { mismatches.append(q.name) }
                } else {
                    agreement[peer] = "agrees"
                }
            }
            rows.append(.init(name: q.name, promql: q.promql, kind: q.range == 0 ? "instant" : "range \(q.range / 60_000)m/\(q.step / 1000)s",
                              runs: repeatCount, p50Ms: p50, p90Ms: p90, p99Ms: p99,
                              resultSeries: answers.mapValues(\.seriesCount), ratioP50: ratio, agreement: agreement))
        }
        let check = PrecisionCheck(workload)
        for (name, base) in bases {
            Terminal.progress("compare: reading back every sample of \(check.series.count) series from \(name) …")
            if let i = systems.firstIndex(where: { $0.name == name }) { systems[i].precision = try check.check(name, base: base) }
        }
        Terminal.progress("compare: stopping the servers …")
        for p in running { p.stop() }
        // VictoriaMetrics keeps recent parts in memory even after force_flush; its
        // graceful stop writes them, so its disk is counted now.
        if let i = systems.firstIndex(where: { $0.name == "victoriametrics" }) {
            let dir = work + "/victoriametrics"
            let bytes = PeerProcess.diskBytes(dir + "/data") + PeerProcess.diskBytes(dir + "/indexdb")
            systems[i].diskBytes = bytes
            systems[i].bytesPerSample = Double(bytes) / Double(max(1, samples))
        }
        let tm = systems[0]
        var ingestRatio: [String: Double] = [:], bytesRatio: [String: Double] = [:]
        for s in systems.dropFirst() {
            ingestRatio[s.name] = tm.ingestSeconds / max(s.ingestSeconds, 1e-9)
            bytesRatio[s.name] = tm.bytesPerSample / max(s.bytesPerSample, 1e-9)
        }
        return Comparison(samples: samples, systems: systems, queries: rows, ratioIngestSeconds: ingestRatio,
                          ratioBytesPerSample: bytesRatio, prometheusMismatches: mismatches)
    }

    /// Writes every sample once as OpenMetrics (seconds, `# EOF`; for promtool) and as
    /// Prometheus text (ms; for VictoriaMetrics), series by series in label order so
    /// each metric family's lines are together.
    static func writeInputs(_ w: any BenchWorkload, into dir: String) throws -> (openMetrics: String, prometheusText: String) {
        let labels = w.labels
        var points = [[(Int64, Double)]](repeating: [], count: labels.count)
        let it = w.makeSamples()
        while let s = it.next() { points[s.series].append((s.timestamp, s.value)) }
        let texts = labels.map { ExpositionWriter.seriesText($0) }
        let order = texts.indices.sorted { texts[$0].lexicographicallyPrecedes(texts[$1]) }
        let om = dir + "/samples.om", prom = dir + "/samples.prom"
        for (path, format) in [(om, ExpositionFormat.openMetrics), (prom, .prometheusText)] {
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? h.close() }
            var writer = ExpositionWriter(format: format, reserveCapacity: 1 << 20)
            for i in order {
                for (t, v) in points[i].sorted(by: { $0.0 < $1.0 }) { writer.write(seriesText: texts[i], timestamp: t, value: v) }
                if writer.output.count > 1 << 20 { try h.write(contentsOf: writer.takeOutput()) }
            }
            writer.finish()
            try h.write(contentsOf: writer.takeOutput())
        }
        return (om, prom)
    }
}
