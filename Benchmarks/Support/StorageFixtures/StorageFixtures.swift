import Foundation
import TidemarkStorage
import TidemarkWorkloads

// Shared by StorageBenchmarks (ordo-one/benchmark) and StorageProfile (a plain
// executable for valgrind --tool=callgrind, which cannot run the benchmark executables).

/// The start of the data: 5 ms after a 2 h block boundary (scrape jitter is ±4 ms), so
/// 719 scrape rounds (the last one at most 10 s after its round starts) fill exactly one
/// block when the head is compacted.
public let dataStart: Int64 = 1_699_999_200_000 + 5

/// NodeWorkload samples for `rounds` scrape rounds, time-major (as a scraper delivers
/// them), precomputed so the measured loops do no generation work. `sample(i)` replays
/// the rounds forever with timestamps moved forward by whole periods, so every series'
/// timestamps keep increasing.
public final class SampleStream: @unchecked Sendable {
    public let workload: NodeWorkload
    let seriesIndex: [Int32]
    let times: [Int64]
    let values: [Double]
    let period: Int64

    public init(hosts: Int, rounds: Int) {
        workload = NodeWorkload(.init(hosts: hosts, scrapes: rounds, seed: 1, start: dataStart, interval: 10_000, jitter: 4))
        var s: [Int32] = [], t: [Int64] = [], v: [Double] = []
        s.reserveCapacity(workload.sampleCount)
        t.reserveCapacity(workload.sampleCount)
        v.reserveCapacity(workload.sampleCount)
        for x in workload {
            s.append(Int32(x.series))
            t.append(x.timestamp)
            v.append(x.value)
        }
        seriesIndex = s
        times = t
        values = v
        period = Int64(rounds) * 10_000
    }

    public var count: Int { times.count }
    public var seriesCount: Int { workload.series.count }

    @inline(__always)
    public func sample(_ i: Int) -> (series: Int, t: Int64, v: Double) {
        let (lap, j) = i.quotientAndRemainder(dividingBy: times.count)
        return (Int(seriesIndex[j]), times[j] + Int64(lap) * period, values[j])
    }
}

/// A database in a scratch directory plus a sample stream and the series references.
public final class Fixture: @unchecked Sendable {
    public private(set) var directory = ""
    public private(set) var db: DB!
    public private(set) var stream: SampleStream!
    var refs: [SeriesRef] = []
    /// Next stream position to append.
    var position = 0

    public init() {}

