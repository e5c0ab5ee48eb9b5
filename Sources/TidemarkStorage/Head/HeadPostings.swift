/// The head's inverted index: label name → value → ascending series ids.
final class HeadPostings: PostingsIndex, @unchecked Sendable {
    private let lock = RWLock()
    private var index: [String: [String: [UInt64]]] = [:]
    private var all: [UInt64] = []

    func add(_ id: UInt64, _ labels: Labels) {
        lock.withWriteLock {
            Self.insertSorted(id, into: &all)
            for l in labels { Self.insertSorted(id, into: &index[l.name, default: [:]][l.value, default: []]) }
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
                    index[l.name]?[l.value]?.removeAll { ids.contains($0) }
                    if index[l.name]?[l.value]?.isEmpty == true { index[l.name]?[l.value] = nil }
                    if index[l.name]?.isEmpty == true { index[l.name] = nil }
                }
            }
        }
    }

    func allPostings() -> [UInt64] { lock.withReadLock { all } }

    func labelValues(_ name: String) -> [String] {
        lock.withReadLock { (index[name].map { Array($0.keys) } ?? []) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    func postings(_ name: String, _ value: String) -> [UInt64] {
        lock.withReadLock { index[name]?[value] ?? [] }
    }

    func labelNames() -> [String] {
        lock.withReadLock { Array(index.keys) }.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }
}
