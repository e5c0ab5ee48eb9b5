import Foundation
import Testing
import TidemarkStorage
import TidemarkWorkloads
// `CrashWorkload` (the exact samples of batch N) lives next to the writer in the
// executable's module; the test imports it rather than keeping a copy of the formula,
// so the writer and the checker can never drift apart.
@testable import TidemarkCLI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Real crash tests: the `tidemark debug-crash-writer` child process is SIGKILLed at
/// random moments (seeded), several times on the same directory, and after every kill
/// the directory is opened in-process and checked batch by batch against what the
/// writer acknowledged.
@Suite("Crash safety (SIGKILL of a writer process)")
struct CrashSafetyTests {
    /// The kill schedule is seeded; TIDEMARK_CRASH_SEED and TIDEMARK_CRASH_ROUNDS
    /// override it for longer exploratory runs (the summary prints the seed used).
    static func schedule(_ seed: UInt64) -> (seed: UInt64, rounds: Int) {
        let env = ProcessInfo.processInfo.environment
        return (env["TIDEMARK_CRASH_SEED"].flatMap { UInt64($0) } ?? seed, env["TIDEMARK_CRASH_ROUNDS"].flatMap { Int($0) } ?? 20)
    }

    @Test("SIGKILL with --wal-sync commit loses no acknowledged batch")
    func killWithSyncEveryCommit() throws {
        let (seed, rounds) = Self.schedule(0x5EED_C0DE)
        let summary = try CrashHarness(sync: "commit", seed: seed, rounds: rounds).run()
        print(summary)
    }

    /// A process kill (not a power loss) leaves the page cache intact, so even without
    /// any fsync every acknowledged batch must survive.
    @Test("SIGKILL with --wal-sync never loses no acknowledged batch")
    func killWithSyncNever() throws {
        let (seed, rounds) = Self.schedule(0xD15E_A5E5)
        let summary = try CrashHarness(sync: "never", seed: seed, rounds: rounds).run()
        print(summary)
    }
}

/// Drives rounds of start → random SIGKILL → verify.
struct CrashHarness {
    let sync: String
    let seed: UInt64
    let rounds: Int
    /// Writer settings; the checker recomputes the same samples from them.
    let series = 50
    let perBatch = 100
    let workloadSeed: UInt64 = 1
    let rollbackEvery = 7
    /// Tiny blocks (5 batches each) so head compaction, block writes and WAL
    /// checkpoints run all the time and kills land inside them too.
    let blockRangeMs = 5_000

    struct Summary: CustomStringConvertible {
        var sync = ""
        var seed: UInt64 = 0
        var rounds = 0
        var killedBeforeStart = 0
        var acked = 0
        var rolledBack = 0
        var inFlightPresent = 0
        var inFlightAbsent = 0
        var tornTails: [String] = []
        var otherCorruptions: [String] = []
        var blocks = 0
        /// Kills that left a half-written block or WAL checkpoint behind (`*.tmp`): they
        /// landed inside head compaction.
        var killedInCompaction = 0
        var batchesInDB = 0
        var seconds = 0.0
        var description: String {
            var s = "crash test --wal-sync \(sync), seed \(seed): \(rounds) kills (\(killedBeforeStart) before the writer started) in \(String(format: "%.1f", seconds)) s; "
            s += "\(acked) acked and \(rolledBack) rolled-back batches seen, in-flight batch present after \(inFlightPresent) kills, absent after \(inFlightAbsent); "
            s += "\(killedInCompaction) kills left a half-written block or checkpoint; "
            s += "\(batchesInDB) batches in \(blocks) blocks + head at the end; torn WAL tails repaired: \(tornTails.count)"
            for t in tornTails { s += "\n  " + t }
            for c in otherCorruptions { s += "\n  other: " + c }
            return s
        }
    }

