import ArgumentParser
import TidemarkStorage

/// `tidemark compact`: one compaction pass now (what `serve` does in the background).
struct CompactCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Cut due head data into blocks, merge blocks, and apply retention, once.",
        discussion: """
            Merges blocks the way the background compactor does (2h → 6h → 24h … up to a
            tenth of the retention time; overlapping blocks from imports first, samples
            de-duplicated), writes the rollups that are due (5m windows for data older
            than 2 days, 1h for data older than 2 weeks), then drops whole blocks that
            retention says are too old or too many bytes. Prints what it did.

            Examples:
              tidemark compact --data ./tidemark-data
              tidemark compact --data ./tidemark-data --retention.time 30d --retention.size 10GB
              tidemark compact --data ./tidemark-data --head    also persist the whole head
            """)

    @OptionGroup var dataOptions: DataOptions

    @Flag(help: "Also write everything in the head to blocks first (as at shutdown of a batch job).")
    var head = false

    func run() throws {
        let db = try dataOptions.open()
        defer { try? db.close() }
        let start = ContinuousClock.now
        var headBlocks: [BlockMeta] = []
        if head { headBlocks = try db.compactHead(force: true) }
        let report = try db.compact { Terminal.progress($0) }
        headBlocks += report.headBlocks
        for b in headBlocks {
            print("head → block \(b.ulid) [\(InspectReport.time(b.minTime)), \(InspectReport.time(b.maxTime))) \(b.stats.numSamples) samples")
        }
        for m in report.merges {
            print("merged \(m.sources.count) blocks → \(m.result.ulid) [\(InspectReport.time(m.result.minTime)), \(InspectReport.time(m.result.maxTime))) level \(m.result.compaction?.level ?? 1), \(m.result.stats.numSamples) samples")
        }
        for r in report.rollups {
            print("rollup \(r.resolution) → \(r.ulid) [\(InspectReport.time(r.minTime)), \(InspectReport.time(r.maxTime))) \(r.stats.numSeries) series")
        }
        for d in report.dropped { print("retention: \(d)") }
        let seconds = (ContinuousClock.now - start).inSeconds
        if headBlocks.isEmpty && report.isEmpty {
            print("nothing to do: \(db.blocks.count) block(s), retention \(Self.describe(db.options.retention["raw"]))")
        } else {
            print("done in \(Terminal.fmt(seconds)) s: \(db.blocks.count) block(s) now")
        }
    }

    static func describe(_ r: Retention?) -> String {
        guard let r else { return "none" }
        let time = r.time.map { "\($0 / 86_400_000 > 0 && $0 % 86_400_000 == 0 ? "\($0 / 86_400_000)d" : "\($0 / 1000)s")" } ?? "forever"
        let size = r.size.map { ", at most \(Terminal.bytes($0))" } ?? ""
        return time + size
    }
}
