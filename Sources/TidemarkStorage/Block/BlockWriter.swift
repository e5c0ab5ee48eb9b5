import TidemarkEncoding

/// Writes one block: `chunks/`, `index` and `meta.json` in a temporary directory, all
/// fsynced, then renamed into place. A crash at any point leaves either no block or a
/// complete one (leftover `*.tmp` directories are deleted when the database opens).
struct BlockWriter {
    let parent: String
    let ulid: String
    let minTime: Int64
    let maxTime: Int64
    let source: String
    /// "raw", or a rollup resolution such as "5m" (docs/format/rollup.md).
    let resolution: String
    private let tmpDir: String
    private var pages: ChunkPageWriter
    private var index = BlockIndexWriter()
    private var samples = 0
    private var chunkCount = 0
    private var lastLabels: Labels?

    /// What a merged block replaced (meta.json's `compaction`).
    let compaction: BlockMeta.Compaction?
    /// Joins a series' small adjacent chunks (raw blocks; nil keeps chunks as given).
    private let coalescer: ChunkCoalescer?

    /// Starts a block covering [minTime, maxTime) under `parent`. In a raw block a
    /// series' adjacent chunks are joined up to `samplesPerChunk` samples
    /// (`ChunkCoalescer`); nil writes chunks as they are given.
    init(parent: String, minTime: Int64, maxTime: Int64, source: String,
         resolution: String = "raw", compaction: BlockMeta.Compaction? = nil,
         samplesPerChunk: Int? = nil) throws(StorageError) {
        self.compaction = compaction
        self.coalescer = resolution == "raw" ? samplesPerChunk.map { ChunkCoalescer(limit: $0) } : nil
        self.parent = parent
        self.ulid = ULID.make()
        self.minTime = minTime
        self.maxTime = maxTime
        self.source = source
        self.resolution = resolution
        self.tmpDir = parent + "/" + ulid + ".tmp"
        try FileIO.makeDirectory(tmpDir)
        pages = try ChunkPageWriter(directory: tmpDir + "/chunks")
    }

    /// Adds a series with its chunks (time-ordered). Series must come in label order; a
    /// series with no chunks is skipped.
    mutating func add(_ labels: Labels, chunks given: [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)]) throws(StorageError) {
        guard !given.isEmpty else { return }
        // Blocks are written once and read many times: each chunk goes in its smallest
        // codec (decimal chunks are also several times faster to decode).
        let chunks = coalescer?.coalesce(given) ?? given.map(ChunkCoalescer.smallest)
        precondition(lastLabels.map { $0 < labels } ?? true, "BlockWriter: series out of order")
        lastLabels = labels
        var indices: [Int] = []
        for c in chunks {
            indices.append(try pages.add(c.bytes, minTime: c.minTime, maxTime: c.maxTime, samples: c.samples))
            samples += c.samples
        }
        chunkCount += chunks.count
        pendingSeries.append((labels, indices))
    }

    private var pendingSeries: [(Labels, [Int])] = []

    var isEmpty: Bool { pendingSeries.isEmpty }

    /// Finishes the block and moves it into place; returns its meta.
    mutating func finish() throws(StorageError) -> BlockMeta {
        try pages.finish()
        for (labels, indices) in pendingSeries { index.add(labels, chunks: indices.map { pages.metas[$0] }) }
        try FileIO.writeFileAtomically(tmpDir + "/index", index.encoded())
        let meta = BlockMeta(
            ulid: ulid, minTime: minTime, maxTime: maxTime,
            stats: .init(numSeries: index.seriesCount, numChunks: chunkCount, numSamples: samples, numPages: pages.pages),
            version: BlockMeta.currentVersion, resolution: resolution, source: source, compaction: compaction)
        try FileIO.writeFileAtomically(tmpDir + "/meta.json", meta.encoded())
        try FileIO.syncDirectory(tmpDir)
        try FileIO.check(rename(tmpDir, parent + "/" + ulid), "rename", tmpDir)
        try FileIO.syncDirectory(parent)
        return meta
    }

    /// Removes the temporary directory of an abandoned block.
    func abandon() {
        try? FileIO.removeTree(tmpDir)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
