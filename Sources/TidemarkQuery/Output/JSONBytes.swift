import TidemarkStorage

/// A JSON document built as UTF-8 bytes. Query results are thousands of small pieces
/// (brackets, timestamps, values, label strings); appending them to a byte array is
/// several times cheaper than growing a `String` piece by piece.
struct JSONBytes {
    var bytes: [UInt8] = []

    init(capacity: Int = 0) { bytes.reserveCapacity(capacity) }

    @inline(__always) mutating func raw(_ s: StaticString) {
        s.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    @inline(__always) mutating func byte(_ b: UInt8) { bytes.append(b) }

    /// Appends `s` as it is (it must need no escaping).
    mutating func unescaped(_ s: String) {
        var s = s
        s.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// A JSON string literal, escaped as Go's encoder escapes it (`PrometheusJSON.appendString`).
    mutating func string(_ s: String) {
        byte(UInt8(ascii: "\""))
        var copy = s
        let plain = copy.withUTF8 { u -> Bool in
            guard !u.contains(where: PrometheusJSON.mayNeedEscaping) else { return false }
            bytes.append(contentsOf: u)
            return true
        }
        if plain {
            byte(UInt8(ascii: "\""))
            return
        }
        var escaped = ""
        PrometheusJSON.appendString(s, to: &escaped)
        unescaped(String(escaped.dropFirst()))  // its opening quote is already written
    }

    /// An integer in decimal.
    mutating func integer(_ v: Int64) {
        if v < 0 { byte(UInt8(ascii: "-")) }
        var n = v.magnitude
        var count = 1
        var p: UInt64 = 10
        while count < 20 && n >= p {
            count += 1
            p = p &* 10
        }
        let end = bytes.count + count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        bytes.withUnsafeMutableBufferPointer { b in
            var i = end
            repeat {
                i -= 1
                b[i] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: n % 10)
                n /= 10
            } while n > 0
        }
    }

    /// A timestamp in ms as the API's Unix seconds (`PrometheusFormat.timestamp`).
    mutating func timestamp(_ ms: Int64) {
        guard ms >= 0 else {
            unescaped(PrometheusFormat.timestamp(ms))
            return
        }
        integer(ms / 1000)
        let frac = ms % 1000
        if frac != 0 {
            byte(UInt8(ascii: "."))
            byte(UInt8(ascii: "0") + UInt8(frac / 100))
            byte(UInt8(ascii: "0") + UInt8(frac / 10 % 10))
            byte(UInt8(ascii: "0") + UInt8(frac % 10))
        }
    }

    /// A sample value as a JSON string (`PrometheusFormat.value`; never needs escaping);
    /// integers are written digit by digit, without a `String`.
    mutating func value(_ v: Double) {
        byte(UInt8(ascii: "\""))
        if v.magnitude < 9_007_199_254_740_992, v == v.rounded(.towardZero), v != 0 {
            integer(Int64(v))
        } else {
            unescaped(PrometheusFormat.value(v))
        }
        byte(UInt8(ascii: "\""))
    }

    /// `[<unix seconds>,"<value>"]`.
    mutating func point(_ t: Int64, _ v: Double) {
        byte(UInt8(ascii: "["))
        timestamp(t)
        byte(UInt8(ascii: ","))
        value(v)
        byte(UInt8(ascii: "]"))
    }

    /// A label set as a JSON object, in label order.
    mutating func labels(_ labels: Labels) {
        byte(UInt8(ascii: "{"))
        for (i, l) in labels.enumerated() {
            if i > 0 { byte(UInt8(ascii: ",")) }
            string(l.name)
            byte(UInt8(ascii: ":"))
            string(l.value)
        }
        byte(UInt8(ascii: "}"))
    }

    /// The document as a String (one UTF-8 validation pass).
    var text: String { String(decoding: bytes, as: UTF8.self) }
}
