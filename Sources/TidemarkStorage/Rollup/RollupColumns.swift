import TidemarkEncoding

/// How a series' rollup windows are stored in a rollup block (docs/format/rollup.md):
/// as a group of `columns.count` ordinary chunks, one per column, each with the window
/// ends as timestamps and the column's values as values, each in its smallest codec
/// (`ChunkBuilder.encodeSmallest`: XOR or decimal-packed). A series has one group per
/// at most `maxWindowsPerGroup` windows, groups in time order, columns in this order.
public enum RollupColumns {
    public enum Column: Int, CaseIterable, Sendable {
        case count, sum, min, max
        case first, firstOffset, firstStart
        case last, lastOffset, lastStart
        case resets, resetCorrection
    }

    /// Number of chunks in one group.
    public static let columnCount = Column.allCases.count
    /// Most windows in one group (a day of 5m windows is 288).
    public static let maxWindowsPerGroup = 1024

    /// The column's value for a window. Integers (count, resets, offsets of the first
    /// and last sample before the window end) are stored as exact Doubles; start
    /// timestamps (0 = none) by their bit pattern, so every Int64 round-trips.
    @inline(__always)
    static func value(_ w: RollupWindow, _ c: Column) -> Double {
        switch c {
        case .count: return Double(w.count)
        case .sum: return w.sum
        case .min: return w.min
        case .max: return w.max
        case .first: return w.first
        case .firstOffset: return Double(w.end - w.firstTime)
        case .firstStart: return Double(bitPattern: UInt64(bitPattern: w.firstStart))
        case .last: return w.last
        case .lastOffset: return Double(w.end - w.lastTime)
        case .lastStart: return Double(bitPattern: UInt64(bitPattern: w.lastStart))
        case .resets: return Double(w.resets)
        case .resetCorrection: return w.resetCorrection
        }
    }

    /// Encodes windows (ends strictly increasing, every window's samples within it) as
    /// groups of column chunks.
    public static func encode(_ windows: [RollupWindow]) -> [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)] {
        var out: [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)] = []
        var start = 0
        while start < windows.count {
            let group = windows[start..<min(windows.count, start + maxWindowsPerGroup)]
            let ends = group.map(\.end)
            for c in Column.allCases {
                let values = group.map { value($0, c) }
                // Ends increase strictly, so encoding cannot fail.
                let bytes = (try? ChunkBuilder.encodeSmallest(timestamps: ends, values: values)) ?? []
                out.append((bytes, ends[0], ends[ends.count - 1], group.count))
            }
            start += maxWindowsPerGroup
        }
        return out
    }

    /// Decodes one group of column chunks (in column order) back into windows.
    public static func decode(_ chunks: [[UInt8]]) throws(ChunkError) -> [RollupWindow] {
        guard chunks.count == columnCount else { throw .corrupt("rollup group has \(chunks.count) column chunks, expected \(columnCount)") }
        var ends: [Int64] = []
        var cols: [[Double]] = []
        for (i, bytes) in chunks.enumerated() {
            let (ts, vs) = try ChunkIterator.decodeAll(bytes)
            if i == 0 { ends = ts } else if ts != ends {
                throw .corrupt("rollup column \(i) has other window ends than the count column")
            }
            cols.append(vs)
        }
        func int(_ c: Column, _ k: Int) throws(ChunkError) -> Int64 {
            let d = cols[c.rawValue][k]
            guard d == d.rounded(), Swift.abs(d) < 0x1p53 else { throw .corrupt("rollup column \(c) holds \(d), not an integer") }
            return Int64(d)
        }
        var out: [RollupWindow] = []
        out.reserveCapacity(ends.count)
        for k in ends.indices {
            let e = ends[k]
            let n = try int(.count, k)
            guard n >= 1 else { throw .corrupt("rollup window ending \(e) has count \(n)") }
            out.append(RollupWindow(
                end: e, count: Int(n), sum: cols[Column.sum.rawValue][k],
                min: cols[Column.min.rawValue][k], max: cols[Column.max.rawValue][k],
                firstTime: e - (try int(.firstOffset, k)), first: cols[Column.first.rawValue][k],
                firstStart: Int64(bitPattern: cols[Column.firstStart.rawValue][k].bitPattern),
                lastTime: e - (try int(.lastOffset, k)), last: cols[Column.last.rawValue][k],
                lastStart: Int64(bitPattern: cols[Column.lastStart.rawValue][k].bitPattern),
                resets: Int(try int(.resets, k)), resetCorrection: cols[Column.resetCorrection.rawValue][k]))
        }
        return out
    }
}
