/// Number parsing for the exposition formats, on raw bytes.
///
/// Values accept what Prometheus accepts (Go's `strconv.ParseFloat` without hex
/// floats or underscores): `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`, and
/// case-insensitive `NaN`, `Inf`, `Infinity` with an optional sign. Finite tokens
/// whose magnitude overflows a Double are rejected, as Go does.
enum ExpositionNumbers {
    /// The result of parsing a number token.
    enum Result<T> {
        case value(T)
        case invalid
        case outOfRange
    }

    private static let exactPowersOfTen: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }

    /// Parses `count` bytes at `p` as a float value.
    ///
    /// Fast path (Clinger): when the decimal significand fits in 53 bits and the
    /// power of ten is at most 22 in magnitude, one IEEE multiply or divide of two
    /// exact operands gives the correctly rounded result. Anything else goes to the
    /// standard library's correctly rounded `Double(String)` after the syntax was
    /// checked here.
    static func parseDouble(_ p: UnsafePointer<UInt8>, _ count: Int) -> Result<Double> {
        var i = 0
        let negative = takeSign(p, &i, count)
        guard i < count else { return .invalid }
        if !isDigit(p[i]) && p[i] != UInt8(ascii: ".") {
            return parseSpecial(p + i, count - i, negative: negative)
        }
        var mantissa: UInt64 = 0
        var significant = 0       // digits held in `mantissa`, leading zeros excluded
        var truncated = false     // a non-zero digit did not fit in `mantissa`
        var exponent = 0
        var sawDigit = false
        while i < count, isDigit(p[i]) {
            let d = UInt64(p[i] &- 0x30)
            sawDigit = true
            if significant < 19 {
                mantissa = mantissa &* 10 &+ d
                if mantissa != 0 { significant += 1 }
            } else {
                exponent += 1
                if d != 0 { truncated = true }
            }
            i += 1
        }
        if i < count, p[i] == UInt8(ascii: ".") {
            i += 1
            while i < count, isDigit(p[i]) {
                let d = UInt64(p[i] &- 0x30)
                sawDigit = true
                if significant < 19 {
                    mantissa = mantissa &* 10 &+ d
                    if mantissa != 0 { significant += 1 }
                    exponent -= 1
                } else if d != 0 {
                    truncated = true
                }
                i += 1
            }
        }
        guard sawDigit else { return .invalid }
        if i < count, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            let expNegative = takeSign(p, &i, count)
            guard i < count, isDigit(p[i]) else { return .invalid }
            var e = 0
            while i < count, isDigit(p[i]) {
                if e < 100_000 { e = e * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            exponent += expNegative ? -e : e
        }
        guard i == count else { return .invalid }
        if mantissa == 0 { return .value(negative ? -0.0 : 0.0) }
        if !truncated, mantissa <= 1 << 53, exponent >= -22, exponent <= 22 {
            var v = Double(mantissa)
            v = exponent >= 0 ? v * exactPowersOfTen[exponent] : v / exactPowersOfTen[-exponent]
            return .value(negative ? -v : v)
        }
        let text = String(decoding: UnsafeBufferPointer(start: p, count: count), as: UTF8.self)
        guard let v = Double(text) else { return .invalid }
        return v.isInfinite ? .outOfRange : .value(v)
    }

    /// `nan`, `inf`, `infinity`, any case, after an optional sign.
    private static func parseSpecial(_ p: UnsafePointer<UInt8>, _ count: Int, negative: Bool) -> Result<Double> {
        func matches(_ word: StaticString) -> Bool {
            guard word.utf8CodeUnitCount == count else { return false }
            let w = word.utf8Start
            for k in 0..<count where p[k] | 0x20 != w[k] { return false }
            return true
        }
        if matches("nan") { return .value(ExpositionParser.normalNaN) }
        if matches("inf") || matches("infinity") { return .value(negative ? -.infinity : .infinity) }
        return .invalid
    }

    /// Consumes an optional `+` or `-` at `i`; returns whether it was `-`.
    @inline(__always)
    static func takeSign(_ p: UnsafePointer<UInt8>, _ i: inout Int, _ count: Int) -> Bool {
        guard i < count, p[i] == UInt8(ascii: "-") || p[i] == UInt8(ascii: "+") else { return false }
        defer { i += 1 }
        return p[i] == UInt8(ascii: "-")
    }

    /// `magnitude = magnitude × 10 + digit`, false if the signed result would leave Int64.
    @inline(__always)
    static func appendDigit(_ digit: UInt64, to magnitude: inout UInt64, negative: Bool) -> Bool {
        let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
        let (s, o2) = m.addingReportingOverflow(digit)
        if o1 || o2 || s > UInt64(Int64.max) + (negative ? 1 : 0) { return false }
        magnitude = s
        return true
    }

    /// Prometheus text timestamps: `[+-]?digits`, integer milliseconds.
    static func parseMilliseconds(_ p: UnsafePointer<UInt8>, _ count: Int) -> Result<Int64> {
        var i = 0
        let negative = takeSign(p, &i, count)
        guard i < count else { return .invalid }
        var magnitude: UInt64 = 0
        if count - i <= 18 {  // cannot overflow: skip the checks
            while i < count {
                guard isDigit(p[i]) else { return .invalid }
                magnitude = magnitude &* 10 &+ UInt64(p[i] &- 0x30)
                i += 1
            }
            return .value(negative ? -Int64(magnitude) : Int64(magnitude))
        }
        while i < count {
            guard isDigit(p[i]) else { return .invalid }
            guard appendDigit(UInt64(p[i] &- 0x30), to: &magnitude, negative: negative) else { return .outOfRange }
            i += 1
        }
        return .value(negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude))
    }

    /// The common case `digits[.digits]` with at most 15 integer digits, which
    /// cannot overflow; nil sends everything else to the general path.
    @inline(__always)
    private static func plainSecondsAsMilliseconds(_ p: UnsafePointer<UInt8>, _ count: Int) -> Int64? {
        var i = 0
        var seconds: Int64 = 0
        while i < count, isDigit(p[i]) {
            seconds = seconds &* 10 &+ Int64(p[i] &- 0x30)
            i += 1
        }
        guard i > 0, i <= 15 else { return nil }
        var millis: Int64 = 0
        var scale: Int64 = 100
        if i < count {
            guard p[i] == UInt8(ascii: "."), i + 1 < count else { return nil }
            i += 1
            while i < count, isDigit(p[i]) {
                millis &+= Int64(p[i] &- 0x30) &* scale
                scale /= 10
                i += 1
            }
            guard i == count else { return nil }
        }
        return seconds &* 1000 &+ millis
    }

    /// OpenMetrics timestamps: seconds as a decimal float
    /// (`[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?`), converted to
    /// milliseconds exactly from the decimal digits, with no binary rounding.
    ///
    /// Digits below a millisecond are truncated toward zero, the direction Prometheus
    /// (and so `promtool`) rounds with `int64(seconds * 1000)`. Prometheus computes
    /// through a float64 and can, for some inputs, land one millisecond lower than the
    /// exact value; for up to three fractional digits at present-day epochs the two
    /// agree (checked over 2 million consecutive milliseconds). NaN and infinities
    /// are not timestamps.
    static func parseSecondsAsMilliseconds(_ p: UnsafePointer<UInt8>, _ count: Int) -> Result<Int64> {
        if let ms = plainSecondsAsMilliseconds(p, count) { return .value(ms) }
        var i = 0
        let negative = takeSign(p, &i, count)
        let intStart = i
        while i < count, isDigit(p[i]) { i += 1 }
        let intEnd = i
        var fracStart = i, fracEnd = i
        if i < count, p[i] == UInt8(ascii: ".") {
            i += 1
            fracStart = i
            while i < count, isDigit(p[i]) { i += 1 }
            fracEnd = i
        }
        let intDigits = intEnd - intStart, fracDigits = fracEnd - fracStart
        guard intDigits + fracDigits > 0 else { return .invalid }
        var exponent = 0
        if i < count, p[i] | 0x20 == UInt8(ascii: "e") {
            i += 1
            let expNegative = takeSign(p, &i, count)
            guard i < count, isDigit(p[i]) else { return .invalid }
            while i < count, isDigit(p[i]) {
                if exponent < 100_000 { exponent = exponent * 10 + Int(p[i] &- 0x30) }
                i += 1
            }
            if expNegative { exponent = -exponent }
        }
        guard i == count else { return .invalid }
        // The digit string D = intDigits ++ fracDigits has its decimal point after
        // `intDigits + exponent` digits; milliseconds are the first `point + 3` digits.
        let take = intDigits + exponent + 3
        var magnitude: UInt64 = 0
        if take > 0 {
            for k in 0..<take {
                let d: UInt64
                if k < intDigits {
                    d = UInt64(p[intStart + k] &- 0x30)
                } else if k - intDigits < fracDigits {
                    d = UInt64(p[fracStart + k - intDigits] &- 0x30)
                } else if magnitude == 0 {
                    break  // only zeros remain
                } else {
                    d = 0
                }
                if magnitude == 0 && d == 0 { continue }
                guard appendDigit(d, to: &magnitude, negative: negative) else { return .outOfRange }
            }
        }
        return .value(negative ? Int64(bitPattern: 0 &- magnitude) : Int64(magnitude))
    }
}
