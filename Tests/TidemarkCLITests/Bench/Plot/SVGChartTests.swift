import Foundation
import Testing
@testable import TidemarkCLI
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The elements and texts of an SVG document, read with Foundation's XML parser (which
/// fails on anything not well-formed).
final class SVGDocument: NSObject, XMLParserDelegate {
    struct Element {
        var name: String
        var attributes: [String: String]
    }
    private(set) var elements: [Element] = []
    /// The content of each `text` and `title` element, unescaped.
    private(set) var texts: [String] = []
    private var current = ""

    static func parse(_ svg: String) throws -> SVGDocument {
        let parser = XMLParser(data: Data(svg.utf8))
        let doc = SVGDocument()
        parser.delegate = doc
        guard parser.parse() else {
            throw CLIError("not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "?") at line \(parser.lineNumber)")
        }
        return doc
    }

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
                attributes attributeDict: [String: String] = [:]) {
        elements.append(Element(name: elementName, attributes: attributeDict))
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        if elementName == "text" || elementName == "title" { texts.append(current) }
        current = ""
    }

    /// The widths of the bars, in document order.
    var barWidths: [Double] {
        elements.filter { $0.attributes["class"] == "bar" }.map { Double($0.attributes["width"] ?? "") ?? -1 }
    }
}

@Suite("SVG bar chart")
struct SVGChartTests {
    static func chart(_ values: [Double], scale: SVGBarChart.Scale = .linear, categories: [String]? = nil) -> SVGBarChart {
        SVGBarChart(title: "T", categories: categories ?? values.indices.map { "q\($0)" },
                    series: [.init(name: "S", color: "#123456", bars: values.map { SVGBarChart.Bar(value: $0) })],
                    axisTitle: "ms", scale: scale)
    }

