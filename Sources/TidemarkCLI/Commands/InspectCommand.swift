import ArgumentParser
import Foundation
import TidemarkStorage

/// `tidemark inspect`: blocks, head, WAL and the biggest metrics of a data directory.
struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show blocks, head, bytes on disk and the top metric names of a data directory.",
        discussion: """
            Examples:
              tidemark inspect --data ./tidemark-data
              tidemark inspect --data ./tidemark-data --format json | jq .bytesPerSample
              tidemark inspect --data ./tidemark-data --verify    also decode every chunk
              tidemark inspect --data ./tidemark-data --analyze   chunk bytes by codec and metric
            """)

    @OptionGroup var dataOptions: DataOptions

    @Option(help: "Output format: text or json.")
    var format: String = "text"

    @Flag(help: "Read and check every chunk of every block.")
    var verify = false

    @Flag(help: "Read every chunk of every raw block and show its bytes by chunk codec and by metric name (the biggest first).")
    var analyze = false

    @Option(help: "Metric names --analyze lists.")
    var top: Int = 15

    func validate() throws {
        guard format == "text" || format == "json" else { throw ValidationError("--format: expected text or json, got '\(format)'") }
        guard top > 0 else { throw ValidationError("--top must be positive, got \(top)") }
    }

    func run() throws {
        let db = try dataOptions.open()
        defer { try? db.close() }
        var report = try InspectReport.make(db, verify: verify)
        if analyze { report.chunkUsage = try InspectReport.ChunkUsage.make(db, top: top) }
        if format == "json" {
            let enc = JSONEncoder()
            enc.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try enc.encode(report), as: UTF8.self))
        } else {
            print(report.text)
        }
        if report.blocks.contains(where: { $0.verifyError != nil }) || !report.skippedBlocks.isEmpty {
            throw ExitCode(1)
        }
    }
}

/// The data `inspect` shows, shared by the text and JSON forms.
struct InspectReport: Codable {
    struct Block: Codable {
        var ulid: String
        var minTime: Int64
        var maxTime: Int64
        var source: String
        var resolution: String
        /// 1 for a block written directly, more for merged blocks.
        var level: Int
        var series: Int
        var samples: Int
        var chunks: Int
        var bytes: Int
        var bytesPerSample: Double
        var verifyError: String?
    }
    struct Head: Codable {
        var series: Int
        var samples: Int
        var chunkBytes: Int
        var minTime: Int64?
        var maxTime: Int64?
    }
    struct MetricCount: Codable {
        var name: String
        var series: Int
    }
    /// Chunk bytes by codec and metric (`--analyze`).
    struct ChunkUsage: Codable {
        struct Row: Codable {
            var name: String
            var chunks: Int
            var samples: Int
            var bytes: Int
            var bitsPerSample: Double
            /// Share of all chunk bytes.
            var share: Double
        }
        var byEncoding: [Row]
        /// The metrics with the most chunk bytes, at most `--top` of them.
        var topMetrics: [Row]
        var metricCount: Int

        static func make(_ db: DB, top: Int) throws -> ChunkUsage {
            var all = BlockChunkUsage()
            for b in db.blocks where b.meta.resolution == "raw" { all.add(try b.chunkUsage()) }
            let total = max(1, all.byEncoding.values.reduce(0) { $0 + $1.bytes })
            func rows(_ d: [String: BlockChunkUsage.Tally]) -> [Row] {
                d.map { Row(name: $0.key, chunks: $0.value.chunks, samples: $0.value.samples, bytes: $0.value.bytes,
                            bitsPerSample: $0.value.bitsPerSample, share: Double($0.value.bytes) / Double(total)) }
                    .sorted { $0.bytes != $1.bytes ? $0.bytes > $1.bytes : $0.name < $1.name }
            }
            return ChunkUsage(byEncoding: rows(all.byEncoding), topMetrics: Array(rows(all.byMetric).prefix(top)),
                              metricCount: all.byMetric.count)
        }

        var text: String {
            func render(_ title: String, _ rows: [Row]) -> String {
                TextTable.render(header: [title, "CHUNKS", "SAMPLES", "BYTES", "BITS/SAMPLE", "SHARE"], rows: rows.map {
                    [$0.name, "\($0.chunks)", "\($0.samples)", Terminal.bytes($0.bytes), Terminal.fmt($0.bitsPerSample, decimals: 2),
                     Terminal.fmt($0.share * 100, decimals: 1) + " %"]
                })
            }
            var out = "\nChunk bytes in raw blocks, before page compression, by codec:\n" + render("CODEC", byEncoding)
            out += "\nBy metric name (\(topMetrics.count) of \(metricCount) with the most bytes):\n" + render("METRIC", topMetrics)
            return out
        }
    }
    var directory: String
    var blocks: [Block]
    var skippedBlocks: [String]
    var head: Head
    var walBytes: Int
    var totalBytes: Int
    var totalSamples: Int
    var bytesPerSample: Double
    var blockBytesPerSample: Double
    var topMetrics: [MetricCount]
    /// Retention per resolution, as `tidemark compact` / `serve` would apply it.
    var retention: [String: String]
    var chunkUsage: ChunkUsage?

