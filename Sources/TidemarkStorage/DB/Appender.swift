/// A cheap handle to a series, returned by `Appender.append(_:_:_:)`, so later samples
/// of the same series skip the label lookup. Valid for the `DB` that returned it, for
/// that database's lifetime. Equality and hashing use `id` alone.
public struct SeriesRef: Hashable, Sendable {
    public let id: UInt64
    /// The head series itself, so appending by reference needs no lookup.
    let series: MemSeries?

    public init(id: UInt64) {
        self.id = id
        self.series = nil
    }

    init(_ series: MemSeries) {
        self.id = series.id
        self.series = series
    }

    /// The series' labels, when the ref came from an appender (nil for `SeriesRef(id:)`).
    public var labels: Labels? { series?.labels }

    public static func == (a: SeriesRef, b: SeriesRef) -> Bool { a.id == b.id }
    public func hash(into h: inout Hasher) { h.combine(id) }
}

/// Adds samples in a batch. Nothing is visible or durable until `commit()` returns;
/// `rollback()` discards the batch. An appender is used from one thread at a time and
/// not reused after commit or rollback; create one per batch (they are cheap), from as
/// many threads as you like.
public protocol Appender: AnyObject {
    /// Adds a sample to the series with these labels, creating the series if needed.
    /// Throws at once for an out-of-order, duplicate or too-old sample.
    ///
    /// `startTimestamp` is the sample's start time (ms), if known: when a cumulative
    /// counter last started from zero, or where a delta sample's interval begins. It is
    /// stored with the sample and read back by `SeriesIterator.startTimestamp`; the
    /// query engine uses it to find counter resets (docs/promql.md).
    @discardableResult
    func append(_ labels: Labels, _ timestamp: Int64, _ value: Double, startTimestamp: Int64?) throws(StorageError) -> SeriesRef

    /// Adds a sample to a series by a reference returned earlier.
    func append(_ ref: SeriesRef, _ timestamp: Int64, _ value: Double, startTimestamp: Int64?) throws(StorageError)

    /// Writes the batch to the WAL (synced per the sync policy), then makes it visible.
    /// Samples that became invalid since they were added (another appender committed a
    /// later sample for the same series first) are dropped and counted.
    func commit() throws(StorageError)

    /// Discards the batch.
    func rollback()
}

extension Appender {
    /// Adds a sample without a start timestamp (see `append(_:_:_:startTimestamp:)`).
    @discardableResult
    public func append(_ labels: Labels, _ timestamp: Int64, _ value: Double) throws(StorageError) -> SeriesRef {
        try append(labels, timestamp, value, startTimestamp: nil)
    }

    /// Adds a sample without a start timestamp to a series by reference.
    public func append(_ ref: SeriesRef, _ timestamp: Int64, _ value: Double) throws(StorageError) {
        try append(ref, timestamp, value, startTimestamp: nil)
    }
}
