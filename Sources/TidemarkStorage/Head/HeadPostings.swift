/// The head's inverted index: label name → value → ascending series ids. Names and
/// values are keyed by their UTF-8 bytes, as labels are compared everywhere else (a
/// `String` key would merge canonically equivalent values, "é" precomposed and
/// decomposed, into one entry, and hash slower).
final class HeadPostings: PostingsIndex, @unchecked Sendable {
    typealias Key = ByteString

    private let lock = RWLock()
    private var index: [Key: [Key: [UInt64]]] = [:]
    private var all: [UInt64] = []

    func add(_ id: UInt64, _ labels: Labels) {
        lock.withWriteLock {
            Self.insertSorted(id, into: &all)
            for l in labels { Self.insertSorted(id, into: &index[Key(l.name), default: [:]][Key(l.value), default: []]) }
        }
    }

    /// Ids are usually new maxima, so this is an append in the common case.
    private static func insertSorted(_ id: UInt64, into list: inout [UInt64]) {
        if let last = list.last, last >= id {
            var lo = 0, hi = list.count
            while lo < hi { let mid = (lo + hi) / 2; if list[mid] < id { lo = mid + 1 } else { hi = mid } }
            if lo < list.count && list[lo] == id { return }
            list.insert(id, at: lo)
        } else {
            list.append(id)
        }
    }

    func remove(_ ids: Set<UInt64>, labels: [Labels]) {
        if ids.isEmpty { return }
        lock.withWriteLock {
            all.removeAll { ids.contains($0) }
            for ls in labels {
                for l in ls {
                    let (name, value) = (Key(l.name), Key(l.value))
                    index[name]?[value]?.removeAll { ids.contains($0) }
                    if index[name]?[value]?.isEmpty == true { index[name]?[value] = nil }
                    if index[name]?.isEmpty == true { index[name] = nil }
                }
            }
        }
    }

    func allPostings() -> [UInt64] { lock.withReadLock { all } }

    func labelValues(_ name: String) -> [String] {
        lock.withReadLock { (index[Key(name)].map { $0.keys.map(\.text) } ?? []) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func postings(_ name: String, _ value: String) -> [UInt64] {
        lock.withReadLock { index[Key(name)]?[Key(value)] ?? [] }
    }

    func postingsCount(_ name: String, _ value: String) -> Int {
        lock.withReadLock { index[Key(name)]?[Key(value)]?.count ?? 0 }
    }

    func labelNames() -> [String] {
        lock.withReadLock { index.keys.map(\.text) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
