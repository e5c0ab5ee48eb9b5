import TidemarkStorage
import TidemarkWorkloads

/// `/api/v1/import/prometheus` bodies: Prometheus text, one line per sample with its
/// millisecond timestamp, cut at the first line end at or past `chunkBytes`.
struct ImportBodyEncoder: BodyEncoder {
    /// Each series' `name{labels}` text, rendered once.
    let seriesTexts: [[UInt8]]
    let chunkBytes: Int
    private var writer: ExpositionWriter
    private var samples = 0

    init(seriesTexts: [[UInt8]], chunkBytes: Int) {
        self.seriesTexts = seriesTexts
        self.chunkBytes = chunkBytes
        writer = ExpositionWriter(format: .prometheusText, reserveCapacity: chunkBytes + 4096)
    }

    /// One encoder per shard over `workload`'s series (the texts are shared).
    static func shards(_ workload: any BenchWorkload, count: Int, chunkBytes: Int) -> [Self] {
        let texts = workload.labels.map { ExpositionWriter.seriesText($0) }
        return (0..<count).map { _ in Self(seriesTexts: texts, chunkBytes: chunkBytes) }
    }

    mutating func add(_ s: WorkloadSample) -> PreparedBody? {
        writer.write(seriesText: seriesTexts[s.series], timestamp: s.timestamp, value: s.value)
        samples += 1
        return writer.output.count >= chunkBytes ? flush() : nil
    }

    mutating func flush() -> PreparedBody? {
        guard samples > 0 else { return nil }
        defer { samples = 0 }
        return PreparedBody(bytes: writer.takeOutput(), samples: samples)
    }
}
