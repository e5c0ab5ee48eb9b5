import Synchronization
import TidemarkEncoding

/// A finished chunk of a head series: encoded bytes and the time range they cover.
struct HeadChunk: Sendable {
    var bytes: [UInt8]
    var minTime: Int64
    var maxTime: Int64
    var count: Int
}

/// One series in the head: its completed chunks and the open chunk being appended to.
///
/// `lock` guards the chunk fields and the last sample, which appenders read to
/// validate samples. The `commit*` fields are touched only under the head's commit lock.
final class MemSeries: @unchecked Sendable {
    let id: UInt64
    let labels: Labels
    let lock = Lock()
    private(set) var chunks: [HeadChunk] = []
    private var open = ChunkBuilder()
    /// End (exclusive) of the block range the open chunk belongs to; a sample at or
    /// past it starts a new chunk, so no chunk straddles a block boundary.
    private var openRangeEnd: Int64 = .min
    private var last: (time: Int64, bits: UInt64)?
    /// True once a series record for this id is in the WAL (commit lock).
    var walLogged = false
    /// Set (under the commit lock) when head truncation drops the series from the head;
    /// a commit that still holds it appends to the series now under its labels instead.
    /// Atomic, so a `SeriesBytesCache` can check it without a lock.
    var removed: Bool {
        get { removedFlag.load(ordering: .acquiring) }
        set { removedFlag.store(newValue, ordering: .releasing) }
    }
    private let removedFlag = Atomic<Bool>(false)
    /// Commit-local validation state (commit lock).
    var commitMark: UInt64 = 0
    var commitLast: (time: Int64, bits: UInt64)?

    init(id: UInt64, labels: Labels) {
        self.id = id
        self.labels = labels
    }

    /// The newest sample an uncommitted appender has staged, and whose it is.
    private var staged: (token: UInt64, time: Int64, bits: UInt64)?

    /// What `stage` decided about a sample.
    enum StageOutcome {
        case accepted
        /// Same timestamp and value as the previous sample: ignored.
        case repeated
        case outOfOrder(last: Int64)
        case duplicate
    }

    /// Checks a sample an appender is adding against the newest sample of the series
    /// (committed, or staged earlier by the same appender) and stages it. Another
    /// appender's staging replaces this one's, in which case a later out-of-order sample
    /// of this appender is caught at commit (and dropped) instead of here.
    func stage(_ t: Int64, _ bits: UInt64, token: UInt64) -> StageOutcome {
        lock.withLock {
            let previous: (time: Int64, bits: UInt64)?
            if let s = staged, s.token == token { previous = (s.time, s.bits) } else { previous = last }
            if let p = previous {
                if t < p.time { return .outOfOrder(last: p.time) }
                if t == p.time { return bits == p.bits ? .repeated : .duplicate }
            }
            staged = (token, t, bits)
            return .accepted
        }
    }

    /// The last sample appended (nil if none), read under the lock.
    func lastSample() -> (time: Int64, bits: UInt64)? {
        lock.withLock { last }
    }

    /// Appends a validated sample (with its start timestamp, if any). `blockRange` aligns
    /// chunk cuts to block boundaries.
    func append(_ t: Int64, _ v: Double, st: Int64?, blockRange: Int64, samplesPerChunk: Int) {
        lock.withLock {
            if open.count > 0 && (t >= openRangeEnd || open.count >= samplesPerChunk) {
                cutOpenChunk()
            }
            if open.count == 0 {
                openRangeEnd = Self.rangeEnd(t, blockRange)
            }
            // Validated by the caller: t is not below the last timestamp.
            try! open.append(t, v, startTimestamp: st)
            last = (t, v.bitPattern)
        }
    }

    static func rangeEnd(_ t: Int64, _ range: Int64) -> Int64 {
        let start = t >= 0 ? t / range * range : ((t + 1) / range - 1) * range
        let (end, overflow) = start.addingReportingOverflow(range)
        return overflow ? .max : end
    }

    private func cutOpenChunk() {
        chunks.append(HeadChunk(bytes: open.encoded(), minTime: open.minTime, maxTime: open.maxTime, count: open.count))
        open = ChunkBuilder()
    }

    /// Chunks overlapping [mint, maxt], the open one encoded as it is now.
    func chunks(overlapping mint: Int64, _ maxt: Int64) -> [HeadChunk] {
        lock.withLock {
            var out = chunks.filter { $0.maxTime >= mint && $0.minTime <= maxt }
            if open.count > 0 && open.maxTime >= mint && open.minTime <= maxt {
                out.append(HeadChunk(bytes: open.encoded(), minTime: open.minTime, maxTime: open.maxTime, count: open.count))
            }
            return out
        }
    }

    /// Chunks entirely before `end` (all of them, open included, if they are), for
    /// persisting a block. Chunks never straddle block boundaries.
    func chunks(before end: Int64) -> [HeadChunk] {
        lock.withLock {
            var out = chunks.filter { $0.maxTime < end }
            if open.count > 0 && open.maxTime < end {
                out.append(HeadChunk(bytes: open.encoded(), minTime: open.minTime, maxTime: open.maxTime, count: open.count))
            }
            return out
        }
    }

    /// Drops chunks entirely before `end`; returns (samples dropped, whether the series is now empty).
    func truncate(before end: Int64) -> (dropped: Int, empty: Bool) {
        lock.withLock {
            var dropped = 0
            chunks.removeAll { c in
                if c.maxTime < end { dropped += c.count; return true }
                return false
            }
            if open.count > 0 && open.maxTime < end {
                dropped += open.count
                open = ChunkBuilder()
            }
            return (dropped, chunks.isEmpty && open.count == 0)
        }
    }

    /// Timestamp of the oldest sample held, nil if none.
    var firstTime: Int64? {
        lock.withLock { chunks.first?.minTime ?? (open.count > 0 ? open.minTime : nil) }
    }

    /// Number of samples held.
    var sampleCount: Int { lock.withLock { chunks.reduce(open.count) { $0 + $1.count } } }
    /// Bytes of encoded chunk data held.
    var chunkBytes: Int { lock.withLock { chunks.reduce(open.approximateBytes) { $0 + $1.bytes.count } } }
}
