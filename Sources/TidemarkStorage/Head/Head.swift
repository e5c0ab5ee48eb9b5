import Synchronization
import TidemarkEncoding

/// The in-memory head: recent samples of every active series, in open and finished
/// chunks, with a postings index; backed by the WAL.
final class Head: @unchecked Sendable {
    let series = HeadSeriesMap()
    let postings = HeadPostings()
    let wal: WAL?
    let options: DBOptions
    /// Serializes commits: validation, the WAL write and applying to series happen in
    /// one order, so the WAL replays to exactly the state commits produced.
    let commitLock = Lock()
    private var commitSeq: UInt64 = 0
    private let stateLock = Lock()
    private var _minTime: Int64 = .max
    private var _maxTime: Int64 = .min
    private var _minValidTime: Int64 = .min
    private(set) var stats = HeadStats()
    /// How many times truncation has removed series: caches of series (SeriesBytesCache)
    /// sweep out removed ones when it changes.
    let removals = Atomic<UInt64>(0)

    init(wal: WAL?, options: DBOptions, minValidTime: Int64) {
        self.wal = wal
        self.options = options
        _minValidTime = minValidTime
    }

    var minTime: Int64 { stateLock.withLock { _minTime } }
    var maxTime: Int64 { stateLock.withLock { _maxTime } }
    /// Samples below this are rejected: their range is already persisted as a block.
    var minValidTime: Int64 { stateLock.withLock { _minValidTime } }

    /// Replays the WAL into memory.
    func replay() throws(StorageError) -> WALReplayReport {
        guard let wal else { return WALReplayReport() }
        let minValid = minValidTime
        var report = WALReplayReport()
        var byID: [UInt64: MemSeries] = [:]
        var lowest: Int64 = .max
        var highest: Int64 = .min
        let scanned = try wal.replay { record in
            switch record {
            case .series(let list):
                for s in list {
                    let m = series.insert(id: s.id, labels: s.labels)
                    if m.id == s.id { postings.add(m.id, m.labels) }
                    m.walLogged = true
                    byID[s.id] = m
                    report.seriesRecords += 1
                }
            case .samples(let list):
                for s in list {
                    guard let m = byID[s.id] else { report.samplesWithUnknownSeries += 1; continue }
                    if s.t < minValid { report.samplesBelowHead += 1; continue }
                    if let last = m.lastSample(), s.t <= last.time { continue }
                    m.append(s.t, s.v, st: s.st, blockRange: options.blockRange, samplesPerChunk: options.samplesPerChunk)
                    lowest = min(lowest, s.t)
                    highest = max(highest, s.t)
                    report.samples += 1
                }
            }
        }
        report.segments = scanned.segments
        report.checkpoint = scanned.checkpoint
        report.corruptions = scanned.corruptions
        stateLock.withLock {
            _minTime = min(_minTime, lowest)
            _maxTime = max(_maxTime, highest)
        }
        return report
    }

    /// A new appender for one batch.
    func appender() -> HeadAppender { HeadAppender(head: self, minValidTime: minValidTime) }