    /// Opens a new database (background compaction off); creates every series of a
    /// `hosts`-host workload by labels with its first sample (one commit), so later
    /// appends can go by reference.
    public func open(_ tag: String, sync: WALSyncPolicy, hosts: Int, rounds: Int) throws {
        var template = Array((FileManager.default.temporaryDirectory.path + "/tidemark-bench-\(tag)-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        directory = String(cString: made)
        var options = DBOptions()
        options.walSyncPolicy = sync
        options.backgroundCompaction = false
        db = try DB.open(directory, options: options)
        stream = SampleStream(hosts: hosts, rounds: rounds)
        refs = [SeriesRef](repeating: SeriesRef(id: 0), count: stream.seriesCount)
        let app = db.appender()
        for i in 0..<stream.seriesCount {
            let s = stream.sample(i)
            refs[s.series] = try app.append(stream.workload.series[s.series].labels, s.t, s.v)
        }
        try app.commit()
        position = stream.seriesCount
    }

    /// Appends the next `count` samples by reference in one commit. Not inlined, so
    /// callgrind's `--toggle-collect='*appendBatch*'` can isolate it.
    @inline(never)
    public func appendBatch(_ count: Int) throws {
        let app = db.appender()
        for i in position..<position + count {
            let s = stream.sample(i)
            try app.append(refs[s.series], s.t, s.v)
        }
        try app.commit()
        position += count
    }

    /// Appends the next `count` samples by label set (a series lookup per sample, as a
    /// scraper without cached references does) in one commit.
    @inline(never)
    public func appendBatchByLabels(_ count: Int) throws {
        let app = db.appender()
        let series = stream.workload.series
        for i in position..<position + count {
            let s = stream.sample(i)
            try app.append(series[s.series].labels, s.t, s.v)
        }
        try app.commit()
        position += count
    }

    /// Appends the rest of the precomputed stream in batches of `batch`.
    public func fill(batch: Int) throws {
        while position + batch <= stream.count { try appendBatch(batch) }
        if position < stream.count { try appendBatch(stream.count - position) }
    }

    /// Opens a database and fills it with `rounds` scrape rounds of `hosts` hosts; with
    /// `compact`, cuts the whole head into one block (the head is empty afterwards).
    public func openFilled(_ tag: String, hosts: Int, rounds: Int, compact: Bool) throws {
        try open(tag, sync: .never, hosts: hosts, rounds: rounds)
        try fill(batch: NodeWorkload.seriesPerHost * hosts)
        if compact {
            let written = try db.compactHead(force: true)
            precondition(written.count == 1 && db.headSeriesCount == 0, "expected one block and an empty head")
        }
        precondition(db.blocks.count == (compact ? 1 : 0))
    }

    public func close() {
        try? db?.close()
        db = nil
        if !directory.isEmpty { try? FileManager.default.removeItem(atPath: directory) }
        directory = ""
    }
}

/// Decodes every sample of every series; returns the count and a checksum of the
/// timestamps and value bits (so nothing can be skipped). Not inlined, so callgrind's
/// `--toggle-collect='*drain*'` can isolate it.
@inline(never)
public func drain(_ series: [Series]) -> (samples: Int, checksum: UInt64) {
    var n = 0
    var sum: Int64 = 0
    var acc: UInt64 = 0
    for s in series {
        var it = s.makeIterator()
        while it.next() {
            n += 1
            sum &+= it.timestamp
            acc ^= it.value.bitPattern
        }
        precondition(it.error == nil, "\(it.error!)")
    }
    return (n, UInt64(bitPattern: sum) ^ acc)
}

/// Keeps the compactor busy in the background of a fixture's database: writes three
/// overlapping imported 2h blocks of 1000 series far in the past (every second sample
/// repeated across two of them), merges them with `compactBlocks()` (which must decode
/// and de-duplicate), and starts again, until stopped. For benchmarks of append and
/// query latency while compaction runs.
public final class BackgroundCompaction: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)
    /// Merges completed so far.
    public private(set) var merges = 0

    public init() {}

    public func start(_ db: DB) {
        let labels = (0..<1_000).map { Labels(["__name__": "backfill_metric", "job": "backfill", "i": String($0)]) }.sorted()
        let t = Thread { [self] in
            var round: Int64 = 0
            while !isStopped {
                // Each round in its own day of 2020, so rounds never overlap each other.
                let base = 1_577_836_800_000 + round * 86_400_000
                for k: Int64 in 0..<3 {
                    let from = base + k * 3_600_000
                    let ts = Array(stride(from: from, to: from + 7_200_000, by: 15_000))
                    _ = try? db.writeBlock(minTime: from, maxTime: from + 7_200_000, series: labels.enumerated().map { i, l in
                        (l, ts, ts.map { Double(($0 / 15_000 + Int64(i)) % 1000) / 10 })
                    })
                }
                let merged = (try? db.compactBlocks().count) ?? 0
                lock.lock()
                merges += merged
                lock.unlock()
                round += 1
            }
            done.signal()
        }
        t.name = "bench-background-compaction"
        thread = t
        t.start()
    }

    private var isStopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return stopped
    }

    /// Stops after the current round and waits for it.
    public func stop() {
        lock.lock()
        stopped = true
        lock.unlock()
        if thread != nil { done.wait() }
        thread = nil
    }
}