    static func make(_ db: DB, verify: Bool) throws -> InspectReport {
        var blocks: [Block] = []
        for b in db.blocks {
            var err: String?
            if verify {
                do { try b.verify() } catch { err = "\(error)" }
            }
            let size = b.sizeOnDisk
            blocks.append(Block(
                ulid: b.meta.ulid, minTime: b.meta.minTime, maxTime: b.meta.maxTime, source: b.meta.source,
                resolution: b.meta.resolution, level: b.meta.compaction?.level ?? 1, series: b.meta.stats.numSeries, samples: b.meta.stats.numSamples,
                chunks: b.meta.stats.numChunks, bytes: size,
                bytesPerSample: b.meta.stats.numSamples > 0 ? Double(size) / Double(b.meta.stats.numSamples) : 0,
                verifyError: err))
        }
        let hs = db.headSamples
        let head = Head(series: db.headSeriesCount, samples: hs.samples, chunkBytes: hs.bytes, minTime: db.headMinTime, maxTime: db.headMaxTime)
        let wal = db.walSize
        let blockBytes = blocks.reduce(0) { $0 + $1.bytes }
        let blockSamples = blocks.reduce(0) { $0 + $1.samples }
        let total = blockBytes + wal
        let samples = blockSamples + hs.samples
        return InspectReport(
            directory: db.directory, blocks: blocks,
            skippedBlocks: db.skippedBlocks.map { "\($0.name): \($0.error)" },
            head: head, walBytes: wal, totalBytes: total, totalSamples: samples,
            bytesPerSample: samples > 0 ? Double(total) / Double(samples) : 0,
            blockBytesPerSample: blockSamples > 0 ? Double(blockBytes) / Double(blockSamples) : 0,
            topMetrics: try db.seriesCountByMetricName(limit: 10).map { MetricCount(name: $0.name, series: $0.series) },
            retention: db.options.retention.mapValues { CompactCommand.describe($0) })
    }

    var text: String {
        var out = "Data directory: \(directory)\n\n"
        out += "Blocks: \(blocks.count)\n"
        if !blocks.isEmpty {
            let rows = blocks.map { b in
                [b.ulid, Self.time(b.minTime), Self.time(b.maxTime), b.source, "\(b.series)", "\(b.samples)", "\(b.chunks)",
                 Terminal.bytes(b.bytes), Terminal.fmt(b.bytesPerSample, decimals: 3), "\(b.level)", b.verifyError.map { "DAMAGED: \($0)" } ?? (b.resolution)]
            }
            out += TextTable.render(header: ["BLOCK", "MIN TIME", "MAX TIME", "SOURCE", "SERIES", "SAMPLES", "CHUNKS", "BYTES", "B/SAMPLE", "LEVEL", "RESOLUTION"], rows: rows)
        }
        out += "Retention: " + retention.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "; ") + "\n"
        for s in skippedBlocks { out += "  skipped (damaged): \(s)\n" }
        out += "\nHead: \(head.series) series, \(head.samples) samples, \(Terminal.bytes(head.chunkBytes)) of chunks"
        if let a = head.minTime, let b = head.maxTime { out += ", \(Self.time(a)) → \(Self.time(b))" }
        out += "\nWAL: \(Terminal.bytes(walBytes))\n"
        out += "\nTotal: \(Terminal.bytes(totalBytes)) on disk, \(totalSamples) samples, \(Terminal.fmt(bytesPerSample, decimals: 3)) bytes/sample"
        out += " (blocks alone: \(Terminal.fmt(blockBytesPerSample, decimals: 3)) bytes/sample)\n"
        if !topMetrics.isEmpty {
            out += "\nTop metric names by series count:\n"
            out += TextTable.render(header: ["METRIC", "SERIES"], rows: topMetrics.map { [$0.name, "\($0.series)"] })
        }
        if let chunkUsage { out += chunkUsage.text }
        return out
    }

    static func time(_ ms: Int64) -> String {
        let d = Date(timeIntervalSince1970: Double(ms) / 1000)
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.string(from: d)
    }
}
