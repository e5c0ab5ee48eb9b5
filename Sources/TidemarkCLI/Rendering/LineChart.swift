import Foundation
import TidemarkQuery
import TidemarkStorage

/// A multi-series line chart drawn with braille dots: a value axis on the left (top,
/// middle and bottom values), a time axis below with tick marks and times, and a legend
/// naming each series in its colour (ANSI colours when `colors` is on; without colour
/// the legend numbers the series in drawing order).
struct LineChart {
    /// Width of the whole chart in columns (axis labels included).
    var width: Int = 80
    /// Height of the plotting area in rows.
    var height: Int = 12
    var colors: Bool = false
    var timeZone: TimeZone = .current
    /// Most series drawn; the rest are counted in the legend.
    var maxSeries: Int = 6

    static let palette = ["\u{1B}[36m", "\u{1B}[33m", "\u{1B}[35m", "\u{1B}[32m", "\u{1B}[34m", "\u{1B}[31m"]
    static let reset = "\u{1B}[0m"

    func render(_ all: [RangeSeries], start: Int64, end: Int64) -> String {
        let series = Array(all.prefix(maxSeries))
        let values = series.flatMap { $0.samples.map(\.value) }.filter(\.isFinite)
        guard var low = values.min(), var high = values.max() else { return "(nothing to plot)\n" }
        if low == high { low -= 1; high += 1 }
        let labels = [high, (high + low) / 2, low].map(NumberText.compact)
        let gutter = labels.map(\.count).max()!
        let columns = max(10, width - gutter - 2)
        var canvas = BrailleCanvas(columns: columns, rows: height)
        let span = Double(max(end - start, 1))
        func px(_ t: Int64) -> Int { Int((Double(t - start) / span * Double(canvas.pixelWidth - 1)).rounded()) }
        func py(_ v: Double) -> Int {
            let clamped = min(max(v, low), high)
            return canvas.pixelHeight - 1 - Int(((clamped - low) / (high - low) * Double(canvas.pixelHeight - 1)).rounded())
        }
        for (n, s) in series.enumerated() {
            let gap = Self.typicalGap(s.samples) * 2
            var previous: Sample?
            for sample in s.samples where !sample.value.isNaN {
                if let p = previous, sample.timestamp - p.timestamp <= gap {
                    canvas.line(px(p.timestamp), py(p.value), px(sample.timestamp), py(sample.value), series: n)
                } else {
                    canvas.set(px(sample.timestamp), py(sample.value), series: n)
                }
                previous = sample
            }
        }
        let paint: (Int?, String) -> String = { owner, text in
            guard colors, let owner else { return text }
            return Self.palette[owner % Self.palette.count] + text + Self.reset
        }
        var out = ""
        for row in 0..<height {
            let label: String
            switch row {
            case 0: label = labels[0]
            case height / 2 where height > 2: label = labels[1]
            case height - 1: label = labels[2]
            default: label = ""
            }
            let pad = String(repeating: " ", count: gutter - label.count)
            out += pad + label + (label.isEmpty ? " │" : " ┤") + canvas.text(row: row, paint: paint) + "\n"
        }
        out += timeAxis(start: start, end: end, gutter: gutter, columns: columns)
        out += legend(series, total: all.count, paint: paint)
        return out
    }

    /// The axis line with ticks, then the times under them.
    func timeAxis(start: Int64, end: Int64, gutter: Int, columns: Int) -> String {
        let tickCount = max(2, min(5, columns / 16 + 1))
        let positions = (0..<tickCount).map { $0 * (columns - 1) / (tickCount - 1) }
        var axis = Array(repeating: "─", count: columns)
        for p in positions { axis[p] = "┬" }
        var labelsLine = Array(repeating: Character(" "), count: columns + 8)
        let format = Self.timeFormat(span: end - start)
        for (i, p) in positions.enumerated() {
            let t = start + Int64(Double(end - start) * Double(p) / Double(max(columns - 1, 1)))
            let text = Array(Self.time(t, format: format, timeZone: timeZone))
            // First label starts at its tick, last ends at it, the others are centred.
            let at = i == 0 ? p : (i == positions.count - 1 ? p - text.count + 1 : p - text.count / 2)
            for (k, ch) in text.enumerated() where at + k >= 0 && at + k < labelsLine.count { labelsLine[at + k] = ch }
        }
        let indent = String(repeating: " ", count: gutter + 1)
        let labels = String(labelsLine).replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        return indent + "└" + axis.joined() + "\n" + indent + " " + labels + "\n"
    }

    func legend(_ series: [RangeSeries], total: Int, paint: (Int?, String) -> String) -> String {
        let columns = LabelColumns(series.map(\.labels))
        var out = columns.commonLine.map { "  " + $0 + "\n" } ?? ""
        for (n, s) in series.enumerated() {
            let marker = colors ? paint(n, "━━") : "\(n + 1)."
            out += "  \(marker) \(columns.distinguishing(s.labels))\n"
        }
        if total > series.count { out += "  (\(total - series.count) more series not drawn)\n" }
        return out
    }

    /// The usual distance between neighbouring samples (their median gap).
    static func typicalGap(_ samples: [Sample]) -> Int64 {
        guard samples.count > 1 else { return .max }
        var gaps = zip(samples.dropFirst(), samples).map { $0.timestamp - $1.timestamp }
        gaps.sort()
        return gaps[gaps.count / 2]
    }

    static func timeFormat(span: Int64) -> String {
        if span <= 120_000 { return "HH:mm:ss" }
        if span <= 2 * 86_400_000 { return "HH:mm" }
        return "MM-dd HH:mm"
    }

    static func time(_ ms: Int64, format: String, timeZone: TimeZone) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = timeZone
        f.dateFormat = format
        return f.string(from: Date(timeIntervalSince1970: Double(ms) / 1000))
    }
}
