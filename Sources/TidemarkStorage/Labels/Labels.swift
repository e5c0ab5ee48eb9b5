/// A series' identity: its labels sorted by name (byte order), names unique, no empty
/// values (a label with an empty value is the same as no label, as in Prometheus).
public struct Labels: Hashable, Comparable, Sendable, Collection, CustomStringConvertible {
    public let labels: [Label]
    /// The labels' hash, computed once when the set is built: label sets are looked up in
    /// hash tables many times (matching, grouping, result assembly), and hashing every
    /// name and value each time was the largest cost of queries over many series.
    /// The `ByteHash` of every name and value, folded in order (`ByteHash.Fold`): seeded
    /// per process, so never stored or sent (and several times cheaper than `Hasher`'s
    /// SipHash, which is what building label sets cost most in queries that read many
    /// series).
    private let fingerprint: Int

    /// Builds a label set: sorts by name, drops empty values; the last of duplicate names wins.
    public init(_ labels: [Label]) {
        var sorted = labels.filter { !$0.value.isEmpty }
        sorted.sort { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var unique: [Label] = []
        unique.reserveCapacity(sorted.count)
        for l in sorted {
            if let last = unique.last, last.name == l.name { unique[unique.count - 1] = l } else { unique.append(l) }
        }
        self.init(sorted: unique)
    }

    /// Builds a label set from name/value pairs, e.g. `["__name__": "up", "job": "node"]`.
    public init(_ dict: [String: String]) {
        self.init(dict.map { Label($0.key, $0.value) })
    }

    /// Wraps labels already sorted, unique and non-empty (checked in debug builds).
    public init(sorted: [Label]) {
        var fold = ByteHash.Fold()
        for l in sorted {
            fold.add(ByteHash.hash(l.name))
            fold.add(ByteHash.hash(l.value))
        }
        self.init(sorted: sorted, fingerprint: fold)
    }

    /// Wraps labels already sorted, unique and non-empty, whose names' and values'
    /// hashes the caller folded (a block index keeps each symbol's hash).
    init(sorted: [Label], fingerprint fold: ByteHash.Fold) {
        assert(zip(sorted, sorted.dropFirst()).allSatisfy { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) })
        self.labels = sorted
        fingerprint = Int(truncatingIfNeeded: fold.finish())
    }

    public static let empty = Labels(sorted: [])

    public var startIndex: Int { labels.startIndex }
    public var endIndex: Int { labels.endIndex }
    public subscript(i: Int) -> Label { labels[i] }
    public func index(after i: Int) -> Int { i + 1 }

    /// The value of label `name`, or nil.
    public subscript(name: String) -> String? {
        labels.first { Label.bytesEqual($0.name, name) }?.value
    }

    /// The metric name (`__name__`), or nil.
    public var metricName: String? { self[metricNameLabel] }

    /// A copy with `name` set to `value` (removed when `value` is empty).
    public func setting(_ name: String, to value: String) -> Labels {
        // The labels are sorted: replace, insert or remove in place instead of re-sorting.
        let i = labels.firstIndex { !$0.name.utf8.lexicographicallyPrecedes(name.utf8) } ?? labels.count
        let present = i < labels.count && Label.bytesEqual(labels[i].name, name)
        var l = labels
        switch (present, value.isEmpty) {
        case (true, true): l.remove(at: i)
        case (true, false): l[i] = Label(name, value)
        case (false, false): l.insert(Label(name, value), at: i)
        case (false, true): return self
        }
        return Labels(sorted: l)
    }

    /// A copy without the named labels.
    public func removing(_ names: Set<String>) -> Labels {
        names.isEmpty ? self : removing { names.contains($0.name) }
    }

    /// A copy without the labels `drop` picks; `self`, storage and all, when it picks none.
    @inlinable
    public func removing(where drop: (Label) throws -> Bool) rethrows -> Labels {
        guard let first = try labels.firstIndex(where: drop) else { return self }
        var kept: [Label] = []
        kept.reserveCapacity(labels.count - 1)
        kept.append(contentsOf: labels[..<first])
        for l in labels[(first + 1)...] where try !drop(l) { kept.append(l) }
        return Labels(sorted: kept)
    }

    // Equality and hashing by the labels' UTF-8 bytes (see `Label`).
    public static func == (a: Labels, b: Labels) -> Bool {
        guard a.fingerprint == b.fingerprint else { return false }
        // Copies of one label set share their array: no need to compare the bytes.
        let same = a.labels.withUnsafeBufferPointer { pa in b.labels.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
        return same || a.labels == b.labels
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(fingerprint)
    }

    public static func < (a: Labels, b: Labels) -> Bool { compare(a, b) < 0 }

    /// Label by label in byte order, a prefix first: negative, zero or positive.
    public static func compare(_ a: Labels, _ b: Labels) -> Int {
        if a == b { return 0 }
        // Through buffer pointers: `zip` over the arrays retained and released both.
        return a.labels.withUnsafeBufferPointer { x in
            b.labels.withUnsafeBufferPointer { y in
                for i in 0..<Swift.min(x.count, y.count) {
                    let c = Label.compare(x[i], y[i])
                    if c != 0 { return c }
                }
                return x.count - y.count
            }
        }
    }

    /// Prometheus notation: `name{a="1", b="2"}` (quoted where a name is not a legacy identifier).
    public var description: String {
        var out = ""
        var rest = labels
        if let name = metricName, LabelNames.isLegacyMetricName(name) {
            out = name
            rest.removeAll { $0.name == metricNameLabel }
            if rest.isEmpty { return out }
        }
        out += "{"
        out += rest.map { l in
            let n = LabelNames.isLegacyLabelName(l.name) ? l.name : LabelNames.quote(l.name)
            return "\(n)=\(LabelNames.quote(l.value))"
        }.joined(separator: ", ")
        out += "}"
        return out
    }
}

/// Prometheus naming rules.
public enum LabelNames {
    /// `[a-zA-Z_:][a-zA-Z0-9_:]*`
    public static func isLegacyMetricName(_ s: String) -> Bool {
        guard let f = s.utf8.first, isAlpha(f) || f == UInt8(ascii: "_") || f == UInt8(ascii: ":") else { return false }
        return s.utf8.allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ":") }
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    public static func isLegacyLabelName(_ s: String) -> Bool {
        guard let f = s.utf8.first, isAlpha(f) || f == UInt8(ascii: "_") else { return false }
        return s.utf8.allSatisfy { isAlpha($0) || isDigit($0) || $0 == UInt8(ascii: "_") }
    }

    /// Prometheus 3 accepts any non-empty UTF-8 label name (quoted in the text formats).
    public static func isValidLabelName(_ s: String) -> Bool { !s.isEmpty }

    /// A double-quoted string with `\\`, `\"` and `\n` escaped.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    @inline(__always) static func isAlpha(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A }
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
}
