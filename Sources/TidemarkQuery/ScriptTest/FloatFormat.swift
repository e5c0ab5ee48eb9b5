/// Float and timestamp text as Prometheus writes them.
public enum PrometheusFormat {
    /// A sample value as the HTTP API writes it (a JSON string's content): shortest
    /// round-trip digits, plain notation unless |v| < 1e-6 or ≥ 1e21 (then `1e-07`,
    /// `1.5e+21`), and `NaN`, `+Inf`, `-Inf`.
    public static func value(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
        let a = abs(v)
        if a != 0 && (a < 1e-6 || a >= 1e21) { return exponential(v) }
        // Fast paths (query results are mostly these): whole numbers below 2^53 print as
        // integers; otherwise Swift's shortest round-trip text is already Go's plain
        // notation when it has no exponent (less a trailing ".0").
        if a < 9_007_199_254_740_992, v == v.rounded(.towardZero), v != 0 { return String(Int64(v)) }
        let text = v.description
        if !text.utf8.contains(UInt8(ascii: "e")) {
            return text.hasSuffix(".0") ? String(text.dropLast(2)) : text
        }
        return plain(v)
    }

    /// A timestamp in milliseconds as Unix seconds with a 3-digit fraction when not whole
    /// (`1700000000`, `1.5` is written `1.500`), as the HTTP API does.
    public static func timestamp(_ ms: Int64) -> String {
        if ms >= 0 && ms % 1000 == 0 { return String(ms / 1000) }
        var t = ms
        var out = ""
        if t < 0 { out = "-"; t = -t }
        out += String(t / 1000)
        let frac = t % 1000
        if frac != 0 {
            out += "."
            if frac < 100 { out += "0" }
            if frac < 10 { out += "0" }
            out += String(frac)
        }
        return out
    }

    /// Shortest round-trip digits of |v| and the decimal point position: |v| = 0.d1d2… × 10^point.
    static func digits(_ v: Double) -> (digits: [UInt8], point: Int) {
        let a = abs(v)
        if a == 0 { return ([UInt8(ascii: "0")], 1) }
        let s = "\(a)"  // Swift prints the shortest round-trip representation.
        var mantissa = Substring(s)
        var exp = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exp = Int(s[s.index(after: e)...]) ?? 0
        }
        var ds: [UInt8] = []
        var point = 0
        var seenDot = false
        for c in mantissa.utf8 {
            if c == UInt8(ascii: ".") { seenDot = true; continue }
            ds.append(c)
            if !seenDot { point += 1 }
        }
        // Strip leading zeros (0.00123) and trailing zeros (100.0).
        while ds.count > 1, ds.first == UInt8(ascii: "0") { ds.removeFirst(); point -= 1 }
        while ds.count > 1, ds.last == UInt8(ascii: "0") { ds.removeLast() }
        return (ds, point + exp)
    }

    /// Go's `strconv.FormatFloat(v, 'f', -1, 64)`.
    public static func plain(_ v: Double) -> String {
        let (ds, point) = digits(v)
        var out = v.sign == .minus ? "-" : ""
        if point <= 0 {
            out += "0." + String(repeating: "0", count: -point) + String(decoding: ds, as: UTF8.self)
        } else if point >= ds.count {
            out += String(decoding: ds, as: UTF8.self) + String(repeating: "0", count: point - ds.count)
        } else {
            out += String(decoding: ds[..<point], as: UTF8.self) + "." + String(decoding: ds[point...], as: UTF8.self)
        }
        return out
    }

    /// Go's `strconv.FormatFloat(v, 'e', -1, 64)`: `1e+21`, `-2.5e-07`.
    public static func exponential(_ v: Double) -> String {
        let (ds, point) = digits(v)
        var out = v.sign == .minus ? "-" : ""
        out += String(UnicodeScalar(ds[0]))
        if ds.count > 1 { out += "." + String(decoding: ds[1...], as: UTF8.self) }
        let e = v == 0 ? 0 : point - 1
        out += e < 0 ? "e-" : "e+"
        let ae = abs(e)
        out += ae < 10 ? "0\(ae)" : "\(ae)"
        return out
    }
}

/// A float as Go's `%v` prints it (used in failure messages, like upstream's):
/// exponent form when the exponent is < -4 or ≥ 21.
extension PrometheusFormat {
/// A float as Go's `%v` prints it (in failure messages, like upstream's).
public static func goFloat(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v > 0 ? "+Inf" : "-Inf" }
    if v == 0 { return v.sign == .minus ? "-0" : "0" }
    let (_, point) = PrometheusFormat.digits(v)
    let e = point - 1
    if e < -4 || e >= 21 { return PrometheusFormat.exponential(v) }
    return PrometheusFormat.plain(v)
}
}
