import TidemarkStorage

extension PromQLScriptParser {
    /// Parses `metric{a="b"} <values>`: a label set in PromQL selector syntax (only `=`)
    /// and a value sequence in the expanding notation.
    public static func parseSeriesDescription(_ line: String, line n: Int = 0) throws(ScriptSyntaxError) -> SeriesDescription {
        var cursor = Cursor(Array(line.unicodeScalars))
        let labels = try cursor.parseLabels()
        let values = try parseValueSequence(String(String.UnicodeScalarView(cursor.rest)))
        return SeriesDescription(labels: labels, values: values, line: n)
    }

    /// The largest repetition count accepted (`1x10000000`), so a typo cannot exhaust memory.
    public static let maxRepetitions = 10_000_000

    /// Expands a value sequence: `1 2 3`, `1+2x3` (1 3 5 7), `5-1x2` (5 4 3), `7x2`
    /// (7 7 7), `_`, `_x3` (three gaps), `stale`, `Inf`, `-Inf`, `NaN`, `{{…}}` histograms
    /// (also `{{…}}x3` and `{{…}}+{{…}}x3`, kept as text).
    public static func parseValueSequence(_ s: String) throws(ScriptSyntaxError) -> [SequenceValue] {
        var out: [SequenceValue] = []
        for item in splitItems(s) {
            out.append(contentsOf: try expandItem(item))
        }
        return out
    }

    /// Splits on whitespace outside `{{ }}`.
    static func splitItems(_ s: String) -> [Substring] {
        var items: [Substring] = []
        var depth = 0
        var start: String.Index?
        var i = s.startIndex
        while i < s.endIndex {
            let c = s[i]
            if c == "{" { depth += 1 } else if c == "}" { depth = max(0, depth - 1) }
            if (c == " " || c == "\t") && depth == 0 {
                if let st = start { items.append(s[st..<i]); start = nil }
            } else if start == nil {
                start = i
            }
            i = s.index(after: i)
        }
        if let st = start { items.append(s[st...]) }
        return items
    }

    static func expandItem(_ item: Substring) throws(ScriptSyntaxError) -> [SequenceValue] {
        if item == "_" { return [.omitted] }
        if item.hasPrefix("_x") {
            guard let n = Int(item.dropFirst(2)), n >= 0, n <= maxRepetitions else { throw ScriptSyntaxError(message: "invalid repetition in series values \"\(item)\"") }
            return Array(repeating: .omitted, count: n)
        }
        if item.hasPrefix("{{") {
            // Histogram: keep the text; a trailing `xN` repeats it N+1 times.
            var count = 1
            if let close = item.lastIndex(of: "}") {
                let tail = item[item.index(after: close)...]
                if tail.hasPrefix("x"), let n = Int(tail.dropFirst()), n >= 0, n < maxRepetitions { count = n + 1 }
            }
            return Array(repeating: .histogram(String(item)), count: count)
        }
        var c = Cursor(Array(item.unicodeScalars))
        let first = try c.seriesValue(allowStale: true)
        if c.atEnd { return [.float(first)] }
        var delta = 0.0
        if c.peek == "+" || c.peek == "-" {
            delta = try c.seriesValue(allowStale: false, requireSign: true)
        }
        guard c.peek == "x" else { throw ScriptSyntaxError(message: "unexpected \"\(String(String.UnicodeScalarView(c.rest)))\" in series values \"\(item)\"") }
        c.advance()
        let digits = String(String.UnicodeScalarView(c.rest))
        guard !digits.isEmpty, digits.unicodeScalars.allSatisfy({ $0.properties.numericType == .decimal && $0.isASCII }), let n = Int(digits), n <= maxRepetitions else {
            throw ScriptSyntaxError(message: "invalid repetition count in series values \"\(item)\"")
        }
        var v = first
        var out: [SequenceValue] = []
        out.reserveCapacity(n + 1)
        for _ in 0...n {
            out.append(.float(v))
            v += delta
        }
        return out
    }
}

public struct ScriptSyntaxError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

/// A scanner over one line of a script.
struct Cursor {
    var s: [Unicode.Scalar]
    var i = 0
    init(_ s: [Unicode.Scalar]) { self.s = s }

    var atEnd: Bool { i >= s.count }
    var peek: Unicode.Scalar? { i < s.count ? s[i] : nil }
    var rest: ArraySlice<Unicode.Scalar> { s[i...] }
    mutating func advance() { i += 1 }
    mutating func skipSpace() { while let c = peek, c == " " || c == "\t" { i += 1 } }

    typealias Failure = ScriptSyntaxError