    /// Validates, logs and applies a batch (see `Appender.commit`).
    func commit(_ batch: [PendingSample]) throws(StorageError) {
        if batch.isEmpty { return }
        try commitLock.withLock { () throws(StorageError) in
            commitSeq += 1
            let seq = commitSeq
            let minValid = minValidTime
            var accepted: [PendingSample] = []
            accepted.reserveCapacity(batch.count)
            var newSeries: [WALSeries] = []
            var logged: [MemSeries] = []
            var dropped = 0
            // Series that head truncation removed after the appender looked them up: their
            // samples go to the series the head has (or now creates) for the same labels,
            // so they are visible, and logged under an id the WAL still defines.
            var replacements: [ObjectIdentifier: MemSeries] = [:]
            for var p in batch {
                if p.series.removed {
                    if let r = replacements[ObjectIdentifier(p.series)] {
                        p = PendingSample(series: r, t: p.t, v: p.v, st: p.st)
                    } else {
                        let (fresh, created) = series.getOrCreate(p.series.labels)
                        if created { postings.add(fresh.id, fresh.labels) }
                        replacements[ObjectIdentifier(p.series)] = fresh
                        p = PendingSample(series: fresh, t: p.t, v: p.v, st: p.st)
                    }
                }
                let s = p.series
                if s.commitMark != seq {
                    s.commitMark = seq
                    s.commitLast = s.lastSample()
                    if !s.walLogged {
                        newSeries.append(WALSeries(id: s.id, labels: s.labels))
                        logged.append(s)
                    }
                }
                if p.t < minValid {
                    dropped += 1
                    continue
                }
                if let last = s.commitLast, p.t <= last.time {
                    if !(p.t == last.time && p.v.bitPattern == last.bits) { dropped += 1 }
                    continue
                }
                s.commitLast = (p.t, p.v.bitPattern)
                accepted.append(p)
            }
            if let wal, !accepted.isEmpty {
                var framed: [UInt8] = []
                framed.reserveCapacity(accepted.count * 12 + newSeries.count * 64)
                if !newSeries.isEmpty { WALFrame.append(.series(newSeries), to: &framed) }
                var start = 0
                while start < accepted.count {
                    let end = min(accepted.count, start + 1 << 16)
                    WALFrame.append(.samples(accepted[start..<end].map { WALSample(id: $0.series.id, t: $0.t, v: $0.v, st: $0.st) }), to: &framed)
                    start = end
                }
                try wal.log(framed)
                for s in logged { s.walLogged = true }
            }
            var lowest: Int64 = .max
            var highest: Int64 = .min
            for p in accepted {
                p.series.append(p.t, p.v, st: p.st, blockRange: options.blockRange, samplesPerChunk: options.samplesPerChunk)
                if p.t < lowest { lowest = p.t }
                if p.t > highest { highest = p.t }
            }
            stateLock.withLock {
                if !accepted.isEmpty {
                    _minTime = min(_minTime, lowest)
                    _maxTime = max(_maxTime, highest)
                }
                stats.samplesAppended += accepted.count
                stats.samplesDroppedAtCommit += dropped
                stats.commits += 1
            }
        }
    }

    /// Raises the minimum valid time; later commits drop samples below it.
    func raiseMinValidTime(to t: Int64) {
        commitLock.withLock { stateLock.withLock { _minValidTime = max(_minValidTime, t) } }
    }

    /// Drops chunks before `end` and removes series left empty; returns removed series ids.
    func truncate(before end: Int64) -> Set<UInt64> {
        raiseMinValidTime(to: end)
        var empty: [MemSeries] = []
        for s in series.all() {
            let (_, isEmpty) = s.truncate(before: end)
            if isEmpty { empty.append(s) }
        }
        // The rest runs under the commit lock, so no commit slips between the checks and
        // the updates. Series still empty go, including ones only ever rolled back; a
        // commit that still holds one sees `removed` and re-homes its samples by labels
        // (Head.commit), creating the series again if needed.
        // The head's range is taken afterwards, so a sample committed meanwhile counts.
        return commitLock.withLock { () -> Set<UInt64> in
            let gone = empty.filter { $0.sampleCount == 0 }
            for s in gone { s.removed = true }
            if !gone.isEmpty { removals.add(1, ordering: .releasing) }
            series.remove(gone)
            postings.remove(Set(gone.map(\.id)), labels: gone.map(\.labels))
            var lowest: Int64 = .max
            var highest: Int64 = .min
            for s in series.all() {
                if let first = s.firstTime, let last = s.lastSample() {
                    lowest = min(lowest, first)
                    highest = max(highest, last.time)
                }
            }
            stateLock.withLock {
                _minTime = lowest
                _maxTime = highest
            }
            return Set(gone.map(\.id))
        }
    }

    /// Head series ids for matchers.
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) -> [(Labels, [HeadChunk])] {
        let ids = (try? postings.postings(for: matchers)) ?? []
        var out: [(Labels, [HeadChunk])] = []
        for id in ids {
            guard let s = series.get(id) else { continue }
            let chunks = s.chunks(overlapping: mint, maxt)
            if !chunks.isEmpty { out.append((s.labels, chunks)) }
        }
        return out
    }

    var numSeries: Int { series.count }
}

/// Counters of the head's activity.
public struct HeadStats: Sendable {
    public var samplesAppended = 0
    public var samplesDroppedAtCommit = 0
    public var commits = 0
}

/// A sample waiting in an appender.
struct PendingSample {
    let series: MemSeries
    let t: Int64
    let v: Double
    /// Start timestamp, if the sample has one.
    let st: Int64?
}
