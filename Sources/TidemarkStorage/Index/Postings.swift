/// Sorted lists of series ids (postings) and the set algebra that turns matchers into
/// them. Ids are local to one index: head series ids, or positions in a block index.
enum Postings {
    /// Intersection of two ascending lists.
    static func intersect(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(min(a.count, b.count))
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { out.append(a[i]); i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        return out
    }

    /// Union of ascending lists.
    static func merge(_ lists: [[UInt64]]) -> [UInt64] {
        if lists.isEmpty { return [] }
        if lists.count == 1 { return lists[0] }
        var all = lists.flatMap { $0 }
        all.sort()
        var out: [UInt64] = []
        out.reserveCapacity(all.count)
        for x in all where out.last != x { out.append(x) }
        return out
    }

    /// Elements of `a` not in `b`.
    static func subtract(_ a: [UInt64], _ b: [UInt64]) -> [UInt64] {
        var out: [UInt64] = []
        out.reserveCapacity(a.count)
        var j = 0
        for x in a {
            while j < b.count && b[j] < x { j += 1 }
            if j < b.count && b[j] == x { continue }
            out.append(x)
        }
        return out
    }
}

/// What an index (head or block) offers for matcher evaluation.
protocol PostingsIndex {
    /// All series ids, ascending.
    func allPostings() throws(StorageError) -> [UInt64]
    /// Values of label `name`, sorted.
    func labelValues(_ name: String) throws(StorageError) -> [String]
    /// Series with `name=value`, ascending.
    func postings(_ name: String, _ value: String) throws(StorageError) -> [UInt64]
    /// How many series have `name=value`, without reading their ids.
    func postingsCount(_ name: String, _ value: String) throws(StorageError) -> Int
}

extension PostingsIndex {
    /// At most how many series `postings(for: matchers)` returns, from list lengths alone:
    /// the smallest total over the matchers that select listed values (`=`, `=~"a|b"`)
    /// and do not match the empty value. nil when no matcher is of that kind (regexes,
    /// negative matchers, or none), since bounding those needs every label value.
    func postingsUpperBound(for matchers: [LabelMatcher]) throws(StorageError) -> Int? {
        var bound: Int?
        for m in matchers where !m.matchesEmpty {
            guard let values = m.selectedValues else { continue }
            var n = 0
            for v in values { n += try postingsCount(m.name, v) }
            bound = min(bound ?? n, n)
            if n == 0 { break }
        }
        return bound
    }

    /// Series ids matching every matcher, as Prometheus's `PostingsForMatchers` does it:
    /// matchers that do not match "" contribute the union of their values' postings to an
    /// intersection; matchers that do match "" subtract the series whose value fails them.
    func postings(for matchers: [LabelMatcher]) throws(StorageError) -> [UInt64] {
        var include: [[UInt64]] = []
        var exclude: [[UInt64]] = []
        for m in matchers {
            if m.matchesEmpty {
                // e.g. {a!="x"}, {a=~".*"}, {a=""}: drop series whose value fails the matcher.
                let failing = try labelValues(m.name).filter { !m.matches($0) }
                if !failing.isEmpty {
                    var lists: [[UInt64]] = []
                    for v in failing { lists.append(try postings(m.name, v)) }
                    exclude.append(Postings.merge(lists))
                }
            } else if let values = m.selectedValues {
                if values.count == 1 {
                    include.append(try postings(m.name, values[0]))
                } else {
                    var lists: [[UInt64]] = []
                    for v in values { lists.append(try postings(m.name, v)) }
                    include.append(Postings.merge(lists))
                }
            } else {
                var lists: [[UInt64]] = []
                for v in try labelValues(m.name) where m.matches(v) { lists.append(try postings(m.name, v)) }
                include.append(Postings.merge(lists))
            }
        }
        include.sort { $0.count < $1.count }
        var result: [UInt64]
        if let first = include.first {
            result = first
            for l in include.dropFirst() {
                if result.isEmpty { break }
                result = Postings.intersect(result, l)
            }
        } else {
            result = try allPostings()
        }
        for e in exclude where !result.isEmpty { result = Postings.subtract(result, e) }
        return result
    }
}