    static func isNameStart(_ c: Unicode.Scalar) -> Bool { (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_" }
    static func isNameChar(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || (c >= "0" && c <= "9") }

    mutating func identifier(colons: Bool) -> String {
        let start = i
        while let c = peek, Cursor.isNameChar(c) || (colons && c == ":") {
            if i == start && c >= "0" && c <= "9" { break }
            i += 1
        }
        return String(String.UnicodeScalarView(s[start..<i]))
    }

    /// `name`, `name{…}` or `{…}`; leaves the cursor after the label set.
    mutating func parseLabels() throws(Failure) -> Labels {
        skipSpace()
        var labels: [Label] = []
        if let c = peek, Cursor.isNameStart(c) || c == ":" {
            labels.append(Label(metricNameLabel, identifier(colons: true)))
        }
        if peek == "{" {
            advance()
            skipSpace()
            while let c = peek, c != "}" {
                let name: String
                if c == "\"" || c == "'" || c == "`" {
                    name = try quoted()
                } else {
                    name = identifier(colons: false)
                    guard !name.isEmpty else { throw Failure(message: "unexpected character '\(c)' in label set") }
                }
                skipSpace()
                if peek == "," || peek == "}" {
                    // A bare quoted string is the metric name: `{"my.metric", a="b"}`.
                    labels.append(Label(metricNameLabel, name))
                } else {
                    guard peek == "=" else { throw Failure(message: "expected '=' after label name \"\(name)\"") }
                    advance()
                    skipSpace()
                    guard let q = peek, q == "\"" || q == "'" || q == "`" else { throw Failure(message: "expected a quoted label value for \"\(name)\"") }
                    labels.append(Label(name, try quoted()))
                }
                skipSpace()
                if peek == "," { advance(); skipSpace() }
            }
            guard peek == "}" else { throw Failure(message: "unclosed label set") }
            advance()
        }
        if labels.isEmpty && peek != nil && !(peek == " " || peek == "\t") {
            throw Failure(message: "expected a metric name or '{'")
        }
        // An empty value means "no label" in Prometheus.
        return Labels(labels.filter { !$0.value.isEmpty })
    }

    mutating func quoted() throws(Failure) -> String {
        let q = s[i]
        let start = i
        i += 1
        var escaped = false
        while let c = peek {
            i += 1
            if q != "`" && escaped { escaped = false; continue }
            if q != "`" && c == "\\" { escaped = true; continue }
            if c == q {
                let lit = String(String.UnicodeScalarView(s[start..<i]))
                guard let v = unquoteGoString(Substring(lit)) else { throw Failure(message: "invalid string literal \(lit)") }
                return v
            }
        }
        throw Failure(message: "unterminated string")
    }

    /// A series value: number (`1`, `-2.5e3`, `.5`), `Inf`, `NaN`, or `stale`, with an
    /// optional sign.
    mutating func seriesValue(allowStale: Bool, requireSign: Bool = false) throws(Failure) -> Double {
        var sign = 1.0
        if peek == "+" || peek == "-" {
            if peek == "-" { sign = -1 }
            advance()
        } else if requireSign {
            throw Failure(message: "expected '+' or '-'")
        }
        if let c = peek, (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") {
            // Keywords; `x` never starts one.
            let start = i
            while let d = peek, (d >= "a" && d <= "z") || (d >= "A" && d <= "Z") {
                let word = String(String.UnicodeScalarView(s[start..<i])).lowercased()
                if ["inf", "nan", "stale"].contains(word) { break }
                i += 1
            }
            let word = String(String.UnicodeScalarView(s[start..<i]))
            switch word.lowercased() {
            case "inf": return sign * .infinity
            case "nan": return .nan
            case "stale" where word == "stale" && allowStale && sign == 1: return SequenceValue.staleNaN
            default: throw Failure(message: "unexpected \"\(word)\" in series values: expected number or \"stale\"")
            }
        }
        let start = i
        while let c = peek, c >= "0" && c <= "9" { i += 1 }
        if peek == "." {
            i += 1
            while let c = peek, c >= "0" && c <= "9" { i += 1 }
        }
        guard i > start, !(i == start + 1 && s[start] == ".") else { throw Failure(message: "expected a number in series values") }
        if peek == "e" || peek == "E" {
            let save = i
            i += 1
            if peek == "+" || peek == "-" { i += 1 }
            let d0 = i
            while let c = peek, c >= "0" && c <= "9" { i += 1 }
            if i == d0 { i = save }
        }
        let text = String(String.UnicodeScalarView(s[start..<i]))
        guard let v = Double(text) else { throw Failure(message: "invalid number \"\(text)\"") }
        return sign * v
    }
}

/// Go string literal syntax: `"…"` with escapes (`\n`, `\t`, `\\`, `\"`, `\xHH`, `\uHHHH`,
/// `\UHHHHHHHH`, octal `\NNN`), `'…'` likewise, or raw `` `…` ``. Invalid UTF-8 produced by
/// byte escapes is repaired with U+FFFD.
public func unquoteGoString(_ lit: Substring) -> String? {
    guard let q = lit.first, lit.count >= 2, lit.last == q, q == "\"" || q == "'" || q == "`" else { return nil }
    let body = lit.dropFirst().dropLast()
    if q == "`" { return String(body) }
    var bytes: [UInt8] = []
    var it = Array(body.unicodeScalars)[...]
    func hex(_ n: Int) -> UInt32? {
        guard it.count >= n else { return nil }
        let h = String(String.UnicodeScalarView(it.prefix(n)))
        it = it.dropFirst(n)
        return UInt32(h, radix: 16)
    }
    let quote = q.unicodeScalars.first!
    while let c = it.first {
        it = it.dropFirst()
        if c == quote { return nil }
        guard c == "\\" else { bytes.append(contentsOf: Array(String(c).utf8)); continue }
        guard let e = it.first else { return nil }
        it = it.dropFirst()
        switch e {
        case "n": bytes.append(10)
        case "t": bytes.append(9)
        case "r": bytes.append(13)
        case "a": bytes.append(7)
        case "b": bytes.append(8)
        case "f": bytes.append(12)
        case "v": bytes.append(11)
        case "\\": bytes.append(92)
        case "\"", "'": bytes.append(UInt8(e.value))
        case "x":
            guard let v = hex(2) else { return nil }
            bytes.append(UInt8(v))
        case "u", "U":
            guard let v = hex(e == "u" ? 4 : 8), let sc = Unicode.Scalar(v) else { return nil }
            bytes.append(contentsOf: Array(String(sc).utf8))
        case "0"..."7":
            let d = String(String.UnicodeScalarView([e] + it.prefix(2)))
            it = it.dropFirst(2)
            guard d.count == 3, let v = UInt8(d, radix: 8) else { return nil }
            bytes.append(v)
        default: return nil
        }
    }
    return String(decoding: bytes, as: UTF8.self)
}

extension PromQLScriptParser {
    /// Parses `metric{a="b"}@st <offsets>`: the start timestamps of that series' samples,
    /// each as a signed duration from the sample's timestamp (`-1m`: one minute before
    /// it, `0`: at it, `+1m`: after it), in the expanding notation of values with
    /// durations: `-30s-1mx2` (−30s −1m30s −2m30s), `-1mx3`, `_`, `_x3`.
    public static func parseStartTimestampLine(_ line: String) throws(ScriptSyntaxError) -> (Labels, [Int64?]) {
        var cursor = Cursor(Array(line.unicodeScalars))
        let labels = try cursor.parseLabels()
        let rest = String(String.UnicodeScalarView(cursor.rest))
        guard rest.hasPrefix("@st") else { throw ScriptSyntaxError(message: "expected @st after the labels in \"\(line)\"") }
        var out: [Int64?] = []
        for item in splitItems(String(rest.dropFirst(3))) {
            out.append(contentsOf: try expandStartOffsets(item))
        }
        return (labels, out)
    }

    static func expandStartOffsets(_ item: Substring) throws(ScriptSyntaxError) -> [Int64?] {
        if item == "_" || item.hasPrefix("_x") {
            return try expandItem(item).map { _ in nil }
        }
        var rest = item
        let bad = ScriptSyntaxError(message: "invalid start timestamp offsets \"\(item)\"")
        /// A signed duration at the front of `rest` (`-30s`, `+1m`, `59999ms`, `0`).
        func signedDuration(requireSign: Bool) throws(ScriptSyntaxError) -> Int64 {
            var sign: Int64 = 1
            if rest.first == "-" || rest.first == "+" {
                if rest.first == "-" { sign = -1 }
                rest = rest.dropFirst()
            } else if requireSign {
                throw bad
            }
            let text = rest.prefix { $0.isASCII && ($0.isNumber || ($0.isLetter && $0 != "x")) }
            rest = rest.dropFirst(text.count)
            guard let d = parseDuration(String(text)) else { throw bad }
            return sign * d
        }
        let first = try signedDuration(requireSign: false)
        if rest.isEmpty { return [first] }
        let delta = rest.first == "x" ? 0 : try signedDuration(requireSign: true)
        guard rest.first == "x", let n = Int(rest.dropFirst()), n >= 0, n <= maxRepetitions else { throw bad }
        return (0...n).map { first + Int64($0) * delta }
    }
}
