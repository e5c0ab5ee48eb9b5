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
    /// series without samples in range; and how many samples they hold in all. Where
    /// `fused[g]` is set, group `g`'s series come back as that range function's windows
    /// (`StoredSeries.windows`) instead of samples.
    func decode(_ groups: [[Series]], fused: [FusedRangeFunction?] = []) throws -> (groups: [[StoredSeries]], samples: Int) {
        // One work list over all groups, so that a query of many small selectors (one
        // per metric, say) spreads over the threads as well as one big selector does.
        let series = groups.flatMap { $0 }
        let n = series.count
        // Each series' fused range function and its kernel.
        var fusions: [(FusedRangeFunction, RangeKernel)?] = []
        if fused.contains(where: { $0 != nil }) {
            for (g, group) in groups.enumerated() {
                let f = g < fused.count ? fused[g].flatMap { f in RangeFunctions.kernel(f.function).map { (f, $0) } } : nil
                fusions.append(contentsOf: repeatElement(f, count: group.count))
            }
        }
        nonisolated(unsafe) let kernels = fusions  // read-only from here on
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
                var scratch = WindowScratch()
                while true {
                    let first = next.add(batch, ordering: .relaxed).oldValue
                    if first >= n || failure.withLock({ $0 != nil }) { return }
                    do {
                        try checkLimits()
                        for i in first..<min(n, first + batch) {
                            let decoded: (StoredSeries, Int)?
                            if i < kernels.count, let (f, kernel) = kernels[i] {
                                decoded = try Self.decodeWindows(series[i], f, kernel, &scratch)
                            } else {
                                decoded = try Self.decode(series[i]).map { ($0, $0.ts.count) }
                            }
                            guard let (s, samples) = decoded else { continue }
                            if held.add(samples, ordering: .relaxed).newValue > maxSamples {
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

    /// Buffers a decode thread reuses from series to series for fused range functions.
    struct WindowScratch {
        var ts: [Int64] = []
        var vs: [Double] = []
        var sts: [Int64] = []
        var rts: [Int64] = []
        var rvs: [Double] = []
    }

    /// One series evaluated by the fused range function `f`: its points, and how many
    /// samples it decoded (nil when it has none in range). A series with start timestamps
    /// comes back raw (the evaluator handles those).
    static func decodeWindows(_ s: Series, _ f: FusedRangeFunction, _ kernel: RangeKernel,
                              _ scratch: inout WindowScratch) throws -> (StoredSeries, Int)? {
        var it = s.makeIterator()
        scratch.ts.removeAll(keepingCapacity: true)
        scratch.vs.removeAll(keepingCapacity: true)
        scratch.sts.removeAll(keepingCapacity: true)
        it.drain(timestamps: &scratch.ts, values: &scratch.vs, starts: &scratch.sts)
        if let e = it.error { throw e }
        let n = scratch.ts.count
        if n == 0 { return nil }
        if !scratch.sts.isEmpty { return (stored(s.labels, scratch.ts, scratch.vs, scratch.sts), n) }
        // Range selectors see the samples without staleness markers.
        if containsStaleMarker(scratch.vs) {
            scratch.rts.removeAll(keepingCapacity: true)
            scratch.rvs.removeAll(keepingCapacity: true)
            for i in 0..<n where !isStaleNaN(scratch.vs[i]) {
                scratch.rts.append(scratch.ts[i])
                scratch.rvs.append(scratch.vs[i])
            }
            swap(&scratch.ts, &scratch.rts)
            swap(&scratch.vs, &scratch.rvs)
        }
        var points: [FPoint] = []
        var inWindows = 0
        let steps = f.steps
        try scratch.ts.withUnsafeBufferPointer { tsb in
            try scratch.vs.withUnsafeBufferPointer { vsb in
                try steps.forEach(tsb) { _, t, lo, hi, ref in
                    inWindows += hi - lo
                    let a = WindowArgs(rangeStart: ref - f.range, rangeEnd: ref, range: f.range, t: t)
                    if let v = try kernel(Times(rebasing: tsb[lo..<hi]), Floats(rebasing: vsb[lo..<hi]), a) {
                        points.append(FPoint(t: t, v: v))
                    }
                }
            }
        }
        return (StoredSeries(labels: s.labels, ts: [], vs: [], rts: [], rvs: [], windows: points, windowSamples: inWindows), n)
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
        return stored(s.labels, ts, vs, sts)
    }

    /// A series' samples as `StoredSeries`, the stale markers removed in `rts`/`rvs`.
    static func stored(_ labels: Labels, _ ts: [Int64], _ vs: [Double], _ sts: [Int64]) -> StoredSeries {
        guard Self.containsStaleMarker(vs) else {
            return StoredSeries(labels: labels, ts: ts, vs: vs, rts: ts, rvs: vs, rsts: sts.isEmpty ? nil : sts)
        }
        var rts: [Int64] = [], rvs: [Double] = [], rsts: [Int64] = []
        rts.reserveCapacity(ts.count)
        rvs.reserveCapacity(ts.count)
        for i in ts.indices where !isStaleNaN(vs[i]) {
            rts.append(ts[i])
            rvs.append(vs[i])
            if !sts.isEmpty { rsts.append(sts[i]) }
        }
        return StoredSeries(labels: labels, ts: ts, vs: vs, rts: rts, rvs: rvs, rsts: sts.isEmpty ? nil : rsts)
    }

    /// True if some value is the staleness marker: bit patterns compared eight at a time
    /// (the scan runs over every sample a query reads).
    static func containsStaleMarker(_ vs: [Double]) -> Bool {
        vs.withUnsafeBytes { raw in
            let n = raw.count / 8
            var i = 0
            while i &+ 8 <= n {
                var hits: UInt64 = 0  // no early exit inside the block: the compares vectorize
                for j in 0..<8 { hits |= raw.loadUnaligned(fromByteOffset: (i &+ j) &* 8, as: UInt64.self) == staleNaNBits ? 1 : 0 }
                if hits != 0 { return true }
                i &+= 8
            }
            while i < n {
                if raw.loadUnaligned(fromByteOffset: i &* 8, as: UInt64.self) == staleNaNBits { return true }
                i &+= 1
            }
            return false
        }
    }
}
