import Foundation
import TidemarkQuery

/// Timestamps and durations as Prometheus's API parses them.
public enum TimeParams {
    /// Prometheus's minimum and maximum times (`-292273086-05-16T16:47:06Z`,
    /// `292277025-08-18T07:12:54.999Z`), in ms, clamped to what storage uses.
    public static let minTime: Int64 = -9_223_309_901_257_974
    public static let maxTime: Int64 = 9_223_309_901_257_974

    /// Unix seconds (fraction rounded to ms) or RFC 3339 (with optional fraction).
    public static func parseTime(_ s: String) -> Int64? {
        if let secs = Double(s), !s.contains(where: { $0 == "_" }) {
            guard secs.isFinite else { return nil }
            let whole = secs.rounded(.towardZero)
            let frac = ((secs - whole) * 1000).rounded()
            guard abs(whole) < 9.2e15 else { return secs < 0 ? minTime : maxTime }
            return Int64(whole) * 1000 + Int64(frac)
        }
        if s == "-292273086-05-16T16:47:06Z" { return minTime }
        if s == "292277025-08-18T07:12:54.999999999Z" { return maxTime }
        return parseRFC3339(s)
    }

    /// RFC 3339 with `Z` or a numeric offset and up to nine fraction digits.
    static func parseRFC3339(_ s: String) -> Int64? {
        let u = Array(s.utf8)
        func num(_ from: Int, _ n: Int) -> Int? {
            guard from + n <= u.count else { return nil }
            var v = 0
            for i in from..<(from + n) {
                guard u[i] >= 48 && u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard u.count >= 20, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: "t"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let year = num(0, 4), let month = num(5, 2), let day = num(8, 2),
              let hour = num(11, 2), let minute = num(14, 2), let second = num(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var i = 19
        var ms = 0
        if i < u.count && u[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < u.count, u[i] >= 48 && u[i] <= 57 {
                if digits < 3 { ms = ms * 10 + Int(u[i] - 48) }
                digits += 1
                i += 1
            }
            guard digits > 0 && digits <= 9 else { return nil }
            if digits < 3 { for _ in digits..<3 { ms *= 10 } }
        }
        guard i < u.count else { return nil }
        var offset = 0
        if u[i] == UInt8(ascii: "Z") || u[i] == UInt8(ascii: "z") {
            i += 1
        } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), i + 3 < u.count, u[i + 3] == UInt8(ascii: ":"), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 60 + om) * 60 * (u[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else {
            return nil
        }
        guard i == u.count else { return nil }
        let days = daysFromCivil(year, month, day)
        let secs = Int64(days) * 86400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        return secs * 1000 + Int64(ms)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// Seconds as a float, or a Prometheus duration (`1h30m`, `500ms`, `2d`, `1w`, `1y`), in ms.
    public static func parseDuration(_ s: String) -> Int64? {
        if let secs = Double(s) {
            guard secs.isFinite, abs(secs * 1000) < 9.2e18 else { return nil }
            return Int64((secs * 1000).rounded())
        }
        return parsePrometheusDuration(s)
    }

    /// Prometheus's duration syntax: unit terms in descending order, each at most once.
    public static func parsePrometheusDuration(_ s: String) -> Int64? {
        let units: [(String, Int64)] = [("y", 31_536_000_000), ("w", 604_800_000), ("d", 86_400_000), ("h", 3_600_000), ("ms", 1), ("m", 60_000), ("s", 1000)]
        let order = ["y", "w", "d", "h", "m", "s", "ms"]
        var rest = Substring(s)
        var total: Int64 = 0
        var lastRank = -1
        guard !rest.isEmpty else { return nil }
        if rest == "0" { return 0 }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            let rank = order.firstIndex(of: unit.0)!
            guard rank > lastRank else { return nil }
            lastRank = rank
            rest = rest.dropFirst(unit.0.count)
            let (m, o1) = n.multipliedReportingOverflow(by: unit.1)
            let (t, o2) = total.addingReportingOverflow(m)
            guard !o1, !o2 else { return nil }
            total = t
        }
        return total
    }

    /// Now, in ms since the epoch.
    public static func now() -> Int64 { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

extension APIRequest {
    /// A timestamp parameter, `defaultValue` when absent; a malformed one is a `bad_data`
    /// error naming the parameter.
    func time(_ name: String, default defaultValue: Int64? = nil) throws(APIError) -> Int64 {
        guard let s = value(name) else {
            if let d = defaultValue { return d }
            throw APIError.invalidParameter(name, "cannot parse \"\" to a valid timestamp")
        }
        guard let t = TimeParams.parseTime(s) else {
            throw APIError.invalidParameter(name, "cannot parse \(goQuote(s)) to a valid timestamp")
        }
        return t
    }

    /// A duration parameter in ms, nil when absent.
    func duration(_ name: String) throws(APIError) -> Int64? {
        guard let s = value(name) else { return nil }
        guard let d = TimeParams.parseDuration(s) else {
            throw APIError.invalidParameter(name, "cannot parse \(goQuote(s)) to a valid duration")
        }
        return d
    }

    /// A non-negative integer `limit` parameter; 0 or absent means no limit.
    func limit() throws(APIError) -> Int {
        guard let s = value("limit") else { return 0 }
        guard let n = Int(s) else { throw APIError.invalidParameter("limit", "strconv.Atoi: parsing \(goQuote(s)): invalid syntax") }
        guard n >= 0 else { throw APIError.invalidParameter("limit", "limit must be non-negative") }
        return n
    }
}

/// A string quoted as Go's `%q` quotes it (in error messages, like Prometheus's).
func goQuote(_ s: String) -> String { PromQLPrinter.quote(s) }
