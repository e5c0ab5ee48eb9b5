/// The head's `Appender`: buffers a batch and hands it to `Head.commit`.
final class HeadAppender: Appender {
    private let head: Head
    private let minValidTime: Int64
    private var batch: [PendingSample] = []
    /// Identifies this appender's pending samples on the series it touches.
    private let token = HeadAppender.nextToken()
    private var closed = false

    init(head: Head, minValidTime: Int64) {
        self.head = head
        self.minValidTime = minValidTime
    }

    private static let tokenLock = Lock()
    nonisolated(unsafe) private static var lastToken: UInt64 = 0
    private static func nextToken() -> UInt64 {
        tokenLock.withLock {
            lastToken += 1
            return lastToken
        }
    }

    @discardableResult
    func append(_ labels: Labels, _ timestamp: Int64, _ value: Double, startTimestamp: Int64?) throws(StorageError) -> SeriesRef {
        guard !closed else { throw .appenderClosed }
        guard !labels.isEmpty else { throw .invalidLabels("empty label set") }
        let (series, created) = head.series.getOrCreate(labels)
        if created { head.postings.add(series.id, series.labels) }
        try add(series, timestamp, value, startTimestamp)
        return SeriesRef(series)
    }

    func append(_ ref: SeriesRef, _ timestamp: Int64, _ value: Double, startTimestamp: Int64?) throws(StorageError) {
        guard !closed else { throw .appenderClosed }
        guard let series = ref.series ?? head.series.get(ref.id) else { throw .unknownSeriesRef(ref.id) }
        try add(series, timestamp, value, startTimestamp)
    }

    private func add(_ series: MemSeries, _ t: Int64, _ v: Double, _ st: Int64?) throws(StorageError) {
        if t < minValidTime {
            throw .outOfBounds(series: series.labels.description, timestamp: t, minValid: minValidTime)
        }
        switch series.stage(t, v.bitPattern, token: token) {
        case .accepted: break
        case .repeated: return  // an exact repeat is ignored, as in Prometheus
        case .outOfOrder(let last):
            throw .outOfOrderSample(series: series.labels.description, last: last, got: t)
        case .duplicate:
            throw .duplicateSampleForTimestamp(series: series.labels.description, timestamp: t)
        }
        batch.append(PendingSample(series: series, t: t, v: v, st: st))
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
