import Foundation

/// A horizontal grouped bar chart as a self-contained SVG document: no scripts, no
/// stylesheets, no external fonts (a generic font list), a white background, so it
/// reads the same in a browser and in a GitHub page. `tidemark bench --plot` draws its
/// charts with it.
///
/// Categories run down the left side; each has one bar per series that has a value
/// there (`nil` leaves no gap), in series order, coloured by series. The value is
/// printed after every bar. A bar may carry `marks`: a whisker line from the bar's end
/// to the largest mark, with a tick at each mark (p90 and p99 after a p50 bar). The value
/// axis is linear from 0 with 1-2-5 steps, or logarithmic between 1-2-5 values;
/// `Scale.auto` takes the log axis when the positive values span a factor of 20 or more.
struct SVGBarChart {
    enum Scale { case linear, log, auto }

    struct Bar {
        var value: Double
        /// Values marked on a whisker drawn from `value` to the largest of them.
        var marks: [Double] = []
    }

    struct Series {
        var name: String
        /// An SVG colour (`#1f6fb5`).
        var color: String
        /// One entry per category; nil: no bar there.
        var bars: [Bar?]
    }

    var title: String
    /// Smaller lines under the title (what was measured, on what machine).
    var subtitle: [String] = []
    var categories: [String]
    var series: [Series]
    /// Under the value axis; ` (log scale)` is added on a log axis.
    var axisTitle: String
    var scale: Scale = .auto
    /// Legend text for the whiskers, when bars have marks.
    var whiskerLegend: String?
    /// Footnotes under the axis.
    var notes: [String] = []
    var width: Double = 960
    /// The text printed after each bar.
    var valueText: (Double) -> String = NumberText.compact

    // Layout, in px.
    static let barHeight = 16.0, barGap = 3.0, groupGap = 14.0, margin = 16.0
    static let font = "system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif"

    /// The axis the values are drawn on.
    var axis: ValueAxis {
        let values = series.flatMap { $0.bars.compactMap { $0 }.flatMap { [$0.value] + $0.marks } }.filter(\.isFinite)
        let positive = values.filter { $0 > 0 }
        let log: Bool
        switch scale {
        case .linear: log = false
        case .log: log = !positive.isEmpty
        case .auto: log = (positive.min().map { positive.max()! / $0 >= 20 } ?? false) && positive.count == values.count
        }
        return log ? .log(positive) : .linear(values)
    }

