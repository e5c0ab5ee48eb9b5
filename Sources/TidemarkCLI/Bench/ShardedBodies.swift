import TidemarkWorkloads

/// One HTTP request body, encoded before the clock starts.
struct PreparedBody: Sendable {
    var bytes: [UInt8]
    /// Samples it carries.
    var samples: Int
}

/// Turns samples into request bodies for one endpoint (remote write, text import).
protocol BodyEncoder {
    /// Adds one sample; returns a body when this one filled it.
    mutating func add(_ sample: WorkloadSample) -> PreparedBody?
    /// The last, partly filled body, if any.
    mutating func flush() -> PreparedBody?
}

/// The workload's samples as request bodies per connection, split the way Prometheus's
/// remote-write shards split them: each series belongs to one shard (series index modulo
/// the shard count, where Prometheus hashes the labels), and each shard batches its own
/// series' samples in time order, so no connection ever sends a series' samples out of
/// order. Bodies are prepared in waves of at most about `budget` bytes, which bounds
/// memory on large workloads; each wave is encoded completely before it is sent.
struct ShardedBodies<Encoder: BodyEncoder> {
    private let samples: AnyIterator<WorkloadSample>
    private var encoders: [Encoder]
    private let budget: Int
    private var finished = false

    init(_ workload: any BenchWorkload, encoders: [Encoder], budget: Int) {
        samples = workload.makeSamples()
        self.encoders = encoders
        self.budget = budget
    }

    /// The next wave: bodies per shard, in sending order; nil when everything was prepared.
    mutating func nextWave() -> [[PreparedBody]]? {
        guard !finished else { return nil }
        var wave = [[PreparedBody]](repeating: [], count: encoders.count)
        var bytes = 0
        while bytes < budget {
            guard let s = samples.next() else {
                for i in encoders.indices {
                    if let b = encoders[i].flush() { wave[i].append(b) }
                }
                finished = true
                break
            }
            let shard = s.series % encoders.count
            if let b = encoders[shard].add(s) {
                wave[shard].append(b)
                bytes += b.bytes.count
            }
        }
        return wave.allSatisfy(\.isEmpty) ? nil : wave
    }
}
