import Foundation

/// One `delete_series` request: every sample in [mint, maxt] of every series the
/// matchers select is deleted.
public struct Deletion: Sendable, Equatable {
    public var matchers: [LabelMatcher]
    public var mint: Int64
    public var maxt: Int64

    public init(matchers: [LabelMatcher], mint: Int64, maxt: Int64) {
        self.matchers = matchers
        self.mint = mint
        self.maxt = maxt
    }

    func matches(_ labels: Labels) -> Bool {
        matchers.allSatisfy { $0.matches(labels[$0.name] ?? "") }
    }
}

/// The database's pending deletions ("tombstones"), kept in `tombstones.json` in the
/// data directory until compaction has removed the data they cover.
///
/// Queries hide the deleted samples at once; merges and head → block writes leave them
/// out; `DB.cleanTombstones()` rewrites every block that still holds some and then
/// forgets the deletions that no longer cover any data. A deletion's upper bound is
/// clamped to the newest sample when it is made, so samples appended later are never
/// hidden by it (Prometheus's tombstones behave the same way for data that exists).
///
/// The file is replaced atomically (written aside, fsynced, renamed), so a crash leaves
/// the old or the new list, never a torn one.
final class TombstoneStore: @unchecked Sendable {
    private let path: String
    private let lock = Lock()
    private var deletions: [Deletion] = []

    init(directory: String) throws(StorageError) {
        path = directory + "/tombstones.json"
        guard FileIO.exists(path) else { return }
        let bytes = try FileIO.readFile(path)
        do {
            let entries = try JSONDecoder().decode([Entry].self, from: Data(bytes))
            deletions = try entries.map { e throws in
                Deletion(matchers: try e.matchers.map { m throws in
                    guard let kind = LabelMatcher.Kind(rawValue: m.op) else {
                        throw StorageError.corrupt(path: path, offset: 0, reason: "unknown matcher operator \(m.op)")
                    }
                    return try LabelMatcher(kind, m.name, m.value)
                }, mint: e.mint, maxt: e.maxt)
            }
        } catch let e as StorageError {
            throw e
        } catch {
            throw .corrupt(path: path, offset: 0, reason: "tombstones.json is not valid: \(error)")
        }
    }

    /// The deletions in force.
    var all: [Deletion] { lock.withLock { deletions } }

    var isEmpty: Bool { lock.withLock { deletions.isEmpty } }

    func add(_ d: Deletion) throws(StorageError) {
        try lock.withLock { () throws(StorageError) in
            var next = deletions
            next.append(d)
            try write(next)
            deletions = next
        }
    }

    /// Keeps only the deletions `keep` accepts.
    func retain(_ keep: (Deletion) -> Bool) throws(StorageError) {
        try lock.withLock { () throws(StorageError) in
            let next = deletions.filter(keep)
            guard next.count != deletions.count else { return }
            try write(next)
            deletions = next
        }
    }

    /// The deleted time ranges of the series with `labels`, merged and sorted; empty for
    /// most series.
    func intervals(for labels: Labels) -> [ClosedRange<Int64>] {
        let ds = lock.withLock { deletions }
        guard !ds.isEmpty else { return [] }
        return Self.merge(ds.filter { $0.matches(labels) }.map { $0.mint...$0.maxt })
    }

    static func merge(_ ranges: [ClosedRange<Int64>]) -> [ClosedRange<Int64>] {
        var out: [ClosedRange<Int64>] = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            // `.max` first: `upperBound + 1` would overflow.
            if let last = out.last, last.upperBound == .max || r.lowerBound <= last.upperBound + 1 {
                out[out.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
            } else {
                out.append(r)
            }
        }
        return out
    }

    private func write(_ ds: [Deletion]) throws(StorageError) {
        let entries = ds.map { d in
            Entry(matchers: d.matchers.map { .init(name: $0.name, op: $0.kind.rawValue, value: $0.value) }, mint: d.mint, maxt: d.maxt)
        }
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let data = try? enc.encode(entries) else {
            throw .corrupt(path: path, offset: 0, reason: "cannot encode tombstones")
        }
        try FileIO.writeFileAtomically(path, Array(data))
    }

    private struct Entry: Codable {
        struct Matcher: Codable {
            var name: String
            var op: String
            var value: String
        }
        var matchers: [Matcher]
        var mint: Int64
        var maxt: Int64
    }
}

/// True if `t` lies in one of `sorted` (merged, ascending) ranges.
@inline(__always)
func isDeleted(_ t: Int64, _ sorted: [ClosedRange<Int64>]) -> Bool {
    for r in sorted {
        if t < r.lowerBound { return false }
        if t <= r.upperBound { return true }
    }
    return false
}
