/// The summary of one series' samples in one rollup window (E − W, E] (left-open, like a
/// PromQL range selector), staleness markers left out. Everything a range function needs
/// to give the raw answer over a range made of whole windows (docs/rollups.md).
public struct RollupWindow: Sendable, Equatable, CustomStringConvertible {
    /// The window's (inclusive) end E, a multiple of the window length.
    public var end: Int64
    /// Samples in the window (≥ 1: empty windows are not stored).
    public var count: Int
    /// Kahan-compensated sum of the values (as `sum_over_time` computes it).
    public var sum: Double
    /// Smallest and largest value with PromQL's NaN rule: NaN only if every value is NaN.
    public var min: Double
    public var max: Double
    /// The first and last sample, with their start timestamps (0 = none).
    public var firstTime: Int64
    public var first: Double
    public var firstStart: Int64
    public var lastTime: Int64
    public var last: Double
    public var lastStart: Int64
    /// Counter resets between samples of this window, and the sum of the value before
    /// each of them (in time order): the window's counter increase is
    /// `last − first + resetCorrection`.
    public var resets: Int
    public var resetCorrection: Double

    public init(end: Int64, count: Int, sum: Double, min: Double, max: Double,
                firstTime: Int64, first: Double, firstStart: Int64,
                lastTime: Int64, last: Double, lastStart: Int64, resets: Int, resetCorrection: Double) {
        self.end = end
        self.count = count
        self.sum = sum
        self.min = min
        self.max = max
        self.firstTime = firstTime
        self.first = first
        self.firstStart = firstStart
        self.lastTime = lastTime
        self.last = last
        self.lastStart = lastStart
        self.resets = resets
        self.resetCorrection = resetCorrection
    }

    /// Compares values by bits (NaN payloads, −0.0).
    public static func == (a: RollupWindow, b: RollupWindow) -> Bool {
        a.end == b.end && a.count == b.count && a.sum.bitPattern == b.sum.bitPattern
            && a.min.bitPattern == b.min.bitPattern && a.max.bitPattern == b.max.bitPattern
            && a.firstTime == b.firstTime && a.first.bitPattern == b.first.bitPattern && a.firstStart == b.firstStart
            && a.lastTime == b.lastTime && a.last.bitPattern == b.last.bitPattern && a.lastStart == b.lastStart
            && a.resets == b.resets && a.resetCorrection.bitPattern == b.resetCorrection.bitPattern
    }

    public var description: String {
        "window ..\(end): n=\(count) sum=\(sum) min=\(min) max=\(max) first=\(first)@\(firstTime) last=\(last)@\(lastTime) resets=\(resets)/\(resetCorrection)"
    }

    /// The end of the window of length `window` that holds timestamp `t`: the smallest
    /// multiple of `window` that is ≥ t.
    @inline(__always)
    public static func end(of t: Int64, window: Int64) -> Int64 {
        var q = t / window
        if t % window != 0 && t > 0 { q += 1 }
        return q * window
    }

    /// Whether the first sample of `next` is a counter reset after the last sample of
    /// `self` (the check between two windows).
    public func isReset(before next: RollupWindow) -> Bool {
        CounterReset.isReset(prevTime: lastTime, prev: last, prevStart: lastStart, time: next.firstTime, value: next.first, start: next.firstStart)
    }

    /// `windows` (time-ordered, adjacent or not) as one window ending at `end`: what a
    /// window covering all of them would hold. Sums are added with Kahan compensation.
    public static func merge(_ windows: ArraySlice<RollupWindow>, end: Int64) -> RollupWindow {
        precondition(!windows.isEmpty)
        var out = windows[windows.startIndex]
        out.end = end
        var sum = KahanSum()
        var prev = out
        for (i, w) in windows.enumerated() {
            sum.add(w.sum)
            guard i > 0 else { continue }
            out.count += w.count
            out.min = PromQLExtreme.min(out.min, w.min)
            out.max = PromQLExtreme.max(out.max, w.max)
            if prev.isReset(before: w) {
                out.resets += 1
                out.resetCorrection += prev.last
            }
            if w.resets > 0 {
                out.resets += w.resets
                out.resetCorrection += w.resetCorrection
            }
            out.lastTime = w.lastTime
            out.last = w.last
            out.lastStart = w.lastStart
            prev = w
        }
        out.sum = sum.value
        return out
    }
}

