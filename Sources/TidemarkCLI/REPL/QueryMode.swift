import Foundation

/// Whether REPL queries run at one time or over a range. Times are kept as typed, so
/// `now` and `-1h` move with the clock; they are resolved when a query runs.
enum QueryMode: Equatable, CustomStringConvertible {
    case instant(time: String?)
    case range(start: String, end: String, step: String?)

    /// A resolved evaluation window in ms; `step` 0 means an instant query at `start`.
    struct Window: Equatable {
        var start: Int64
        var end: Int64
        var step: Int64
    }

    /// Points per series when the step is left out.
    static let defaultPoints: Int64 = 240
    /// Prometheus's limit on points per series of a range query.
    static let maxPoints: Int64 = 11_000

    func window(now: Int64) throws(REPLCommand.UsageError) -> Window {
        switch self {
        case .instant(let time):
            let t = try Self.time(time ?? "now", now: now)
            return Window(start: t, end: t, step: 0)
        case .range(let s, let e, let st):
            let start = try Self.time(s, now: now), end = try Self.time(e, now: now)
            guard end >= start else { throw REPLCommand.UsageError(description: "range end \(e) is before start \(s)") }
            let step: Int64
            if let st {
                guard let d = QueryCommand.parseStep(st), d > 0 else {
                    throw REPLCommand.UsageError(description: "cannot parse step '\(st)': expected a duration like 15s or 1m")
                }
                step = d
            } else {
                step = Self.autoStep(end - start, points: Self.defaultPoints)
            }
            guard (end - start) / step <= Self.maxPoints else {
                throw REPLCommand.UsageError(description: "more than \(Self.maxPoints) points per series; use a larger step")
            }
            return Window(start: start, end: end, step: step)
        }
    }

    /// A whole number of seconds (at least 1) giving about `points` steps over `span` ms.
    static func autoStep(_ span: Int64, points: Int64) -> Int64 {
        max(1000, (span / points + 999) / 1000 * 1000)
    }

    static func time(_ s: String, now: Int64) throws(REPLCommand.UsageError) -> Int64 {
        guard let t = TimeArgument.parse(s, now: now) else {
            throw REPLCommand.UsageError(description: "cannot parse time '\(s)': expected RFC 3339, Unix seconds, now, or relative like -1h")
        }
        return t
    }

    var description: String {
        switch self {
        case .instant(let t): return "instant queries at \(t ?? "now")"
        case .range(let s, let e, let st): return "range queries from \(s) to \(e), step \(st ?? "auto (span/\(Self.defaultPoints))")"
        }
    }
}
