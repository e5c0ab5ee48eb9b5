/// Time-major sample stream of a `NodeWorkload`: for each scrape round, each host (in
/// scrape-phase order) gets one step of its models and yields its 41 samples, all with
/// that scrape's timestamp. Memory: one model state per host, no sample arrays.
///
/// Timestamps increase strictly per series. Across hosts the stream is in time order
/// except where two hosts' phases are within the jitter of each other.
public struct NodeWorkloadIterator: IteratorProtocol {
    private let workload: NodeWorkload
    private var models: [HostModel]
    private var values: [Double]
    private var scrape = 0
    private var position = -1          // index into scrapeOrder
    private var slot = NodeWorkload.seriesPerHost
    private var host = 0
    private var timestamp: Int64 = 0

    init(_ workload: NodeWorkload) {
        self.workload = workload
        let interval = Double(workload.configuration.interval) / 1000
        models = workload.traits.map { HostModel(traits: $0, seed: workload.configuration.seed, intervalSeconds: interval) }
        values = [Double](repeating: 0, count: NodeWorkload.seriesPerHost)
    }

    public mutating func next() -> WorkloadSample? {
        if slot == NodeWorkload.seriesPerHost {
            guard !models.isEmpty, scrape < workload.configuration.scrapes else { return nil }
            position += 1
            if position == models.count {
                position = 0
                scrape += 1
                guard scrape < workload.configuration.scrapes else { return nil }
            }
            host = workload.scrapeOrder[position]
            values.withUnsafeMutableBufferPointer { models[host].step($0.baseAddress!) }
            timestamp = workload.timestamp(host: host, scrape: scrape)
            slot = 0
        }
        defer { slot += 1 }
        return WorkloadSample(series: host * NodeWorkload.seriesPerHost + slot, timestamp: timestamp, value: values[slot])
    }
}
