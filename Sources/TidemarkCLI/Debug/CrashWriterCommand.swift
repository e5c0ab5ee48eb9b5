import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import TidemarkStorage

/// A deterministic writer for crash tests: commits batches forever and prints
/// `ack N` after batch N's commit returns (and `rollback N` for discarded batches),
/// so a test can SIGKILL it at any moment and check what survived.
struct CrashWriterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "debug-crash-writer",
        abstract: "Append deterministic batches until killed (used by the crash-safety tests).",
        shouldDisplay: false)

    @OptionGroup var dataOptions: DataOptions
    @Option(help: "Seed of the sample values.") var seed: UInt64 = 1
    @Option(help: "Number of series.") var series: Int = 50
    @Option(help: "Samples per batch.") var batch: Int = 100
    @Option(help: "Every Nth batch is rolled back instead of committed (0: never).") var rollbackEvery: Int = 7
    @Option(help: "Block range in ms (small values make head compaction run often).") var blockRangeMs: Int64 = 60_000
    @Option(help: "Stop after this many batches (0: run until killed).") var batches: Int = 0

    func run() throws {
        var options = try dataOptions.dbOptions(background: true)
        options.blockRange = blockRangeMs
        options.compactionCheckInterval = 20
        options.samplesPerChunk = 30
        let db = try DB.open(dataOptions.data, options: options)
        // Resume after the batches a previous run left behind.
        var n = try CrashWorkload.nextBatch(in: db, series: series)
        print("start \(n)")
        fflush(nil)
        while batches == 0 || n < batches {
            let app = db.appender()
            for s in CrashWorkload.samples(batch: n, seed: seed, series: series, perBatch: batch) {
                try app.append(s.labels, s.timestamp, s.value)
            }
            if rollbackEvery > 0 && n % rollbackEvery == rollbackEvery - 1 {
                app.rollback()
                print("rollback \(n)")
            } else {
                try app.commit()
                print("ack \(n)")
            }
            fflush(nil)
            n += 1
        }
        try db.close()
    }
}

/// The crash test's data: batch N holds `perBatch` samples spread over `series` series,
/// at timestamps N·1000 + k (k < 1000), so batches never overlap in time and every
/// sample says which batch it belongs to. Values are arbitrary bit patterns, NaNs included.
enum CrashWorkload {
    struct Item {
        var labels: Labels
        var timestamp: Int64
        var value: Double
    }

    static func labels(_ j: Int) -> Labels {
        Labels(["__name__": "crash_test_metric", "series": String(j), "group": String(j % 5)])
    }

    static func samples(batch n: Int, seed: UInt64, series: Int, perBatch: Int) -> [Item] {
        (0..<perBatch).map { k in
            var x = seed &+ UInt64(n) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(k) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
            x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
            x ^= x >> 31
            return Item(labels: labels(k % series), timestamp: Int64(n) * 1000 + Int64(k), value: Double(bitPattern: x))
        }
    }

    /// One past the highest batch present in the database (0 when empty).
    static func nextBatch(in db: DB, series: Int) throws -> Int {
        let all = try db.querier().select([.equal("__name__", "crash_test_metric")], mint: .min, maxt: .max)
        var highest: Int64 = -1
        for s in all { if let last = try s.samples().last { highest = max(highest, last.timestamp) } }
        return highest < 0 ? 0 : Int(highest / 1000) + 1
    }
}
