import TidemarkQuery
import TidemarkStorage

/// A range result as one line per series: a sparkline over the whole time span, then
/// min / avg / max / last, then the labels that tell the series apart (shared labels
/// are printed once, above). NaN samples are left out of the figures.
enum RangeTable {
    static func render(_ series: [RangeSeries], width: Int, sparkWidth: Int = 24) -> String {
        let all = series.flatMap(\.samples)
        guard let start = all.map(\.timestamp).min(), let end = all.map(\.timestamp).max() else { return "(empty matrix)\n" }
        // One character per step when there are few steps, so no bucket is left empty.
        let buckets = min(sparkWidth, Set(all.map(\.timestamp)).count)
        let columns = LabelColumns(series.map(\.labels))
        var out = columns.commonLine.map { TextTable.wrap($0, width: width, continuationIndent: 4).joined(separator: "\n") + "\n" } ?? ""
        let rows = series.map { s -> [String] in
            let spark = Sparkline.render(Sparkline.buckets(s.samples, start: start, end: end, width: buckets))
            let summary = Summary(s.samples)
            return [spark] + [summary.min, summary.avg, summary.max, summary.last].map { $0.map(NumberText.compact) ?? "-" }
                + [columns.distinguishing(s.labels)]
        }
        out += TextTable.render(header: ["TREND", "MIN", "AVG", "MAX", "LAST", "SERIES"], rows: rows, rightAligned: [1, 2, 3, 4], width: width)
        return out
    }

    /// The figures of one series, over its non-NaN samples.
    struct Summary {
        var min: Double?
        var max: Double?
        var avg: Double?
        var last: Double?

        init(_ samples: [Sample]) {
            let values = samples.map(\.value).filter { !$0.isNaN }
            guard !values.isEmpty else { return }
            min = values.min()
            max = values.max()
            avg = values.reduce(0, +) / Double(values.count)
            last = values.last
        }
    }
}
