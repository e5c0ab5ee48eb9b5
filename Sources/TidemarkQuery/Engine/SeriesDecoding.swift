import Foundation
import Synchronization
import TidemarkStorage

/// Decodes the series a selector matched into `StoredSeries`, on several threads when
/// there are many (`EngineOptions.fetchParallelism`): decoding is independent per series
/// and was most of the time of queries that scan many series. Order is kept; the sample
/// limit, the deadline and cancellation are checked as series finish.
struct SeriesDecoding: Sendable {
    let deadline: Date
    let cancellation: QueryCancellation?
    let maxSamples: Int
    let parallelism: Int
    /// Most series handed to a thread at a time (fewer when there are few series).
    static let batch = 16
    /// Fewest chunks (about 120–240 samples each) decoded on more than one thread.
    static let parallelChunks = 64

    /// The decoded series of every group (one group per selector), each in order, less
    /// series without samples in range; and how many samples they hold in all.
    func decode(_ groups: [[Series]]) throws -> (groups: [[StoredSeries]], samples: Int) {
        // One work list over all groups, so that a query of many small selectors (one
        // per metric, say) spreads over the threads as well as one big selector does.
        let series = groups.flatMap { $0 }
        let n = series.count
        // Threads cost tens of microseconds to wake: worth it only for enough chunks.
        let chunks = series.reduce(0) { $0 + $1.chunks.count }
        let threads = chunks < Self.parallelChunks ? 1 : min(parallelism, n)
        let batch = max(1, min(Self.batch, n / max(1, threads * 4)))
        let held = Atomic<Int>(0)
        let next = Atomic<Int>(0)
        let failure = Mutex<(any Error)?>(nil)
        var out = [StoredSeries?](repeating: nil, count: n)
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let slots = buffer
            let work: @Sendable (Int) -> Void = { _ in
                while true {
                    let first = next.add(batch, ordering: .relaxed).oldValue
                    if first >= n || failure.withLock({ $0 != nil }) { return }
                    do {
                        try checkLimits()
                        for i in first..<min(n, first + batch) {
                            guard let s = try Self.decode(series[i]) else { continue }
                            if held.add(s.ts.count, ordering: .relaxed).newValue > maxSamples {
                                throw QueryError(.tooManySamples, "query processing would load too many samples into memory in query execution")
                            }
                            slots[i] = s
                        }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        return
                    }
                }
            }
            if threads > 1 {
                DecodeWorkers.shared.run(workers: threads, work)
            } else {
                work(0)
            }
        }
        if let e = failure.withLock({ $0 }) { throw e }
        var result: [[StoredSeries]] = []
        var offset = 0
        for g in groups {
            result.append(out[offset..<offset + g.count].compactMap { $0 })
            offset += g.count
        }
        return (result, held.load(ordering: .relaxed))
    }

    private func checkLimits() throws {
        if Date() > deadline { throw QueryError(.timeout, "query timed out in query execution") }
        if cancellation?.isCancelled == true { throw QueryError(.canceled, "query was canceled in query execution") }
    }

    /// One series' samples in the select's [mint, maxt], with the stale markers removed
    /// in `rts`/`rvs` (kept in `ts`/`vs`); nil when it has none there.
    static func decode(_ s: Series) throws -> StoredSeries? {
        var it = s.makeIterator()  // bounded to [mint, maxt] by the select
        var ts: [Int64] = []
        var vs: [Double] = []
        // Start timestamps (0 = none), kept only once some sample has one.
        var sts: [Int64] = []
        it.drain(timestamps: &ts, values: &vs, starts: &sts)
        if let e = it.error { throw e }
        if ts.isEmpty { return nil }
        guard vs.contains(where: isStaleNaN) else {
            return StoredSeries(labels: s.labels, ts: ts, vs: vs, rts: ts, rvs: vs, rsts: sts.isEmpty ? nil : sts)
        }
        var rts: [Int64] = [], rvs: [Double] = [], rsts: [Int64] = []
        rts.reserveCapacity(ts.count)
        rvs.reserveCapacity(ts.count)
        for i in ts.indices where !isStaleNaN(vs[i]) {
            rts.append(ts[i])
            rvs.append(vs[i])
            if !sts.isEmpty { rsts.append(sts[i]) }
        }
        return StoredSeries(labels: s.labels, ts: ts, vs: vs, rts: rts, rvs: rvs, rsts: sts.isEmpty ? nil : rsts)
    }
}
