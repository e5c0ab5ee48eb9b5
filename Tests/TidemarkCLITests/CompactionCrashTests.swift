import Foundation
import Testing
import TidemarkStorage
import TidemarkWorkloads

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `tidemark compact` child processes SIGKILLed at random (seeded) moments while they
/// merge blocks and write rollups (the data is from 1970, so every rollup is due); after
/// every kill the directory is opened in-process and every sample must be there exactly
/// once, and no block may be damaged.
@Suite("Crash safety of block compaction (SIGKILL of `tidemark compact`)")
struct CompactionCrashTests {
    static let h: Int64 = 3600 * 1000

    /// Twelve 2h head-like blocks over a day plus two imports overlapping them (with
    /// duplicate samples), so that merges both copy chunks and decode-and-merge them.
    static func populate(_ dir: String) throws -> [String: [Sample]] {
        var options = DBOptions()
        options.backgroundCompaction = false
        options.walSyncPolicy = .never
        let db = try DB.open(dir, options: options)
        let names = (0..<60).map { Labels(["__name__": $0 % 3 == 0 ? "load" : "bytes_total", "host": "h\($0)"]) }.sorted()
        for b in Int64(0)..<12 {
            let ts = Array(stride(from: b * 2 * h, to: (b + 1) * 2 * h, by: 10_000))
            try db.writeBlock(minTime: b * 2 * h, maxTime: (b + 1) * 2 * h, series: names.enumerated().map { i, l in
                (l, ts, ts.map { Double(($0 / 10_000 + Int64(i)) % 997) / 4 })
            })
        }
        // Imports over [3h, 5h) and [13h, 16h) repeating some samples and adding others.
        for (from, to) in [(3 * h, 5 * h), (13 * h, 16 * h)] {
            let ts = Array(stride(from: from, to: to, by: 5_000))
            try db.writeBlock(minTime: from, maxTime: to, series: names.prefix(20).enumerated().map { i, l in
                (l, ts, ts.map { Double(($0 / 10_000 + Int64(i)) % 997) / 4 })
            })
        }
        let all = try everything(db)
        try db.close()
        return all
    }

    static func everything(_ db: DB) throws -> [String: [Sample]] {
        var out: [String: [Sample]] = [:]
        for s in try db.querier().select([try LabelMatcher(.regexMatch, "__name__", ".+")], mint: .min, maxt: .max) {
            out[s.labels.description] = try s.samples()
        }
        return out
    }

    @Test func killsDuringMergesLoseAndDuplicateNothing() throws {
        let exe = try tidemarkExecutable()
        let template = try TempDir("compact-crash-template")
        let dir = try TempDir("compact-crash")
        defer {
            template.remove()
            dir.remove()
        }
        let expected = try Self.populate(template.path)
        let sampleCount = expected.values.reduce(0) { $0 + $1.count }
        // How long one uninterrupted pass takes here, so kills spread over all of it.
        try FileManager.default.copyItem(atPath: template.path, toPath: dir.path + "-timing")
        let started = Date()
        let timing = try tidemark(["compact", "--data", dir.path + "-timing", "--retention.time", "0", "--wal-sync", "never"])
        let passMicros = max(50_000, Int(Date().timeIntervalSince(started) * 1_000_000))
        try? FileManager.default.removeItem(atPath: dir.path + "-timing")
        #expect(timing.status == 0, "\(timing.stderr)")
        var rng = SplitMix64(seed: 20261125)
        var killedMidway = 0
        var finished = 0
        for round in 0..<12 {
            // Runs of three kills on the same directory (a restart after a crash can
            // itself crash), then a fresh copy of the uncompacted blocks.
            if round % 3 == 0 {
                try? FileManager.default.removeItem(atPath: dir.path)
                try FileManager.default.copyItem(atPath: template.path, toPath: dir.path)
            }
            let process = Process()
            process.executableURL = exe
            process.arguments = ["compact", "--data", dir.path, "--retention.time", "0", "--wal-sync", "never"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            usleep(UInt32(5_000 + rng.below(passMicros)))
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                killedMidway += 1
            } else {
                finished += 1
            }
            process.waitUntilExit()

            var options = DBOptions()
            options.backgroundCompaction = false
            let db = try DB.open(dir.path, options: options)
            #expect(db.skippedBlocks.isEmpty, "round \(round): damaged blocks \(db.skippedBlocks.map(\.name))")
            let found = try Self.everything(db)
            #expect(found.count == expected.count, "round \(round)")
            #expect(found == expected, "round \(round): samples differ after a kill")
            try db.close()
        }
        // Finish the work; the end state is the planned one.
        let final = try tidemark(["compact", "--data", dir.path, "--retention.time", "0"])
        #expect(final.status == 0, "\(final.stderr)")
        var options = DBOptions()
        options.backgroundCompaction = false
        let db = try DB.open(dir.path, options: options)
        #expect(try Self.everything(db) == expected)
        // [0,6h) [6h,12h) [12h,18h) merged (imports folded in); 18–24h stays in 2h blocks.
        let raw = db.blocks.filter { $0.meta.resolution == "raw" }
        #expect(raw.map { "\($0.meta.minTime / Self.h)-\($0.meta.maxTime / Self.h)" } == ["0-6", "6-12", "12-18", "18-20", "20-22", "22-24"])
        #expect(raw.map(\.meta.stats.numSamples).reduce(0, +) == sampleCount)
        // The data is from 1970, far older than the rollup ages: `compact` wrote rollups.
        #expect(Set(db.blocks.map(\.meta.resolution)) == ["raw", "5m", "1h"])
        try db.close()
        print("compaction crash test: one pass takes \(passMicros / 1000) ms; \(killedMidway) kills mid-compaction, \(finished) runs finished before their kill, \(sampleCount) samples checked each time")
        #expect(killedMidway >= 4, "the kill schedule should land inside compactions")
    }
}
