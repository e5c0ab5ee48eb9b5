/// The head's `Appender`: buffers a batch and hands it to `Head.commit`.
final class HeadAppender: Appender {
    private let head: Head
    private let minValidTime: Int64
    private var batch: [PendingSample] = []
    /// Last timestamp and value bits per series within this batch.
    private var lastInBatch: [UInt64: (time: Int64, bits: UInt64)] = [:]
    private var closed = false

    init(head: Head, minValidTime: Int64) {
        self.head = head
        self.minValidTime = minValidTime
    }

    @discardableResult
    func append(_ labels: Labels, _ timestamp: Int64, _ value: Double) throws(StorageError) -> SeriesRef {
        guard !closed else { throw .appenderClosed }
        guard !labels.isEmpty else { throw .invalidLabels("empty label set") }
        let (series, created) = head.series.getOrCreate(labels)
        if created { head.postings.add(series.id, series.labels) }
        try add(series, timestamp, value)
        return SeriesRef(id: series.id)
    }

    func append(_ ref: SeriesRef, _ timestamp: Int64, _ value: Double) throws(StorageError) {
        guard !closed else { throw .appenderClosed }
        guard let series = head.series.get(ref.id) else { throw .unknownSeriesRef(ref.id) }
        try add(series, timestamp, value)
    }

    private func add(_ series: MemSeries, _ t: Int64, _ v: Double) throws(StorageError) {
        if t < minValidTime {
            throw .outOfBounds(series: series.labels.description, timestamp: t, minValid: minValidTime)
        }
        if let last = lastInBatch[series.id] ?? series.lastSample() {
            if t < last.time { throw .outOfOrderSample(series: series.labels.description, last: last.time, got: t) }
            if t == last.time {
                if v.bitPattern == last.bits { return }  // an exact repeat is ignored, as in Prometheus
                throw .duplicateSampleForTimestamp(series: series.labels.description, timestamp: t)
            }
        }
        lastInBatch[series.id] = (t, v.bitPattern)
        batch.append(PendingSample(series: series, t: t, v: v))
    }

    func commit() throws(StorageError) {
        guard !closed else { throw .appenderClosed }
        closed = true
        try head.commit(batch)
        batch = []
    }

    func rollback() {
        closed = true
        batch = []
    }
}
