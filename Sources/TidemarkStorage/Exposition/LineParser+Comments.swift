extension LineParser {
    private enum Keyword { case help, type, unit, eof }

    /// A line starting with `#`: `HELP`, `TYPE`, `UNIT` (OpenMetrics) become entries,
    /// `# EOF` (OpenMetrics) ends the input, anything else is a comment (nil).
    mutating func parseComment(_ c: inout LineCursor) throws(ExpositionError) -> ExpositionEntry? {
        let p = c.p
        c.i += 1  // '#'
        let afterHash = c.i
        c.skipSpaces()
        if c.i == afterHash { return nil }  // "#word": a comment
        let wordStart = c.i
        while c.i < c.end, !c.isSpace(p[c.i]) { c.i += 1 }
        let word = wordStart..<c.i
        guard let keyword = keyword(p, word) else { return nil }
        if keyword == .eof {
            guard c.restIsBlank else {
                c.skipSpaces()
                throw c.expected("end of line after '# EOF'")
            }
            sawEOF = true
            return nil
        }
        let afterWord = c.i
        c.skipSpaces()
        if c.i == afterWord { return nil }  // "# HELP" alone: a comment, as in Prometheus
        let keywordName = String(decoding: UnsafeBufferPointer(start: p + word.lowerBound, count: word.count), as: UTF8.self)

        let family: String
        let nameStart = c.i
        if ExpositionText.isMetricNameStart(p[c.i]) {
            while c.i < c.end, ExpositionText.isMetricNameChar(p[c.i]) { c.i += 1 }
            family = String(decoding: UnsafeBufferPointer(start: p + nameStart, count: c.i - nameStart), as: UTF8.self)
        } else if p[c.i] == UInt8(ascii: "\"") {
            var k = c.i + 1
            while k < c.end, p[k] != UInt8(ascii: "\"") { k += p[k] == UInt8(ascii: "\\") ? 2 : 1 }
            guard k < c.end else {
                c.i = c.end
                throw c.error("expected '\"' to close the quoted metric name opened at column \(nameStart - c.lineStart + 1), found end of line")
            }
            guard let name = ExpositionText.unescape(p, (nameStart + 1)..<k), !name.isEmpty else {
                throw c.error("expected a non-empty UTF-8 metric name after \(keywordName)", at: nameStart)
            }
            family = name
            c.i = k + 1
        } else {
            throw c.expected("a metric name after \(keywordName)")
        }
        let afterName = c.i
        c.skipSpaces()
        if !c.atEnd, c.i == afterName { throw c.expected("a space after metric name \(LabelNames.quote(family))") }

        var textEnd = c.end
        while textEnd > c.i, c.isSpace(p[textEnd - 1]) { textEnd -= 1 }
        let text = c.i..<textEnd
        switch keyword {
        case .help:
            guard let help = ExpositionText.unescape(p, text, quotes: format == .openMetrics) else {
                throw c.error("invalid UTF-8 in the help text of \(LabelNames.quote(family))")
            }
            return .help(family: family, text: help)
        case .type:
            let typeWord = String(decoding: UnsafeBufferPointer(start: p + text.lowerBound, count: text.count), as: UTF8.self)
            guard let type = MetricType(exposition: typeWord) else {
                let choices = format == .openMetrics
                    ? "counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown"
                    : "counter, gauge, histogram, summary or untyped"
                throw c.error("expected a metric type (\(choices)) after \(LabelNames.quote(family)), found \(c.quoted(text))")
            }
            return .type(family: family, type: type)
        case .unit:
            guard let unit = ExpositionText.unescape(p, text) else {
                throw c.error("invalid UTF-8 in the unit of \(LabelNames.quote(family))")
            }
            return .unit(family: family, unit: unit)
        case .eof:
            return nil
        }
    }

    private func keyword(_ p: UnsafePointer<UInt8>, _ word: Range<Int>) -> Keyword? {
        guard word.count == 4 || word.count == 3 else { return nil }
        func equals(_ s: StaticString) -> Bool {
            guard s.utf8CodeUnitCount == word.count else { return false }
            for k in 0..<word.count where p[word.lowerBound + k] != s.utf8Start[k] { return false }
            return true
        }
        if equals("HELP") { return .help }
        if equals("TYPE") { return .type }
        if format == .openMetrics {
            if equals("UNIT") { return .unit }
            if equals("EOF") { return .eof }
        }
        return nil
    }
}