    func run() throws -> Summary {
        let exe = try tidemarkExecutable()
        let dir = try TempDir("crash-\(sync)")
        defer { dir.remove() }
        let data = dir.path + "/data"
        var rng = SplitMix64(seed: seed)
        var summary = Summary()
        summary.sync = sync
        summary.seed = seed
        let began = Date()

        /// Batches that are in the database for good (acked, or in flight and found present).
        var committed = Set<Int>()
        var rolledBackSeen = Set<Int>()
        for round in 0..<rounds {
            // Half the rounds are killed after a random time, half after a random number of acks.
            let byTime = rng.next() % 2 == 0
            let delayMs = 50 + Int(rng.next() % 351)
            let ackTarget = 1 + Int(rng.next() % 80)
            let plan: KillPlan = byTime ? .afterMilliseconds(delayMs) : .afterAcks(ackTarget)
            let result = try runWriter(exe, data: data, errLog: dir.path + "/writer-\(round).err", plan: plan)
            summary.rounds += 1

            // What the writer said.
            var inFlight: Int?
            if let start = result.start {
                let expectedStart = (committed.max() ?? -1) + 1
                #expect(start == expectedStart, "round \(round): writer resumed at batch \(start), expected \(expectedStart)")
                var next = start
                for line in result.events {
                    #expect(line.batch == next, "round \(round): writer reported batch \(line.batch) out of sequence (expected \(next))")
                    next = line.batch + 1
                    if line.acked {
                        #expect(line.batch % rollbackEvery != rollbackEvery - 1, "batch \(line.batch) was acked but should have been rolled back")
                        committed.insert(line.batch)
                        summary.acked += 1
                    } else {
                        rolledBackSeen.insert(line.batch)
                        summary.rolledBack += 1
                    }
                }
                inFlight = next
            } else {
                summary.killedBeforeStart += 1
            }

            // What the database holds: it must open, and match batch for batch.
            let found = try verify(data, round: round, committed: committed, inFlight: inFlight, summary: &summary)
            if let m = inFlight {
                if found.inFlightPresent {
                    committed.insert(m)
                    summary.inFlightPresent += 1
                } else {
                    summary.inFlightAbsent += 1
                }
            }
            summary.batchesInDB = found.batches
            summary.blocks = found.blocks
            if !found.ok { break }  // the first inconsistency is the interesting one
        }
        #expect(summary.acked > 0, "the writer never acknowledged a batch: the test proved nothing")
        summary.seconds = Date().timeIntervalSince(began)
        return summary
    }

    // MARK: - The writer process

    enum KillPlan {
        case afterMilliseconds(Int)
        case afterAcks(Int)
    }

    struct WriterEvent {
        var batch: Int
        var acked: Bool
    }

    struct WriterResult {
        var start: Int?
        var events: [WriterEvent] = []
    }

