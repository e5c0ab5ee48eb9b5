/// The head's series, found by label set or by id. Striped so that appenders creating
/// or looking up different series rarely contend on one lock.
final class HeadSeriesMap: @unchecked Sendable {
    private static let stripeCount = 64

    /// One stripe: its own lock and maps (a class, so stripes never share storage).
    private final class Stripe: @unchecked Sendable {
        let lock = Lock()
        var byLabels: [Labels: MemSeries] = [:]
        var byID: [UInt64: MemSeries] = [:]
    }

    private let stripes = (0..<HeadSeriesMap.stripeCount).map { _ in Stripe() }
    private let idLock = Lock()
    private var nextID: UInt64 = 1

    @inline(__always) private func stripe(_ labels: Labels) -> Stripe {
        stripes[Int(UInt(bitPattern: labels.hashValue) % UInt(Self.stripeCount))]
    }

    @inline(__always) private func stripe(_ id: UInt64) -> Stripe { stripes[Int(id % UInt64(Self.stripeCount))] }

    /// The series with these labels, created with a fresh id if new.
    func getOrCreate(_ labels: Labels) -> (series: MemSeries, created: Bool) {
        let s = stripe(labels)
        if let found = s.lock.withLock({ s.byLabels[labels] }) { return (found, false) }
        let id = idLock.withLock { () -> UInt64 in
            defer { nextID += 1 }
            return nextID
        }
        let candidate = MemSeries(id: id, labels: labels)
        let (series, created) = s.lock.withLock { () -> (MemSeries, Bool) in
            if let raced = s.byLabels[labels] { return (raced, false) }
            s.byLabels[labels] = candidate
            return (candidate, true)
        }
        if created {
            let i = stripe(id)
            i.lock.withLock { i.byID[id] = series }
        }
        return (series, created)
    }

    /// Registers a series with a known id (WAL replay). If the labels are already present
    /// under another id, the id becomes an alias of the existing series.
    func insert(id: UInt64, labels: Labels) -> MemSeries {
        let s = stripe(labels)
        let series = s.lock.withLock { () -> MemSeries in
            if let existing = s.byLabels[labels] { return existing }
            let m = MemSeries(id: id, labels: labels)
            s.byLabels[labels] = m
            return m
        }
        let i = stripe(id)
        i.lock.withLock { i.byID[id] = series }
        idLock.withLock { nextID = max(nextID, id + 1) }
        return series
    }

    func get(_ id: UInt64) -> MemSeries? {
        let i = stripe(id)
        return i.lock.withLock { i.byID[id] }
    }

    func get(_ labels: Labels) -> MemSeries? {
        let s = stripe(labels)
        return s.lock.withLock { s.byLabels[labels] }
    }

    /// Removes series; the caller has decided they are empty.
    func remove(_ series: [MemSeries]) {
        for m in series {
            let s = stripe(m.labels)
            s.lock.withLock { if s.byLabels[m.labels] === m { s.byLabels[m.labels] = nil } }
            let i = stripe(m.id)
            i.lock.withLock { if i.byID[m.id] === m { i.byID[m.id] = nil } }
        }
    }

    /// A snapshot of every series.
    func all() -> [MemSeries] {
        var out: [MemSeries] = []
        for s in stripes { s.lock.withLock { out.append(contentsOf: s.byLabels.values) } }
        return out
    }

    var count: Int { stripes.reduce(0) { n, s in n + s.lock.withLock { s.byLabels.count } } }
}
