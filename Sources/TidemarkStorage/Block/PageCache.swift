import Synchronization

/// Decompressed, checksum-verified chunk pages shared by all blocks of a database,
/// bounded by a byte budget and evicted least-recently-used first (LevelDB's block
/// cache, in spirit). A page is verified and decompressed once while it stays cached;
/// queries that scan many series in turn reuse it.
///
/// Thread-safe: one lock around a dictionary and an intrusive LRU list kept in arrays.
public final class PageCache: @unchecked Sendable {
    /// Which page: the block reader's id (unique per process, never reused), file and
    /// offset of the page header.
    struct Key: Hashable {
        var block: Int
        var file: Int
        var offset: Int
    }

    private struct Entry {
        var key: Key
        var page: [UInt8]
        var newer = -1
        var older = -1
    }

    /// Most bytes of page data kept.
    public let budget: Int
    private let lock = Lock()
    // `@exclusivity(unchecked)`: every access is under `lock`, and the dynamic
    // exclusivity checks Swift makes on class properties cost more than the lookup
    // (callgrind: swift_beginAccess and its bookkeeping were 4 instructions per sample of
    // a scan of cached 240-sample chunks).
    @exclusivity(unchecked) private var slots: [Key: Int] = [:]  // key → index into entries
    @exclusivity(unchecked) private var entries: [Entry] = []
    @exclusivity(unchecked) private var free: [Int] = []
    @exclusivity(unchecked) private var newest = -1
    @exclusivity(unchecked) private var oldest = -1
    @exclusivity(unchecked) private var bytes = 0
    @exclusivity(unchecked) private var hits = 0
    @exclusivity(unchecked) private var misses = 0

    private static let nextBlockID = Atomic<Int>(1)

    /// A cache holding at most `budget` bytes of pages (0 disables caching).
    public init(budget: Int) {
        self.budget = max(0, budget)
    }

    /// A fresh id for a block reader's keys.
    static func makeBlockID() -> Int { nextBlockID.add(1, ordering: .relaxed).newValue }

    /// Bytes cached, hits and misses so far.
    public var statistics: (bytes: Int, pages: Int, hits: Int, misses: Int) {
        lock.withLock { (bytes, slots.count, hits, misses) }
    }

    /// The cached page for `key`, made the most recently used.
    func page(_ key: Key) -> [UInt8]? {
        lock.withLock {
            guard let i = slots[key] else {
                misses += 1
                return nil
            }
            hits += 1
            unlink(i)
            pushNewest(i)
            return entries[i].page
        }
    }

    /// Caches `page` under `key`, evicting the least recently used pages beyond the budget.
    func insert(_ key: Key, _ page: [UInt8]) {
        guard page.count <= budget else { return }
        lock.withLock {
            guard slots[key] == nil else { return }
            let i: Int
            if let f = free.popLast() {
                i = f
                entries[i] = Entry(key: key, page: page)
            } else {
                i = entries.count
                entries.append(Entry(key: key, page: page))
            }
            slots[key] = i
            pushNewest(i)
            bytes += page.count
            while bytes > budget, oldest >= 0 { evict(oldest) }
        }
    }

    /// Drops every page of one block (its reader is going away).
    func removeAll(block: Int) {
        lock.withLock {
            for (key, i) in slots where key.block == block { evict(i) }
        }
    }

    private func evict(_ i: Int) {
        unlink(i)
        slots[entries[i].key] = nil
        bytes -= entries[i].page.count
        entries[i].page = []
        free.append(i)
    }

    private func unlink(_ i: Int) {
        let (newer, older) = (entries[i].newer, entries[i].older)
        if newer >= 0 { entries[newer].older = older } else { newest = older }
        if older >= 0 { entries[older].newer = newer } else { oldest = newer }
        entries[i].newer = -1
        entries[i].older = -1
    }

    private func pushNewest(_ i: Int) {
        entries[i].older = newest
        entries[i].newer = -1
        if newest >= 0 { entries[newest].newer = i }
        newest = i
        if oldest < 0 { oldest = i }
    }
}
