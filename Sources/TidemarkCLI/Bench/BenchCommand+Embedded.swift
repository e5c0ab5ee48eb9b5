import Foundation
import TidemarkQuery
import TidemarkStorage
import TidemarkWorkloads

/// The embedded phases of `tidemark bench`: ingest through the embedded API, cut blocks,
/// run the query set (and `--compare`).
extension BenchCommand {
    /// Fills the report's ingest, storage, queries, comparison and peak RSS.
    func runEmbedded(_ w: any BenchWorkload, into report: inout BenchReport) throws {
        let directory = try data ?? Self.temporaryDirectory()
        defer { if data == nil { try? FileManager.default.removeItem(atPath: directory) } }
        var options = DBOptions()
        options.walSyncPolicy = .never
        options.backgroundCompaction = false
        options.retention = [:]
        options.log = { Terminal.warn($0) }
        let db = try DB.open(directory, options: options)
        defer { try? db.close() }

        let ingest = try Self.ingest(w, into: db, batch: batch)
        Terminal.progress("cutting blocks and compacting …")
        let compactStart = ContinuousClock.now
        try db.compactHead(force: true)
        try db.compactBlocks()
        let compactSeconds = (ContinuousClock.now - compactStart).inSeconds
        let blockBytes = db.blocks.reduce(0) { $0 + $1.sizeOnDisk }
        report.ingest = ingest
        report.storage = BenchReport.Storage(
            blockBytes: blockBytes, blocks: db.blocks.count,
            bytesPerSample: Double(blockBytes) / Double(max(1, ingest.samples)), compactSeconds: compactSeconds)

        guard selectedPhases.contains(.queries) else {
            report.peakRSSBytes = Self.peakRSS()
            return
        }
        let set = try BenchQuery.set(for: w, hosts: hosts).selected(queries)
        report.queries = try Self.runQueries(set, on: db, workload: w, repeatCount: self.repeat)
        // Before --compare and the HTTP phases, whose buffers are not the engine's memory.
        report.peakRSSBytes = Self.peakRSS()
        if compare != nil {
            try db.close()
            report.comparison = try CompareRun(
                peers: comparePeers, workload: w, queries: set, repeatCount: self.repeat, tidemarkData: directory,
                tidemarkBlockBytes: blockBytes, tidemarkIngestSeconds: ingest.seconds + compactSeconds).run()
        }
    }

    /// Each query of `set` `repeatCount` times at the end of the data, with progress.
    static func runQueries(_ set: [BenchQuery], on db: DB, workload w: any BenchWorkload, repeatCount: Int) throws -> [BenchReport.Query] {
        let engine = Engine(storage: db, options: EngineOptions())
        var queries: [BenchReport.Query] = []
        for (i, q) in set.enumerated() {
            let expr: Expr
            do { expr = try PromQL.parse(q.promql) } catch {
                throw CLIError("bench query \(q.name) does not parse: \(error)")
            }
            var times: [Double] = []
            var cpuTimes: [Double] = []
            var seriesCount = 0
            for k in 0..<repeatCount {
                Terminal.progress("query \(i + 1)/\(set.count) \(q.name): run \(k + 1)/\(repeatCount)")
                let t0 = ContinuousClock.now
                let cpu0 = cpuSeconds()
                let result = q.range == 0
                    ? try engine.instantQuery(expr, at: w.lastTime)
                    : try engine.rangeQuery(expr, start: w.lastTime - q.range, end: w.lastTime, step: q.step)
                times.append((ContinuousClock.now - t0).inSeconds * 1000)
                cpuTimes.append((cpuSeconds() - cpu0) * 1000)
                switch result.value {
                case .vector(let v): seriesCount = v.count
                case .matrix(let m): seriesCount = m.count
                case .scalar, .string: seriesCount = 1
                }
            }
            times.sort()
            cpuTimes.sort()
            queries.append(.init(
                name: q.name, promql: q.promql, kind: q.range == 0 ? "instant" : "range \(q.range / 60_000)m/\(q.step / 1000)s",
                runs: times.count, resultSeries: seriesCount,
                p50Ms: BenchReport.percentile(times, 50), p90Ms: BenchReport.percentile(times, 90), p99Ms: BenchReport.percentile(times, 99),
                cpuP50Ms: BenchReport.percentile(cpuTimes, 50)))
        }
        return queries
    }

    /// Appends every sample by series reference, `batch` per commit, with progress.
    static func ingest(_ w: any BenchWorkload, into db: DB, batch: Int) throws -> BenchReport.Ingest {
        let labels = w.labels
        var refs = [SeriesRef?](repeating: nil, count: labels.count)
        let samples = w.makeSamples()
        let total = w.sampleCount
        let cpu0 = cpuSeconds()
        let started = ContinuousClock.now
        var lastReport = started
        var done = 0
        while done < total {
            let app = db.appender()
            var n = 0
            while n < batch, let s = samples.next() {
                if let r = refs[s.series] {
                    try app.append(r, s.timestamp, s.value)
                } else {
                    refs[s.series] = try app.append(labels[s.series], s.timestamp, s.value)
                }
                n += 1
            }
            try app.commit()
            done += n
            if n == 0 { break }
            let now = ContinuousClock.now
            if now - lastReport > .milliseconds(500) {
                lastReport = now
                let rate = Double(done) / max((now - started).inSeconds, 1e-9)
                Terminal.progress("ingest: \(done)/\(total) samples (\(Terminal.fmt(100 * Double(done) / Double(total), decimals: 1)) %), \(Terminal.fmt(rate / 1e6)) M samples/s")
            }
        }
        let elapsed = (ContinuousClock.now - started).inSeconds
        return .init(samples: done, series: labels.count, seconds: elapsed, samplesPerSecond: Double(done) / max(elapsed, 1e-9),
                     cpuSeconds: cpuSeconds() - cpu0, batchSize: batch)
    }
}