    /// Starts the writer, SIGKILLs it per the plan, and returns every line it managed to
    /// print (lines already in the pipe survive the kill).
    func runWriter(_ exe: URL, data: String, errLog: String, plan: KillPlan) throws -> WriterResult {
        let process = Process()
        process.executableURL = exe
        process.arguments = [
            "debug-crash-writer", "--data", data, "--wal-sync", sync,
            "--seed", String(workloadSeed), "--series", String(series), "--batch", String(perBatch),
            "--rollback-every", String(rollbackEvery), "--block-range-ms", String(blockRangeMs),
        ]
        let out = Pipe()
        process.standardOutput = out
        _ = FileManager.default.createFile(atPath: errLog, contents: nil)
        let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: errLog))
        defer { try? errHandle.close() }
        process.standardError = errHandle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let fd = out.fileHandleForReading.fileDescriptor
        var parser = LineParser()
        let started = Date()
        var exitedEarly = false

        func elapsedMs() -> Int { Int(Date().timeIntervalSince(started) * 1000) }
        /// Reads what is available within `timeout` ms; false at end of file.
        func pump(timeout: Int) -> Bool {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let rc = poll(&pfd, 1, Int32(max(0, timeout)))
            if rc <= 0 { return true }
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return false }
            parser.feed(buf[0..<n])
            return true
        }

        loop: while true {
            switch plan {
            case .afterMilliseconds(let ms):
                let left = ms - elapsedMs()
                if left <= 0 { break loop }
                if !pump(timeout: left) { exitedEarly = true; break loop }
            case .afterAcks(let n):
                if parser.acks >= n { break loop }
                if elapsedMs() > 20_000 {
                    Issue.record("the writer printed \(parser.acks) of \(n) acks in 20 s: stuck?")
                    break loop
                }
                if !pump(timeout: 100) { exitedEarly = true; break loop }
            }
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        // The writer is gone: whatever it printed is in the pipe now. Drain it without
        // blocking (the parent's copy of the write end may still be open).
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 0) > 0 else { break }
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            parser.feed(buf[0..<n])
        }
        try? out.fileHandleForReading.close()
        if exitedEarly || process.terminationReason != .uncaughtSignal || process.terminationStatus != SIGKILL {
            let err = (try? String(contentsOfFile: errLog, encoding: .utf8)) ?? ""
            Issue.record("writer exited by itself (status \(process.terminationStatus)) instead of being killed; stderr:\n\(err)")
        }
        #expect(parser.junk.isEmpty, "unexpected writer output: \(parser.junk)")
        return WriterResult(start: parser.start, events: parser.events)
    }

    struct LineParser {
        private var pending: [UInt8] = []
        var start: Int?
        var events: [WriterEvent] = []
        var junk: [String] = []
        var acks: Int { events.count(where: \.acked) }

        mutating func feed(_ bytes: ArraySlice<UInt8>) {
            pending += bytes
            while let nl = pending.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: pending[..<nl], as: UTF8.self)
                pending.removeSubrange(...nl)
                let parts = line.split(separator: " ")
                if parts.count == 2, let n = Int(parts[1]) {
                    switch parts[0] {
                    case "start": start = n; continue
                    case "ack": events.append(WriterEvent(batch: n, acked: true)); continue
                    case "rollback": events.append(WriterEvent(batch: n, acked: false)); continue
                    default: break
                    }
                }
                junk.append(line)
            }
        }
    }

    // MARK: - Checking the database

    struct Found {
        var ok = true
        var inFlightPresent = false
        var batches = 0
        var blocks = 0
    }

    /// Opens the database and compares it with the batches that must (`committed`), may
    /// (`inFlight`) and must not (everything else) be in it.
    func verify(_ data: String, round: Int, committed: Set<Int>, inFlight: Int?, summary: inout Summary) throws -> Found {
        var found = Found()
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: data)) ?? [])
            + ((try? FileManager.default.contentsOfDirectory(atPath: data + "/wal")) ?? [])
        if leftovers.contains(where: { $0.hasSuffix(".tmp") }) { summary.killedInCompaction += 1 }
        var options = DBOptions()
        options.backgroundCompaction = false
        let db: DB
        do {
            db = try DB.open(data, options: options)
        } catch {
            Issue.record("round \(round): the database did not open after a SIGKILL: \(error)")
            found.ok = false
            return found
        }
        defer { try? db.close() }
        for c in db.replayReport.corruptions {
            if c.isTail { summary.tornTails.append("round \(round): \(c)") } else { summary.otherCorruptions.append("round \(round): \(c)") }
        }
        // A kill never damages a block (they are written aside and renamed when complete),
        // and only the newest WAL segment can have a torn tail.
        let skipped = db.skippedBlocks.map { "\($0.name): \($0.error)" }
        #expect(skipped.isEmpty, "round \(round): blocks skipped after a kill: \(skipped)")
        #expect(db.replayReport.corruptions.allSatisfy { $0.isTail }, "round \(round): WAL damage other than a torn tail: \(db.replayReport)")
        #expect(db.replayReport.samplesWithUnknownSeries == 0, "round \(round): WAL samples of unknown series: \(db.replayReport)")
        found.blocks = db.blocks.count

        // Every sample in the database, by (series, timestamp).
        var inDB: [Key: UInt64] = [:]
        let all = try db.querier().select([.equal("__name__", "crash_test_metric")], mint: .min, maxt: .max)
        for s in all {
            guard let j = s.labels["series"].flatMap(Int.init), j >= 0, j < series, s.labels == CrashWorkload.labels(j) else {
                Issue.record("round \(round): unexpected series \(s.labels)")
                found.ok = false
                continue
            }
            let samples: [Sample]
            do { samples = try s.samples() } catch {
                Issue.record("round \(round): reading \(s.labels) failed: \(error)")
                found.ok = false
                continue
            }
            for x in samples {
                if inDB.updateValue(x.value.bitPattern, forKey: Key(series: j, t: x.timestamp)) != nil {
                    Issue.record("round \(round): \(s.labels) has timestamp \(x.timestamp) twice")
                    found.ok = false
                }
            }
        }
        let other = try db.querier().select([try LabelMatcher(.notEqual, "__name__", "crash_test_metric")], mint: .min, maxt: .max)
        if !other.isEmpty {
            Issue.record("round \(round): series the writer never wrote: \(other.map(\.labels))")
            found.ok = false
        }

        // Batch by batch: present exactly, or absent.
        let batchesInDB = Set(inDB.keys.map { Int($0.t / 1000) })
        var matched = 0
        for n in batchesInDB.union(committed).sorted() {
            var present = 0
            var wrong: [String] = []
            for item in CrashWorkload.samples(batch: n, seed: workloadSeed, series: series, perBatch: perBatch) {
                let j = Int(item.labels["series"]!)!
                guard let bits = inDB[Key(series: j, t: item.timestamp)] else { continue }
                present += 1
                if bits != item.value.bitPattern {
                    wrong.append("series \(j) t=\(item.timestamp): got bits \(String(bits, radix: 16)), wrote \(String(item.value.bitPattern, radix: 16))")
                }
            }
            matched += present
            let what = committed.contains(n) ? "acknowledged" : n == inFlight ? "in-flight" : "never committed"
            if !wrong.isEmpty {
                Issue.record("round \(round): \(what) batch \(n) has wrong values: \(wrong.prefix(5))")
                found.ok = false
            }
            if committed.contains(n) {
                if present != perBatch {
                    Issue.record("round \(round): acknowledged batch \(n) has \(present) of \(perBatch) samples")
                    found.ok = false
                }
            } else if n == inFlight && n % rollbackEvery != rollbackEvery - 1 {
                if present == perBatch {
                    found.inFlightPresent = true
                } else if present != 0 {
                    Issue.record("round \(round): in-flight batch \(n) is torn: \(present) of \(perBatch) samples present")
                    found.ok = false
                }
            } else if present > 0 {
                Issue.record("round \(round): \(what)\(n % rollbackEvery == rollbackEvery - 1 ? " (rolled back)" : "") batch \(n) has \(present) samples in the database")
                found.ok = false
            }
        }
        if matched != inDB.count {
            Issue.record("round \(round): \(inDB.count - matched) samples in the database belong to no batch the writer wrote")
            found.ok = false
        }
        found.batches = batchesInDB.count
        return found
    }

    struct Key: Hashable {
        var series: Int
        var t: Int64
    }
}

// MARK: - Helpers

/// The `tidemark` executable built next to this test binary.
func tidemarkExecutable() throws -> URL {
    var dirs: [URL] = []
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        dirs.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
    }
    let arg0 = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    dirs.append(arg0.deletingLastPathComponent())
    // macOS: …/debug/tidemarkPackageTests.xctest/Contents/MacOS/tidemarkPackageTests
    dirs.append(arg0.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent())
    for d in dirs {
        let candidate = d.appendingPathComponent("tidemark")
        if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    throw HarnessError("the `tidemark` executable is not next to the test binary (looked in \(dirs.map(\.path))); build it with `swift build` first")
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// A fresh directory under the system temp directory.
struct TempDir {
    let path: String
    init(_ prefix: String) throws {
        var template = Array((NSTemporaryDirectory() + "/tidemark-\(prefix)-XXXXXX").utf8CString)
        guard let p = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw HarnessError("mkdtemp failed: errno \(errno)")
        }
        path = String(cString: p)
    }
    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

