/// Loads historical samples straight into blocks, bypassing the head and the WAL, the
/// way `promtool tsdb create-blocks-from` does: samples are grouped by block-range
/// window and series, sorted, de-duplicated and written as one block per window.
///
/// Input may come in any order. Memory is bounded by `maxBufferedSamples`: when that many
/// are buffered, every window is written out and buffering starts again (a window that
/// gets more data later gets a second, overlapping block; queries merge overlapping
/// blocks, and compaction folds them together).
public final class BulkImporter {
    /// Totals of an import.
    public struct Stats: Sendable {
        public var series = 0
        public var samples = 0
        /// Samples dropped because an earlier one had the same series and timestamp.
        public var duplicates = 0
        public var blocks: [BlockMeta] = []
    }

    fileprivate struct Column {
        var timestamps: [Int64] = []
        var values: [Double] = []
        var sorted = true
    }

    private struct SeriesBuffer {
        let labels: Labels
        var windows: [Int64: Column] = [:]
    }

    private let db: DB
    private let window: Int64
    private let maxBuffered: Int
    private var series: [SeriesBuffer] = []
    private var index: [Labels: Int] = [:]
    private var buffered = 0
    private var newest: Int64 = .min
    public private(set) var stats = Stats()
    /// Called after each block is written (for progress output).
    public var onBlock: (BlockMeta) -> Void = { _ in }

    public init(db: DB, maxBufferedSamples: Int = 20_000_000) {
        self.db = db
        self.window = db.options.blockRange
        self.maxBuffered = maxBufferedSamples
    }

    /// The importer's number for a series (stable for the importer's lifetime).
    public func seriesID(for labels: Labels) -> Int {
        if let i = index[labels] { return i }
        series.append(SeriesBuffer(labels: labels))
        index[labels] = series.count - 1
        stats.series += 1
        return series.count - 1
    }

    /// Adds a sample to a series by its importer number.
    public func add(series id: Int, _ t: Int64, _ v: Double) throws(StorageError) {
        let w = MemSeries.rangeEnd(t, window) &- window
        series[id].windows[w, default: Column()].append(t, v)
        buffered += 1
        stats.samples += 1
        if t > newest { newest = t }
        if buffered >= maxBuffered {
            // Time-ordered input: windows well behind the newest sample are complete, so
            // writing just those avoids overlapping blocks. Otherwise write everything.
            try flush(before: newest &- window)
            if buffered >= maxBuffered / 2 { try flush() }
        }
    }

    /// Adds a sample by labels.
    public func add(_ labels: Labels, _ t: Int64, _ v: Double) throws(StorageError) {
        try add(series: seriesID(for: labels), t, v)
    }

    /// Writes everything buffered (in windows ending at or before `limit`) as blocks.
    public func flush(before limit: Int64 = .max) throws(StorageError) {
        var windows = Set<Int64>()
        for s in series { windows.formUnion(s.windows.keys.filter { $0 <= limit &- window }) }
        let order = series.indices.sorted { series[$0].labels < series[$1].labels }
        for w in windows.sorted() {
            var batch: [(labels: Labels, timestamps: [Int64], values: [Double])] = []
            for i in order {
                guard var col = series[i].windows.removeValue(forKey: w) else { continue }
                buffered -= col.timestamps.count
                stats.duplicates += col.normalize()
                batch.append((series[i].labels, col.timestamps, col.values))
            }
            let end = w.addingReportingOverflow(window).overflow ? Int64.max : w + window
            if let meta = try db.writeBlock(minTime: w, maxTime: end, series: batch) {
                stats.blocks.append(meta)
                onBlock(meta)
            }
        }
    }

    /// Flushes and returns the totals.
    public func finish() throws(StorageError) -> Stats {
        try flush()
        stats.samples -= stats.duplicates
        return stats
    }
}

extension BulkImporter.Column {
    mutating func append(_ t: Int64, _ v: Double) {
        if let last = timestamps.last, t <= last { sorted = false }
        timestamps.append(t)
        values.append(v)
    }

    /// Sorts by time (stable, so the later of two equal timestamps is last) and keeps the
    /// last value for each timestamp. Returns how many samples were dropped.
    mutating func normalize() -> Int {
        guard !sorted else { return 0 }
        let order = timestamps.indices.sorted { timestamps[$0] != timestamps[$1] ? timestamps[$0] < timestamps[$1] : $0 < $1 }
        var ts: [Int64] = []
        var vs: [Double] = []
        ts.reserveCapacity(order.count)
        vs.reserveCapacity(order.count)
        for i in order {
            if let last = ts.last, last == timestamps[i] {
                vs[vs.count - 1] = values[i]
            } else {
                ts.append(timestamps[i])
                vs.append(values[i])
            }
        }
        let dropped = timestamps.count - ts.count
        timestamps = ts
        values = vs
        sorted = true
        return dropped
    }
}