    /// The SVG document.
    func svg() -> String {
        let axis = axis
        let textWidth = { (s: String, size: Double) in Double(s.count) * size * 0.6 }
        let labelWidth = categories.map { textWidth($0, 12) }.max() ?? 0
        let left = min(width * 0.45, Self.margin + labelWidth + 10)
        let valueWidth = series.flatMap { $0.bars.compactMap { $0.map { textWidth(valueText($0.value), 11) } } }.max() ?? 0
        let right = width - Self.margin - valueWidth - 12
        var out = SVGWriter()
        var y = 28.0
        var body = SVGWriter()
        body.text(title, x: Self.margin, y: y, size: 17, attributes: ["font-weight": "bold", "fill": "#111"])
        for line in subtitle.flatMap({ Self.wrap($0, columns: Int((width - 2 * Self.margin) / (12 * 0.6))) }) {
            y += 19
            body.text(line, x: Self.margin, y: y, size: 12, attributes: ["fill": "#555"])
        }

        // Legend: a swatch per series (when there is more than one), then the whisker key.
        var lx = left, ly = y + 24
        func legendSpace(_ w: Double) {
            if lx + w > width - Self.margin, lx > left { lx = left; ly += 18 }
        }
        if series.count > 1 {
            for s in series {
                legendSpace(18 + textWidth(s.name, 12))
                body.element("rect", ["x": c(lx), "y": c(ly - 10), "width": "12", "height": "12", "fill": s.color])
                body.text(s.name, x: lx + 17, y: ly, size: 12, attributes: ["fill": "#222"])
                lx += 17 + textWidth(s.name, 12) + 18
            }
        }
        let hasMarks = series.contains { $0.bars.contains { !($0?.marks.isEmpty ?? true) } }
        if hasMarks, let whiskerLegend {
            legendSpace(34 + textWidth(whiskerLegend, 12))
            body.element("path", ["d": "M\(c(lx)) \(c(ly - 4))H\(c(lx + 24))M\(c(lx + 12)) \(c(ly - 8))V\(c(ly))M\(c(lx + 24)) \(c(ly - 8))V\(c(ly))",
                                   "stroke": "#333", "stroke-width": "1.2", "fill": "none"])
            body.text(whiskerLegend, x: lx + 30, y: ly, size: 12, attributes: ["fill": "#222"])
            lx += 30 + textWidth(whiskerLegend, 12) + 18
        }
        let top = (lx > left || ly > y + 24 ? ly : y) + 16

        // Rows first, so the grid knows the plot's height.
        var bars = SVGWriter()
        var row = top + 8
        func x(_ v: Double) -> Double { left + axis.fraction(v) * (right - left) }
        for (i, category) in categories.enumerated() {
            let present = series.compactMap { s in s.bars.indices.contains(i) ? s.bars[i].map { (s, $0) } : nil }
            guard !present.isEmpty else { continue }
            let groupHeight = Double(present.count) * Self.barHeight + Double(present.count - 1) * Self.barGap
            bars.text(category, x: left - 8, y: row + groupHeight / 2 + 4, size: 12, attributes: ["text-anchor": "end", "fill": "#222"])
            for (s, bar) in present {
                let end = x(bar.value), mid = row + Self.barHeight / 2
                bars.element("rect", ["class": "bar", "x": c(left), "y": c(row), "width": c(end - left), "height": c(Self.barHeight), "fill": s.color],
                             tooltip: "\(s.name), \(category): \(valueText(bar.value))" + (bar.marks.isEmpty ? "" : " (" + bar.marks.map(valueText).joined(separator: ", ") + ")"))
                var labelX = end
                if let high = bar.marks.max() {
                    let h = x(high)
                    var d = "M\(c(end)) \(c(mid))H\(c(h))"
                    for m in bar.marks { d += "M\(c(x(m))) \(c(mid - 4))V\(c(mid + 4))" }
                    bars.element("path", ["class": "whisker", "d": d, "stroke": "#333", "stroke-width": "1.2", "fill": "none"])
                    labelX = max(end, h)
                }
                bars.text(valueText(bar.value), x: labelX + 4, y: mid + 4, size: 11, attributes: ["fill": "#222"])
                row += Self.barHeight + Self.barGap
            }
            row += Self.groupGap - Self.barGap
        }
        let bottom = row - Self.groupGap + 8

        // Grid and value axis.
        for t in axis.ticks {
            let tx = x(t)
            body.element("line", ["x1": c(tx), "y1": c(top), "x2": c(tx), "y2": c(bottom), "stroke": "#e3e3e3"])
            body.element("line", ["x1": c(tx), "y1": c(bottom), "x2": c(tx), "y2": c(bottom + 5), "stroke": "#888"])
            body.text(NumberText.compact(t), x: tx, y: bottom + 18, size: 11, attributes: ["text-anchor": "middle", "fill": "#444"])
        }
        body.element("line", ["x1": c(left), "y1": c(top), "x2": c(left), "y2": c(bottom), "stroke": "#888"])
        body.element("line", ["x1": c(left), "y1": c(bottom), "x2": c(right), "y2": c(bottom), "stroke": "#888"])
        body.text(axisTitle + (axis.isLog ? " (log scale)" : ""), x: (left + right) / 2, y: bottom + 38, size: 12,
                  attributes: ["text-anchor": "middle", "fill": "#333"])
        body.output += bars.output
        y = bottom + 38
        for note in notes {
            for line in Self.wrap(note, columns: Int((width - 2 * Self.margin) / (11 * 0.6))) {
                y += 16
                body.text(line, x: Self.margin, y: y, size: 11, attributes: ["fill": "#555"])
            }
        }
        let height = (y + 16).rounded(.up)

        out.output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out.open("svg", ["xmlns": "http://www.w3.org/2000/svg", "width": c(width), "height": c(height),
                         "viewBox": "0 0 \(c(width)) \(c(height))", "font-family": Self.font, "role": "img"])
        out.element("title", text: title)
        out.element("rect", ["width": "100%", "height": "100%", "fill": "white"])
        out.output += body.output
        out.close("svg")
        return out.output
    }

    /// `text` in lines of at most `columns` characters, broken at spaces (a longer word
    /// gets a line of its own).
    static func wrap(_ text: String, columns: Int) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false) {
            if !line.isEmpty && line.count + 1 + word.count > columns {
                lines.append(line)
                line = String(word)
            } else {
                line += (line.isEmpty ? "" : " ") + word
            }
        }
        return lines + [line]
    }

    /// A coordinate with at most one decimal (`12`, `12.5`).
    func c(_ v: Double) -> String { SVGWriter.number(v) }
}

/// Where values fall along the value axis, and its ticks.
struct ValueAxis {
    var isLog: Bool
    var low: Double
    var high: Double
    var ticks: [Double]

