import TidemarkRemoteWrite
import TidemarkWorkloads

/// Remote write 1.0 bodies as Prometheus sends them: one `TimeSeries` per sample (its
/// full label set, one sample), `batch` samples per `WriteRequest`, protobuf then snappy
/// (block format).
struct RemoteWriteBodyEncoder: BodyEncoder {
    /// Labels of each series of the workload, in remote-write form (sorted by name).
    let labels: [[WriteRequest.Label]]
    let batch: Int
    private var pending: [WriteRequest.TimeSeries] = []

    init(labels: [[WriteRequest.Label]], batch: Int) {
        self.labels = labels
        self.batch = batch
        pending.reserveCapacity(batch)
    }

    /// One encoder per shard over `workload`'s series (the label arrays are shared).
    static func shards(_ workload: any BenchWorkload, count: Int, batch: Int) -> [Self] {
        let labels = workload.labels.map { $0.map { WriteRequest.Label($0.name, $0.value) } }
        return (0..<count).map { _ in Self(labels: labels, batch: batch) }
    }

    mutating func add(_ s: WorkloadSample) -> PreparedBody? {
        pending.append(.init(labels: labels[s.series], samples: [.init(value: s.value, timestamp: s.timestamp)]))
        return pending.count >= batch ? flush() : nil
    }

    mutating func flush() -> PreparedBody? {
        guard !pending.isEmpty else { return nil }
        defer { pending.removeAll(keepingCapacity: true) }
        return PreparedBody(bytes: Snappy.compress(WriteRequest(timeseries: pending).serialized()), samples: pending.count)
    }
}
