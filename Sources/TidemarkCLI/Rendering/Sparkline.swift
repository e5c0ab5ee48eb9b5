import TidemarkStorage

/// One-line charts from the eight block characters `▁▂▃▄▅▆▇█`.
enum Sparkline {
    static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// Samples averaged into `width` equal time buckets over [start, end]; a bucket with
    /// no sample (or only NaN) is nil.
    static func buckets(_ samples: [Sample], start: Int64, end: Int64, width: Int) -> [Double?] {
        guard width > 0 else { return [] }
        var sums = [Double](repeating: 0, count: width)
        var counts = [Int](repeating: 0, count: width)
        let span = Double(max(end - start, 1))
        for s in samples where !s.value.isNaN && s.timestamp >= start && s.timestamp <= end {
            let i = min(width - 1, Int(Double(s.timestamp - start) / span * Double(width)))
            sums[i] += s.value
            counts[i] += 1
        }
        return (0..<width).map { counts[$0] > 0 ? sums[$0] / Double(counts[$0]) : nil }
    }

    /// One character per value, scaled between the smallest and largest finite value;
    /// nil and NaN print as a space, a flat series as `▄`.
    static func render(_ values: [Double?]) -> String {
        let finite = values.compactMap { $0 }.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max() else {
            return String(values.map { v in v == nil ? " " : "▄" })
        }
        var out = ""
        for v in values {
            guard let v, !v.isNaN else {
                out.append(" ")
                continue
            }
            if v == .infinity { out.append("█"); continue }
            if v == -.infinity { out.append("▁"); continue }
            if high == low { out.append("▄"); continue }
            let level = Int(((v - low) / (high - low) * Double(levels.count - 1)).rounded())
            out.append(levels[min(max(level, 0), levels.count - 1)])
        }
        return out
    }
}
