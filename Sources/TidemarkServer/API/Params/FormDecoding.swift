/// Decodes `application/x-www-form-urlencoded` text (a URL's query string or a POST
/// body): `a=1&b=x+y&match[]=up` → `["a": ["1"], "b": ["x y"], "match[]": ["up"]]`.
///
/// Works on UTF-8 bytes, as Go's `url.ParseQuery` does: `&` and `=` separate wherever
/// they appear (a `Character` split would keep `&` together with a combining mark that
/// follows it), and names and values without `%` or `+` are copied as they are.
public enum FormDecoding {
    /// Adds the pairs of `text` to `form`, keeping repeated names in order.
    public static func decode(_ text: Substring, into form: inout [String: [String]]) {
        let utf8 = text.utf8
        var start = utf8.startIndex
        while start < utf8.endIndex {
            let end = utf8[start...].firstIndex(of: UInt8(ascii: "&")) ?? utf8.endIndex
            if start != end {
                let pair = utf8[start..<end]
                let name: String, value: String
                if let eq = pair.firstIndex(of: UInt8(ascii: "=")) {
                    name = unescape(text[start..<eq])
                    value = unescape(text[utf8.index(after: eq)..<end])
                } else {
                    name = unescape(text[start..<end])
                    value = ""
                }
                form[name, default: []].append(value)
            }
            start = end == utf8.endIndex ? end : utf8.index(after: end)
        }
    }

    /// `+` → space, `%XX` → byte; malformed escapes are kept as written.
    static func unescape(_ s: Substring) -> String {
        if !s.utf8.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) { return String(s) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let b = it.popFirst() {
            if b == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if b == UInt8(ascii: "%"), it.count >= 2, let hi = hex(it[it.startIndex]), let lo = hex(it[it.startIndex + 1]) {
                bytes.append(hi << 4 | lo)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
