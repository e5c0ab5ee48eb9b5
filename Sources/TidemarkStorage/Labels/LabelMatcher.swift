/// A condition on one label, as in PromQL selectors: `=`, `!=`, `=~`, `!~`.
///
/// Regular expressions are fully anchored, as in Prometheus. A label that a series does
/// not have has the value "", so `{job=""}` selects series without `job`.
public struct LabelMatcher: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case equal = "="
        case notEqual = "!="
        case regexMatch = "=~"
        case regexNoMatch = "!~"
    }

    public let name: String
    public let kind: Kind
    public let value: String
    private let matcher: StringMatcher

    /// Builds a matcher; throws `StorageError.invalidMatcher` for a bad regex.
    public init(_ kind: Kind, _ name: String, _ value: String) throws(StorageError) {
        self.name = name
        self.kind = kind
        self.value = value
        switch kind {
        case .equal, .notEqual: matcher = .literal(value)
        case .regexMatch, .regexNoMatch: matcher = try StringMatcher(regex: value)
        }
    }

    /// `name="value"` (never throws).
    public static func equal(_ name: String, _ value: String) -> LabelMatcher {
        try! LabelMatcher(.equal, name, value)
    }

    /// True if a label value (or "" for a missing label) satisfies the matcher.
    @inline(__always)
    public func matches(_ v: String) -> Bool {
        switch kind {
        case .equal, .regexMatch: return matcher.matches(v)
        case .notEqual, .regexNoMatch: return !matcher.matches(v)
        }
    }

    /// True if the matcher selects series that lack the label.
    public var matchesEmpty: Bool { matches("") }

    /// For `=` and for `=~` over literal alternatives (`a|b|c`): exactly the values it
    /// selects, so an index can look them up instead of testing every value it has.
    public var selectedValues: [String]? {
        switch (kind, matcher) {
        case (.equal, _): return [value]
        case (.regexMatch, .literal(let s)): return [s]
        case (.regexMatch, .set(let s)): return s.map(\.text)
        default: return nil
        }
    }

    public static func == (a: LabelMatcher, b: LabelMatcher) -> Bool {
        a.name == b.name && a.kind == b.kind && a.value == b.value
    }

    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(kind)
        h.combine(value)
    }

    public var description: String {
        let n = LabelNames.isLegacyLabelName(name) ? name : LabelNames.quote(name)
        return "\(n)\(kind.rawValue)\(LabelNames.quote(value))"
    }
}

/// String matching for matchers, with fast paths for the regexes people really write
/// (`a|b|c`, `.*`, `.+`, `prefix.*`) before falling back to a full regex.
enum StringMatcher: @unchecked Sendable {
    case literal(String)
    case set(Set<ByteString>)
    case any
    case nonEmpty
    case prefix(String)
    case regex(Regex<AnyRegexOutput>)

    init(regex pattern: String) throws(StorageError) {
        if pattern == ".*" { self = .any; return }
        if pattern == ".+" { self = .nonEmpty; return }
        let meta = Set("\\.^$*+?()[]{}|")
        if !pattern.contains(where: { meta.contains($0) }) { self = .literal(pattern); return }
        let alternatives = pattern.split(separator: "|", omittingEmptySubsequences: false)
        if alternatives.count > 1, alternatives.allSatisfy({ !$0.contains(where: { meta.contains($0) }) }) {
            self = .set(Set(alternatives.map { ByteString(String($0)) }))
            return
        }
        if pattern.hasSuffix(".*"), !pattern.dropLast(2).contains(where: { meta.contains($0) }) {
            self = .prefix(String(pattern.dropLast(2)))
            return
        }
        do {
            self = .regex(try Regex("^(?:" + pattern + ")$"))
        } catch {
            throw .invalidMatcher("error parsing regexp \(LabelNames.quote(pattern)): \(error)")
        }
    }

    @inline(__always)
    func matches(_ v: String) -> Bool {
        switch self {
        case .literal(let s): return Label.bytesEqual(v, s)
        case .set(let s): return s.contains(ByteString(v))
        case .any: return true
        case .nonEmpty: return !v.isEmpty
        case .prefix(let p): return v.utf8.starts(with: p.utf8)
        case .regex(let r): return (try? r.wholeMatch(in: v)) != nil
        }
    }
}
