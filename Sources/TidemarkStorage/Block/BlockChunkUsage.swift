import TidemarkEncoding

/// What a block's chunks hold, by chunk encoding and by metric name: the figures behind
/// `tidemark inspect --analyze` (which metrics take the space, and how well each
/// codec does on them). Bytes are the chunks' own, before page compression.
public struct BlockChunkUsage: Sendable, Equatable {
    /// Chunks, samples and chunk bytes of one kind.
    public struct Tally: Sendable, Equatable, Codable {
        public var chunks = 0
        public var samples = 0
        public var bytes = 0

        public init() {}

        /// Bits per sample (0 when there are no samples).
        public var bitsPerSample: Double { samples > 0 ? Double(bytes * 8) / Double(samples) : 0 }

        public mutating func add(_ other: Tally) {
            chunks += other.chunks
            samples += other.samples
            bytes += other.bytes
        }
    }

    /// By `ChunkEncoding.description` ("xor", "decimal", …; "unknown 0xNN" for a byte
    /// this build does not know, such as a rollup column chunk's).
    public var byEncoding: [String: Tally] = [:]
    /// By the series' `__name__` ("" for series without one).
    public var byMetric: [String: Tally] = [:]

    public init() {}

    public mutating func add(_ other: BlockChunkUsage) {
        for (k, t) in other.byEncoding { byEncoding[k, default: Tally()].add(t) }
        for (k, t) in other.byMetric { byMetric[k, default: Tally()].add(t) }
    }

    static func encodingName(_ byte: UInt8?) -> String {
        guard let byte else { return "empty" }
        return ChunkEncoding(rawValue: byte)?.description ?? "unknown 0x" + String(byte, radix: 16)
    }
}

extension BlockReader {
    /// Tallies every chunk of the block by encoding and metric name, reading each page
    /// once (without filling the page cache).
    public func chunkUsage() throws(StorageError) -> BlockChunkUsage {
        var usage = BlockChunkUsage()
        for id in 0..<UInt64(index.seriesCount) {
            let (labels, chunks) = try index.series(id)
            var tally = BlockChunkUsage.Tally()
            for c in chunks {
                let bytes = try chunkBytes(c, fillCache: false)
                var one = BlockChunkUsage.Tally()
                one.chunks = 1
                one.samples = c.samples
                one.bytes = bytes.count
                usage.byEncoding[BlockChunkUsage.encodingName(bytes.first), default: .init()].add(one)
                tally.add(one)
            }
            usage.byMetric[labels["__name__"] ?? "", default: .init()].add(tally)
        }
        return usage
    }
}