    @Test func documentIsWellFormedXMLWithEveryText() throws {
        var c = Self.chart([0.5, 12, 300], scale: .auto, categories: ["rate(x[5m]) < 1 & y", "a>\"b\"", "it's"])
        c.subtitle = ["1,440 samples & <more>"]
        c.notes = ["note with <tag> & ampersand"]
        c.series.append(.init(name: "Peer & <co>", color: "#abcdef", bars: [SVGBarChart.Bar(value: 1, marks: [2, 3]), nil, SVGBarChart.Bar(value: 4)]))
        c.whiskerLegend = "p90 & p99"
        let doc = try SVGDocument.parse(c.svg())
        #expect(doc.elements.first?.name == "svg")
        #expect(doc.elements.first?.attributes["xmlns"] == "http://www.w3.org/2000/svg")
        for s in ["rate(x[5m]) < 1 & y", "a>\"b\"", "it's", "1,440 samples & <more>", "note with <tag> & ampersand", "Peer & <co>", "p90 & p99"] {
            #expect(doc.texts.contains(s), "\(s)")
        }
        // Tooltips name the series and the category; nil leaves no bar.
        #expect(doc.texts.contains("Peer & <co>, rate(x[5m]) < 1 & y: 1 (2, 3)"))
        #expect(doc.barWidths.count == 5)
        #expect(doc.elements.filter { $0.attributes["class"] == "whisker" }.count == 1)
        // Nothing that would load anything from elsewhere.
        let svg = c.svg()
        for banned in ["<script", "href", "@import", "url("] { #expect(!svg.contains(banned), "\(banned)") }
    }

    @Test func escapingCoversMarkupQuotesAndControlCharacters() {
        #expect(SVGWriter.escaped("a<b & c>d") == "a&lt;b &amp; c&gt;d")
        #expect(SVGWriter.escaped("\"it's\"") == "&quot;it&apos;s&quot;")
        #expect(SVGWriter.escaped("x\u{1}y\tz") == "x\u{FFFD}y\tz")
        #expect(SVGWriter.escaped("µs × 10") == "µs × 10")
    }

    @Test func linearBarsAreProportionalToTheirValues() throws {
        let values = [1.0, 2, 4, 7.5, 0]
        let widths = try SVGDocument.parse(Self.chart(values).svg()).barWidths
        #expect(widths.count == values.count)
        // Coordinates have one decimal: within 0.05 px each, plus the scale's own error.
        let perUnit = widths[3] / values[3]
        for (w, v) in zip(widths, values) { #expect(abs(w - v * perUnit) <= 0.1, "\(w) for \(v)") }
        // The axis ends at the first 1-2-5 tick at or above the largest value.
        let axis = Self.chart(values).axis
        #expect(!axis.isLog && axis.high == 8 && axis.ticks == [0, 2, 4, 6, 8])
    }

    @Test func wideRangesGetALogAxis() throws {
        let values = [0.05, 0.5, 5, 50]
        let c = Self.chart(values, scale: .auto)
        let axis = c.axis
        #expect(axis.isLog && axis.low == 0.05 && axis.high == 50)
        #expect(axis.ticks == [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50])
        // Each decade is the same length.
        let widths = try SVGDocument.parse(c.svg()).barWidths
        let decade = widths[1] - widths[0]
        #expect(decade > 0)
        for i in 1..<widths.count { #expect(abs(widths[i] - widths[i - 1] - decade) <= 0.15) }
        #expect(c.svg().contains("ms (log scale)"))
        // Narrow ranges (and any zero) stay linear.
        #expect(!Self.chart([3, 9, 40]).axis.isLog)
        #expect(!Self.chart([0, 1, 1000], scale: .auto).axis.isLog)
        // The ends are 1-2-5 values around the data; past three decades only powers of
        // ten and the ends are ticked.
        #expect(ValueAxis.log([0.3, 8]).ticks == [0.2, 0.5, 1, 2, 5, 10])
        #expect(ValueAxis.log([0.78, 95.2, 110]).ticks == [0.5, 1, 2, 5, 10, 20, 50, 100, 200])
        #expect(ValueAxis.log([0.02, 500]).ticks == [0.02, 0.1, 1, 10, 100, 500])
        #expect(ValueAxis.log([1, 1]).ticks == [1, 2])
        #expect(ValueAxis.log([10]).low == 10 && ValueAxis.log([10]).high == 20)
    }

    @Test func longNotesWrapAtSpaces() throws {
        #expect(SVGBarChart.wrap("aa bb cc dd", columns: 5) == ["aa bb", "cc dd"])
        #expect(SVGBarChart.wrap("a verylongword b", columns: 4) == ["a", "verylongword", "b"])
        #expect(SVGBarChart.wrap("", columns: 4) == [""])
        var c = Self.chart([1, 2])
        c.notes = [Array(repeating: "word", count: 100).joined(separator: " ")]
        let doc = try SVGDocument.parse(c.svg())
        let lines = doc.texts.filter { $0.hasPrefix("word") }
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { Double($0.count) * 11 * 0.6 <= c.width - 2 * SVGBarChart.margin })
        #expect(lines.joined(separator: " ") == c.notes[0])
    }

    @Test func tinyChartGolden() {
        var c = SVGBarChart(title: "Tiny <chart>", categories: ["a", "b&c"], series: [
            .init(name: "One", color: "#111111", bars: [SVGBarChart.Bar(value: 1), SVGBarChart.Bar(value: 2, marks: [3])]),
            .init(name: "Two", color: "#222222", bars: [nil, SVGBarChart.Bar(value: 4)]),
        ], axisTitle: "units", scale: .linear, whiskerLegend: "max")
        c.width = 300
        c.notes = ["n"]
        #expect(c.svg() == Self.golden)
    }

    static let golden = """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="300" height="219" viewBox="0 0 300 219" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" role="img">
        <title>Tiny &lt;chart&gt;</title>
        <rect width="100%" height="100%" fill="white"/>
        <text x="16" y="28" font-size="17" font-weight="bold" fill="#111">Tiny &lt;chart&gt;</text>
        <rect x="47.6" y="42" width="12" height="12" fill="#111111"/>
        <text x="64.6" y="52" font-size="12" fill="#222">One</text>
        <rect x="104.2" y="42" width="12" height="12" fill="#222222"/>
        <text x="121.2" y="52" font-size="12" fill="#222">Two</text>
        <path d="M160.8 48H184.8M172.8 44V52M184.8 44V52" stroke="#333" stroke-width="1.2" fill="none"/>
        <text x="190.8" y="52" font-size="12" fill="#222">max</text>
        <line x1="47.6" y1="68" x2="47.6" y2="149" stroke="#e3e3e3"/>
        <line x1="47.6" y1="149" x2="47.6" y2="154" stroke="#888"/>
        <text x="47.6" y="167" font-size="11" text-anchor="middle" fill="#444">0</text>
        <line x1="102" y1="68" x2="102" y2="149" stroke="#e3e3e3"/>
        <line x1="102" y1="149" x2="102" y2="154" stroke="#888"/>
        <text x="102" y="167" font-size="11" text-anchor="middle" fill="#444">1</text>
        <line x1="156.5" y1="68" x2="156.5" y2="149" stroke="#e3e3e3"/>
        <line x1="156.5" y1="149" x2="156.5" y2="154" stroke="#888"/>
        <text x="156.5" y="167" font-size="11" text-anchor="middle" fill="#444">2</text>
        <line x1="211" y1="68" x2="211" y2="149" stroke="#e3e3e3"/>
        <line x1="211" y1="149" x2="211" y2="154" stroke="#888"/>
        <text x="211" y="167" font-size="11" text-anchor="middle" fill="#444">3</text>
        <line x1="265.4" y1="68" x2="265.4" y2="149" stroke="#e3e3e3"/>
        <line x1="265.4" y1="149" x2="265.4" y2="154" stroke="#888"/>
        <text x="265.4" y="167" font-size="11" text-anchor="middle" fill="#444">4</text>
        <line x1="47.6" y1="68" x2="47.6" y2="149" stroke="#888"/>
        <line x1="47.6" y1="149" x2="265.4" y2="149" stroke="#888"/>
        <text x="156.5" y="187" font-size="12" text-anchor="middle" fill="#333">units</text>
        <text x="39.6" y="88" font-size="12" text-anchor="end" fill="#222">a</text>
        <rect class="bar" x="47.6" y="76" width="54.4" height="16" fill="#111111"><title>One, a: 1</title></rect>
        <text x="106" y="88" font-size="11" fill="#222">1</text>
        <text x="39.6" y="127.5" font-size="12" text-anchor="end" fill="#222">b&amp;c</text>
        <rect class="bar" x="47.6" y="106" width="108.9" height="16" fill="#111111"><title>One, b&amp;c: 2 (3)</title></rect>
        <path class="whisker" d="M156.5 114H211M211 110V118" stroke="#333" stroke-width="1.2" fill="none"/>
        <text x="215" y="118" font-size="11" fill="#222">2</text>
        <rect class="bar" x="47.6" y="125" width="217.8" height="16" fill="#222222"><title>Two, b&amp;c: 4</title></rect>
        <text x="269.4" y="137" font-size="11" fill="#222">4</text>
        <text x="16" y="203" font-size="11" fill="#555">n</text>
        </svg>

        """
}