/// Counter-reset detection as the query engine does it (`rate`, `increase`, `resets`):
/// the value dropped, or the start timestamp says the counter started anew.
public enum CounterReset {
    /// Whether a start timestamp `st` of the sample at `t` begins anew after the sample at
    /// `prevT` with start `prevST` (0 = no start timestamp), as Prometheus decides it: a
    /// start after the previous sample is a reset; a start exactly at the previous sample
    /// is one only if that sample had a valid start of its own (a delta series), not when
    /// its start was unknown (OTel's cumulative series with unknown start, ST = T); a start
    /// at or after `t`, or before the previous sample, is none.
    @inline(__always)
    public static func isStartTimestampReset(prevST: Int64, prevT: Int64, st: Int64, t: Int64) -> Bool {
        if st == 0 || st >= t || st < prevT { return false }
        if st > prevT { return true }
        return prevST != 0 && prevST < prevT
    }

    @inline(__always)
    public static func isReset(prevTime: Int64, prev: Double, prevStart: Int64, time: Int64, value: Double, start: Int64) -> Bool {
        value < prev || isStartTimestampReset(prevST: prevStart, prevT: prevTime, st: start, t: time)
    }
}

/// PromQL's `min_over_time` / `max_over_time` step: a NaN so far is replaced by anything,
/// a NaN never replaces a number.
public enum PromQLExtreme {
    @inline(__always) public static func min(_ m: Double, _ v: Double) -> Double { v < m || m.isNaN ? v : m }
    @inline(__always) public static func max(_ m: Double, _ v: Double) -> Double { v > m || m.isNaN ? v : m }
}

/// Kahan–Neumaier summation as PromQL's `sum_over_time` does it.
public struct KahanSum: Sendable {
    public private(set) var sum = 0.0
    public private(set) var compensation = 0.0

    public init() {}

    @inline(__always)
    public mutating func add(_ inc: Double) {
        let t = sum + inc
        if t.isInfinite {
            compensation = 0
        } else if Swift.abs(sum) >= Swift.abs(inc) {
            compensation += (sum - t) + inc
        } else {
            compensation += (inc - t) + sum
        }
        sum = t
    }

    /// The compensated sum (`sum_over_time`'s result).
    public var value: Double { sum.isInfinite ? sum : sum + compensation }
}

/// Builds the rollup windows of one series from its samples in time order.
public struct RollupAccumulator {
    public let window: Int64
    public private(set) var windows: [RollupWindow] = []
    private var current: RollupWindow?
    private var sum = KahanSum()

    public init(window: Int64) { self.window = window }

    /// Adds a sample (not a staleness marker); timestamps must increase.
    public mutating func add(_ t: Int64, _ v: Double, start st: Int64 = 0) {
        let e = RollupWindow.end(of: t, window: window)
        if var w = current, w.end == e {
            w.count += 1
            sum.add(v)
            w.min = PromQLExtreme.min(w.min, v)
            w.max = PromQLExtreme.max(w.max, v)
            if CounterReset.isReset(prevTime: w.lastTime, prev: w.last, prevStart: w.lastStart, time: t, value: v, start: st) {
                w.resets += 1
                w.resetCorrection += w.last
            }
            w.lastTime = t
            w.last = v
            w.lastStart = st
            current = w
            return
        }
        flush()
        sum = KahanSum()
        sum.add(v)
        current = RollupWindow(end: e, count: 1, sum: 0, min: v, max: v, firstTime: t, first: v, firstStart: st,
                               lastTime: t, last: v, lastStart: st, resets: 0, resetCorrection: 0)
    }

    private mutating func flush() {
        if var w = current {
            w.sum = sum.value
            windows.append(w)
        }
        current = nil
    }

    /// The windows, oldest first.
    public mutating func finish() -> [RollupWindow] {
        flush()
        return windows
    }
}
