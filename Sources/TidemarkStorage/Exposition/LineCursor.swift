/// A position within one line of exposition text, and the error messages that name
/// a column in it. Offsets are absolute (into the whole input); `lineStart` turns
/// them into 1-based byte columns.
struct LineCursor {
    let p: UnsafePointer<UInt8>
    var i: Int
    let end: Int
    let lineStart: Int
    let line: Int

    @inline(__always) var atEnd: Bool { i >= end }

    @inline(__always) func isSpace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
    }

    /// Whether the byte at `i` exists and equals `c`.
    @inline(__always) func at(_ c: UInt8) -> Bool { i < end && p[i] == c }

    @inline(__always) mutating func skipSpaces() {
        while i < end, isSpace(p[i]) { i += 1 }
    }

    /// True when only whitespace remains.
    var restIsBlank: Bool {
        var k = i
        while k < end, isSpace(p[k]) { k += 1 }
        return k >= end
    }

    /// Advances past the token that starts at `i` (up to whitespace or the line end).
    @inline(__always) mutating func scanToken() -> Range<Int> {
        let start = i
        while i < end, !isSpace(p[i]) { i += 1 }
        return start..<i
    }

    /// An error at absolute offset `offset` (default: the cursor).
    func error(_ message: String, at offset: Int? = nil) -> ExpositionError {
        ExpositionError(line: line, column: (offset ?? i) - lineStart + 1, message: message)
    }

    /// "expected X, found Y" at the cursor.
    func expected(_ what: String) -> ExpositionError {
        error("expected \(what), found \(found(at: i))")
    }

    /// Describes the byte at `offset` for a message: `'x'`, `end of line`, `a tab`, `byte 0xC3`.
    func found(at offset: Int) -> String {
        guard offset < end else { return "end of line" }
        let c = p[offset]
        switch c {
        case UInt8(ascii: "\t"): return "a tab"
        case UInt8(ascii: "\r"): return "a carriage return"
        case 0x20..<0x7F: return "'\(Character(Unicode.Scalar(c)))'"
        default:
            let hex = String(c, radix: 16, uppercase: true)
            return "byte 0x\(hex.count == 1 ? "0" + hex : hex)"
        }
    }

    /// The bytes of `range` as text for a message, shortened and quoted.
    func quoted(_ range: Range<Int>) -> String {
        let limit = 40
        let shown = range.count > limit ? range.lowerBound..<(range.lowerBound + limit) : range
        var s = String(decoding: UnsafeBufferPointer(start: p + shown.lowerBound, count: shown.count), as: UTF8.self)
        s = String(s.flatMap { $0 == "\"" ? ["\\", "\""] as [Character] : [$0] })
        return "\"\(s)\(range.count > limit ? "…" : "")\""
    }
}

/// Character classes and string decoding shared by the parser and the label builder.
enum ExpositionText {
    /// `[a-zA-Z_:]`
    @inline(__always) static func isMetricNameStart(_ c: UInt8) -> Bool {
        (c | 0x20) &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_") || c == UInt8(ascii: ":")
    }
    /// `[a-zA-Z0-9_:]`
    @inline(__always) static func isMetricNameChar(_ c: UInt8) -> Bool {
        isMetricNameStart(c) || c &- UInt8(ascii: "0") < 10
    }
    /// `[a-zA-Z_]`
    @inline(__always) static func isLabelNameStart(_ c: UInt8) -> Bool {
        (c | 0x20) &- UInt8(ascii: "a") < 26 || c == UInt8(ascii: "_")
    }
    /// `[a-zA-Z0-9_]`
    @inline(__always) static func isLabelNameChar(_ c: UInt8) -> Bool {
        isLabelNameStart(c) || c &- UInt8(ascii: "0") < 10
    }

    /// Decodes the inside of a quoted string (without its quotes): `\\` → `\`,
    /// `\"` → `"`, `\n` → newline; any other backslash sequence is kept as written,
    /// as Prometheus does. Returns nil for invalid UTF-8.
    static func unescape(_ p: UnsafePointer<UInt8>, _ range: Range<Int>, quotes: Bool = true) -> String? {
        var k = range.lowerBound
        var hasEscape = false
        while k < range.upperBound {
            if p[k] == UInt8(ascii: "\\") { hasEscape = true; break }
            k += 1
        }
        if !hasEscape {
            return String(validating: UnsafeBufferPointer(start: p + range.lowerBound, count: range.count), as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        k = range.lowerBound
        while k < range.upperBound {
            let c = p[k]
            if c == UInt8(ascii: "\\"), k + 1 < range.upperBound {
                let n = p[k + 1]
                switch n {
                case UInt8(ascii: "\\"): out.append(n); k += 2; continue
                case UInt8(ascii: "n"): out.append(UInt8(ascii: "\n")); k += 2; continue
                case UInt8(ascii: "\"") where quotes: out.append(n); k += 2; continue
                default: break
                }
            }
            out.append(c)
            k += 1
        }
        return String(validating: out, as: UTF8.self)
    }
}
