/// Finds head series by the bytes a client encoded their labels in (the label fields of
/// a remote-write `TimeSeries`), so that a receiver seeing the same bytes again appends
/// by `SeriesRef`, without building, validating, sorting or hashing a label set.
///
/// The caller decides what the bytes mean and inserts a series only after resolving the
/// bytes to labels the ordinary way; equal bytes must always mean equal labels. Keys are
/// compared byte for byte: the hash only picks the slot.
///
/// An entry is trusted only while its series is in the head. A series that head
/// truncation removed (every sample persisted and nothing new since) is a miss, so the
/// caller resolves its labels again and gets the series the head has now; removed
/// series are swept out after each truncation, so the cache keeps none alive.
/// `DB.deleteSeries` leaves series in the head (it records tombstones that queries and
/// compaction apply), so its entries stay right.
///
/// Memory is bounded by `capacityBytes` (keys plus slots): a stripe that would grow past
/// its share starts over empty. Thread-safe; striped so concurrent requests rarely wait.
public final class SeriesBytesCache: @unchecked Sendable {
    private static let stripeBits = 4
    private let head: Head
    private let stripes: [SeriesBytesStripe]

    /// A cache for `db`'s head, holding at most about `capacityBytes`.
    public init(_ db: DB, capacityBytes: Int = 128 << 20) {
        head = db.head
        let share = max(4096, capacityBytes >> Self.stripeBits)
        stripes = (0..<(1 << Self.stripeBits)).map { _ in SeriesBytesStripe(capacityBytes: share) }
    }

    /// The series these bytes were inserted with, if it is still in the head.
    public func lookup(_ key: UnsafeRawBufferPointer) -> SeriesRef? {
        let h = ByteHash.hash(key)
        let s = stripe(h)
        let removals = head.removals.load(ordering: .acquiring)
        return s.lock.withLock {
            if s.sweptAt != removals { s.sweep(at: removals) }
            guard let series = s.find(key, hash: h), !series.removed else { return nil }
            return SeriesRef(series)
        }
    }

    /// Remembers that these bytes name `ref`'s series (replacing an earlier entry). A ref
    /// that does not carry its head series (`SeriesRef(id:)`) is not stored.
    public func insert(_ key: UnsafeRawBufferPointer, _ ref: SeriesRef) {
        guard let series = ref.series, !series.removed else { return }
        let h = ByteHash.hash(key)
        let s = stripe(h)
        s.lock.withLock { s.insert(key, hash: h, series) }
    }

    /// Entries held.
    public var count: Int { stripes.reduce(0) { n, s in n + s.lock.withLock { s.count } } }

    /// Bytes held (keys plus slots).
    public var bytes: Int { stripes.reduce(0) { n, s in n + s.lock.withLock { s.bytes } } }

    @inline(__always) private func stripe(_ hash: UInt64) -> SeriesBytesStripe {
        // The top bits pick the stripe; the stripe's table uses the low bits.
        stripes[Int(truncatingIfNeeded: hash >> UInt64(64 - Self.stripeBits))]
    }
}
