#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The line-by-line state machine behind `ExpositionParser`: where it is in the input
/// and how to read one line. Holds no reference to the bytes, so it copies for free.
struct LineParser {
    let format: ExpositionFormat
    var defaultTimestamp: Int64
    private(set) var lineNumber = 0
    private var position = 0
    var sawEOF = false
    private var finished = false

    init(format: ExpositionFormat, defaultTimestamp: Int64) {
        self.format = format
        self.defaultTimestamp = defaultTimestamp
    }

    mutating func nextEntry(_ buffer: UnsafeBufferPointer<UInt8>) throws(ExpositionError) -> ExpositionEntry? {
        guard let base = buffer.baseAddress else { return try endOfInput() }
        let count = buffer.count
        while true {
            if position >= count { return try endOfInput() }
            let start = position
            let end: Int
            if let nl = memchr(base + start, 0x0A, count - start) {
                end = start + (UnsafeRawPointer(nl) - UnsafeRawPointer(base + start))
            } else {
                end = count
            }
            position = end + 1
            lineNumber += 1
            var cursor = LineCursor(p: base, i: start, end: end, lineStart: start, line: lineNumber)
            if sawEOF {
                if cursor.restIsBlank { continue }
                position = count
                finished = true
                cursor.skipSpaces()
                throw cursor.error("unexpected content after '# EOF'")
            }
            cursor.skipSpaces()
            if cursor.atEnd { continue }
            if base[cursor.i] == UInt8(ascii: "#") {
                if let entry = try parseComment(&cursor) { return entry }
                continue
            }
            return .sample(try parseSample(&cursor))
        }
    }

    private mutating func endOfInput() throws(ExpositionError) -> ExpositionEntry? {
        if format == .openMetrics, !sawEOF, !finished {
            finished = true
            throw ExpositionError(line: lineNumber + 1, column: 1, message: "expected '# EOF' at the end of OpenMetrics input, found end of input")
        }
        finished = true
        return nil
    }

    /// `series value [timestamp] [# exemplar]`, cursor at the first non-space byte.
    private func parseSample(_ c: inout LineCursor) throws(ExpositionError) -> ExpositionSample {
        let p = c.p
        let seriesStart = c.i
        var hasName = false
        let first = p[c.i]
        if ExpositionText.isMetricNameStart(first) {
            c.i += 1
            while c.i < c.end, ExpositionText.isMetricNameChar(p[c.i]) { c.i += 1 }
            hasName = true
            let nameEnd = c.i
            c.skipSpaces()
            if c.at(UInt8(ascii: "{")) {
                _ = try ExpositionParser.scanLabels(&c, metricNameGiven: true)
            } else {
                if c.i == nameEnd, !c.atEnd {
                    throw c.expected("'{' or a space after metric name \(c.quoted(seriesStart..<nameEnd))")
                }
                c.i = nameEnd
            }
        } else if first == UInt8(ascii: "{") {
            hasName = try ExpositionParser.scanLabels(&c, metricNameGiven: false)
        } else if first == UInt8(ascii: "\"") {
            throw c.error("expected a metric name, '{' or '#', found '\"' (a quoted metric name goes inside the braces: {\"name\", label=\"value\"})")
        } else {
            throw c.expected("a metric name, '{' or '#'")
        }
        if !hasName {
            throw c.error("expected a metric name: a quoted string as the first item in the braces", at: seriesStart + 1)
        }
        let series = seriesStart..<c.i

        let afterSeries = c.i
        c.skipSpaces()
        if c.atEnd { throw c.error("expected a value after the series, found end of line") }
        if c.i == afterSeries { throw c.expected("a space before the value") }
        let valueToken = c.scanToken()
        let value: Double
        switch ExpositionNumbers.parseDouble(p + valueToken.lowerBound, valueToken.count) {
        case .value(let v): value = v
        case .invalid: throw c.error("expected a number as the sample value, found \(c.quoted(valueToken))", at: valueToken.lowerBound)
        case .outOfRange: throw c.error("sample value \(c.quoted(valueToken)) is out of the range of a 64-bit float", at: valueToken.lowerBound)
        }

        c.skipSpaces()
        var timestamp = defaultTimestamp
        var hasTimestamp = false
        if !c.atEnd, format == .prometheusText || p[c.i] != UInt8(ascii: "#") {
            let token = c.scanToken()
            timestamp = try parseTimestamp(token, &c)
            hasTimestamp = true
            c.skipSpaces()
        }
        if !c.atEnd {
            if format == .openMetrics, p[c.i] == UInt8(ascii: "#") {
                try skipExemplar(&c)
            } else {
                throw c.expected("end of line after the \(hasTimestamp ? "timestamp" : "value")")
            }
        }
        return ExpositionSample(series: series, value: value, timestamp: timestamp, hasTimestamp: hasTimestamp, line: c.line, lineStart: c.lineStart)
    }

    private func parseTimestamp(_ token: Range<Int>, _ c: inout LineCursor) throws(ExpositionError) -> Int64 {
        let p = c.p + token.lowerBound
        switch format {
        case .prometheusText:
            switch ExpositionNumbers.parseMilliseconds(p, token.count) {
            case .value(let t): return t
            case .invalid: throw c.error("expected a timestamp in integer milliseconds or end of line, found \(c.quoted(token))", at: token.lowerBound)
            case .outOfRange: throw c.error("timestamp \(c.quoted(token)) is out of the range of a 64-bit integer", at: token.lowerBound)
            }
        case .openMetrics:
            switch ExpositionNumbers.parseSecondsAsMilliseconds(p, token.count) {
            case .value(let t): return t
            case .invalid: throw c.error("expected a timestamp in seconds, an exemplar ('# {') or end of line, found \(c.quoted(token))", at: token.lowerBound)
            case .outOfRange: throw c.error("timestamp \(c.quoted(token)) is out of the range of 64-bit milliseconds", at: token.lowerBound)
            }
        }
    }

    /// ` # {labels} value [timestamp]` after an OpenMetrics sample: checked, not kept.
    private func skipExemplar(_ c: inout LineCursor) throws(ExpositionError) {
        c.i += 1  // '#'
        c.skipSpaces()
        guard c.at(UInt8(ascii: "{")) else { throw c.expected("'{' to start the exemplar's labels") }
        _ = try ExpositionParser.scanLabels(&c, metricNameGiven: true, exemplar: true)
        let afterLabels = c.i
        c.skipSpaces()
        if c.atEnd || c.i == afterLabels { throw c.expected("a space and the exemplar value") }
        let valueToken = c.scanToken()
        guard case .value = ExpositionNumbers.parseDouble(c.p + valueToken.lowerBound, valueToken.count) else {
            throw c.error("expected a number as the exemplar value, found \(c.quoted(valueToken))", at: valueToken.lowerBound)
        }
        c.skipSpaces()
        if c.atEnd { return }
        let tsToken = c.scanToken()
        guard case .value = ExpositionNumbers.parseSecondsAsMilliseconds(c.p + tsToken.lowerBound, tsToken.count) else {
            throw c.error("expected an exemplar timestamp in seconds or end of line, found \(c.quoted(tsToken))", at: tsToken.lowerBound)
        }
        c.skipSpaces()
        if !c.atEnd { throw c.expected("end of line after the exemplar timestamp") }
    }
}
