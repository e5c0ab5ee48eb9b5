import TidemarkStorage

/// JSON as Prometheus's HTTP API writes it: the `data` object of `/api/v1/query(_range)`,
/// label sets, and string literals escaped byte for byte as Go's encoder escapes them.
/// Shared by `tidemark query --format json` and the HTTP server.
public enum PrometheusJSON {
    /// The `data` object of `/api/v1/query(_range)`: `{"resultType":…,"result":…}`.
    public static func data(_ v: QueryValue) -> String {
        var out = ""
        appendData(v, to: &out)
        return out
    }

    /// Appends the `data` object without its closing brace, so callers can add fields
    /// (`stats`) before closing it; `close` adds the brace.
    public static func appendData(_ v: QueryValue, to out: inout String, close: Bool = true) {
        var bytes: [UInt8] = []
        appendData(v, toBytes: &bytes, close: close)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// `appendData` into UTF-8 bytes (an HTTP body), without going through `String`.
    public static func appendData(_ v: QueryValue, toBytes out: inout [UInt8], close: Bool = true) {
        var j = JSONBytes()
        swap(&j.bytes, &out)
        defer { swap(&j.bytes, &out) }
        j.bytes.reserveCapacity(j.bytes.count + 64)
        j.raw("{\"resultType\":\"")
        j.unescaped(v.resultType)
        j.raw("\",\"result\":")
        switch v {
        case .scalar(let t, let x):
            j.point(t, x)
        case .string(let t, let s):
            j.byte(UInt8(ascii: "["))
            j.timestamp(t)
            j.byte(UInt8(ascii: ","))
            j.string(s)
            j.byte(UInt8(ascii: "]"))
        case .vector(let samples):
            j.bytes.reserveCapacity(samples.count * 200)
            j.byte(UInt8(ascii: "["))
            for (i, s) in samples.enumerated() {
                if i > 0 { j.byte(UInt8(ascii: ",")) }
                j.raw("{\"metric\":")
                j.labels(s.labels)
                j.raw(",\"value\":")
                j.point(s.t, s.v)
                j.byte(UInt8(ascii: "}"))
            }
            j.byte(UInt8(ascii: "]"))
        case .matrix(let series):
            j.bytes.reserveCapacity(series.reduce(0) { $0 + 200 + $1.samples.count * 32 })
            j.byte(UInt8(ascii: "["))
            for (i, s) in series.enumerated() {
                if i > 0 { j.byte(UInt8(ascii: ",")) }
                j.raw("{\"metric\":")
                j.labels(s.labels)
                j.raw(",\"values\":[")
                for (k, p) in s.samples.enumerated() {
                    if k > 0 { j.byte(UInt8(ascii: ",")) }
                    j.point(p.timestamp, p.value)
                }
                j.raw("]}")
            }
            j.byte(UInt8(ascii: "]"))
        }
        if close { j.byte(UInt8(ascii: "}")) }
    }

    /// `[<unix seconds>,"<value>"]`.
    public static func appendPoint(_ t: Int64, _ value: String, to out: inout String) {
        out += "["
        out += PrometheusFormat.timestamp(t)
        out += ","
        appendString(value, to: &out)
        out += "]"
    }

    /// A label set as a JSON object, in label order.
    public static func appendLabels(_ labels: Labels, to out: inout String) {
        out += "{"
        for (i, l) in labels.enumerated() {
            if i > 0 { out += "," }
            appendString(l.name, to: &out)
            out += ":"
            appendString(l.value, to: &out)
        }
        out += "}"
    }

    /// A JSON string literal.
    public static func string(_ s: String) -> String {
        var out = ""
        appendString(s, to: &out)
        return out
    }

    /// True for a UTF-8 byte that may start something Go's encoder escapes: control
    /// characters, `"`, `\`, `<`, `>`, `&`, and 0xE2, the lead byte of U+2028 and U+2029
    /// (and of other characters, which the escaping path copies unchanged).
    @inline(__always)
    static func mayNeedEscaping(_ b: UInt8) -> Bool {
        b < 0x20 || b == 0x22 || b == 0x5C || b == 0x3C || b == 0x3E || b == 0x26 || b == 0xE2
    }

    /// Appends a JSON string literal: escapes `"`, `\`, control characters, and `<`, `>`,
    /// `&`, U+2028, U+2029 as Go's encoder does, so output matches Prometheus byte for byte.
    public static func appendString(_ s: String, to out: inout String) {
        out += "\""
        // Most label names and values need no escaping: append them whole.
        if !s.utf8.contains(where: mayNeedEscaping) {
            out += s
            out += "\""
            return
        }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }

    /// A JSON array of strings.
    public static func stringArray(_ items: [String]) -> String {
        var out = "["
        for (i, s) in items.enumerated() {
            if i > 0 { out += "," }
            appendString(s, to: &out)
        }
        return out + "]"
    }
}
