import Foundation

/// Parses the time arguments of the CLI: RFC 3339, Unix seconds (with fraction), or
/// `now` and relative forms like `-1h`, `-30m`, `now-2d`.
enum TimeArgument {
    static func parse(_ s: String, now: Int64 = Int64(Date().timeIntervalSince1970 * 1000)) -> Int64? {
        if s == "now" { return now }
        var rel = s
        if rel.hasPrefix("now") { rel = String(rel.dropFirst(3)) }
        if rel.hasPrefix("-") || rel.hasPrefix("+"), let d = parseDuration(String(rel.dropFirst())) {
            return rel.hasPrefix("-") ? now - d : now + d
        }
        if let secs = Double(s), secs.isFinite { return Int64((secs * 1000).rounded()) }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: s) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return Int64((d.timeIntervalSince1970 * 1000).rounded()) }
        return nil
    }

    /// Prometheus durations: `1h30m`, `15s`, `500ms`, `2d`, `1w`, `1y`.
    static func parseDuration(_ s: String) -> Int64? {
        let units: [(String, Int64)] = [("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000), ("y", 31_536_000_000)]
        var rest = Substring(s)
        var total: Int64 = 0
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let n = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) && !(($0.0 == "m") && rest.hasPrefix("ms")) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            total += n * unit.1
        }
        return total
    }
}