    /// 0 … 1 from the axis start (values outside are clamped; on a log axis, values
    /// at or below 0 sit at the start).
    func fraction(_ v: Double) -> Double {
        guard v.isFinite else { return v > 0 ? 1 : 0 }
        let f = isLog ? (v > 0 ? (log10(v) - log10(low)) / (log10(high) - log10(low)) : 0) : (v - low) / (high - low)
        return min(1, max(0, f))
    }

    /// From 0 to the smallest multiple of a 1-2-5 step at or above the largest value,
    /// with about five steps.
    static func linear(_ values: [Double]) -> ValueAxis {
        let top = values.max() ?? 0
        guard top > 0 else { return ValueAxis(isLog: false, low: 0, high: 1, ticks: [0, 0.5, 1]) }
        let raw = top / 5
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 5, 10].map { $0 * magnitude }.first { $0 >= raw * (1 - 1e-9) }!
        let n = Int((top / step * (1 - 1e-9)).rounded(.up))
        return ValueAxis(isLog: false, low: 0, high: Double(n) * step, ticks: (0...n).map { Double($0) * step })
    }

    /// From the largest 1-2-5 value (…, 0.5, 1, 2, 5, 10, …) at or below the smallest
    /// positive value to the smallest at or above the largest. Ticks at every 1-2-5
    /// value when that spans at most three decades, else at the powers of ten and the ends.
    static func log(_ positive: [Double]) -> ValueAxis {
        let smallest = positive.min()!, largest = positive.max()!
        var lo = Int(floor(log10(smallest))) * 3, hi = Int(ceil(log10(largest))) * 3
        while oneTwoFive(lo + 1) <= smallest { lo += 1 }
        while oneTwoFive(lo) > smallest { lo -= 1 }
        while oneTwoFive(hi - 1) >= largest { hi -= 1 }
        while oneTwoFive(hi) < largest { hi += 1 }
        hi = max(hi, lo + 1)
        let dense = log10(oneTwoFive(hi) / oneTwoFive(lo)) <= 3 + 1e-9
        let ticks = (lo...hi).filter { dense || $0 == lo || $0 == hi || ($0 % 3 + 3) % 3 == 0 }.map(oneTwoFive)
        return ValueAxis(isLog: true, low: oneTwoFive(lo), high: oneTwoFive(hi), ticks: ticks)
    }

    /// The i-th value of the 1-2-5 sequence: 0 → 1, 1 → 2, 2 → 5, 3 → 10, -1 → 0.5, …
    /// (divided rather than multiplied below 1, so 0.05 is the literal's double).
    static func oneTwoFive(_ i: Int) -> Double {
        let k = Int((Double(i) / 3).rounded(.down)), m = [1.0, 2, 5][i - 3 * k]
        return k >= 0 ? m * pow(10, Double(k)) : m / pow(10, Double(-k))
    }
}

/// Appends SVG elements to a string, escaping attribute values and text.
struct SVGWriter {
    var output = ""

    mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        output += "<" + name + Self.attributes(attributes) + ">\n"
    }

    mutating func close(_ name: String) { output += "</\(name)>\n" }

    /// An empty element on its own line; with a `title` child when there is a tooltip.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String>, tooltip: String? = nil) {
        output += "<" + name + Self.attributes(attributes)
        output += tooltip.map { "><title>" + Self.escaped($0) + "</title></\(name)>\n" } ?? "/>\n"
    }

    /// An element holding only text.
    mutating func element(_ name: String, _ attributes: KeyValuePairs<String, String> = [:], text: String) {
        output += "<" + name + Self.attributes(attributes) + ">" + Self.escaped(text) + "</\(name)>\n"
    }

    mutating func text(_ s: String, x: Double, y: Double, size: Double, attributes: KeyValuePairs<String, String>) {
        var all = " x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\""
        all += Self.attributes(attributes)
        output += "<text" + all + ">" + Self.escaped(s) + "</text>\n"
    }

    static func attributes(_ attributes: KeyValuePairs<String, String>) -> String {
        attributes.map { " \($0.key)=\"\(escaped($0.value))\"" }.joined()
    }

    /// `&`, `<`, `>`, `"` and `'` as entities, so any text is safe in content and in
    /// double-quoted attributes.
    /// Control characters XML 1.0 does not allow become U+FFFD.
    static func escaped(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars {
            switch u {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n": out.unicodeScalars.append(u)
            case _ where u.value < 0x20 || u.value == 0xFFFE || u.value == 0xFFFF: out += "\u{FFFD}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out
    }

    /// At most one decimal: `12`, `12.5`, `-3`.
    static func number(_ v: Double) -> String {
        let r = (v * 10).rounded() / 10
        if r == r.rounded() { return String(Int(r)) }
        return String(format: "%.1f", r)
    }
}
