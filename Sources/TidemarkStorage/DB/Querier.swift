import TidemarkEncoding
/// Reads series by label matchers. A querier sees a consistent snapshot of the blocks
/// that existed when it was created, plus the head as it is when `select` runs.
public protocol Querier {
    /// Series that match every matcher and have samples in [mint, maxt], sorted by labels.
    func select(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws(StorageError) -> [Series]

    /// Label names of series that match (all series if `matchers` is empty), sorted.
    func labelNames(_ matchers: [LabelMatcher]) throws(StorageError) -> [String]

    /// Values of label `name` among series that match, sorted.
    func labelValues(_ name: String, _ matchers: [LabelMatcher]) throws(StorageError) -> [String]

    /// At most how many series `select(matchers, mint:, maxt:)` (or a rollup select with
    /// the same matchers) returns, from postings list lengths alone: no series is read.
    /// nil when the matchers give no cheap bound (only regexes or negative matchers).
    /// Lets a caller tell a small query from a large one before reading anything.
    func seriesUpperBound(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws(StorageError) -> Int?
}

extension Querier {
    /// No bound known (queriers that cannot count postings cheaply).
    public func seriesUpperBound(_ matchers: [LabelMatcher], mint: Int64, maxt: Int64) throws(StorageError) -> Int? { nil }
}

/// One series of a `select` result: its labels and the chunks holding its samples.
/// Samples are decoded lazily by `makeIterator()`.
public struct Series: Sendable {
    public let labels: Labels
    /// Chunks overlapping the selected range, sorted by start time (they may overlap
    /// when blocks do; the iterator merges and de-duplicates).
    public let chunks: [ChunkHandle]
    public let minTime: Int64
    public let maxTime: Int64

    /// Time ranges deleted by `DB.deleteSeries` and not yet compacted away (sorted,
    /// merged); the iterator skips samples in them.
    let deleted: [ClosedRange<Int64>]

    init(labels: Labels, chunks: [ChunkHandle], minTime: Int64, maxTime: Int64, deleted: [ClosedRange<Int64>] = []) {
        self.labels = labels
        self.chunks = chunks.sorted { $0.minTime < $1.minTime }
        self.minTime = minTime
        self.maxTime = maxTime
        self.deleted = deleted
    }

    /// An iterator over the series' samples in [minTime, maxTime], in time order, less
    /// deleted ranges.
    public func makeIterator() -> SeriesIterator {
        SeriesIterator(chunks: chunks, mint: minTime, maxt: maxTime, deleted: deleted)
    }

    /// Every sample, decoded (convenience for tests and small reads).
    public func samples() throws(StorageError) -> [Sample] {
        var it = makeIterator()
        var out: [Sample] = []
        while it.next() { out.append(Sample(it.timestamp, it.value)) }
        if let e = it.error { throw e }
        return out
    }

    /// Every sample's start timestamp (nil where a sample has none), parallel to
    /// `samples()`.
    public func startTimestamps() throws(StorageError) -> [Int64?] {
        var it = makeIterator()
        var out: [Int64?] = []
        while it.next() { out.append(it.startTimestamp) }
        if let e = it.error { throw e }
        return out
    }
}

/// A sample: milliseconds since the Unix epoch and a value. Equality compares the
/// value's bits, so NaN payloads and −0.0 are distinguished.
public struct Sample: Sendable, Equatable, CustomStringConvertible {
    public var timestamp: Int64
    public var value: Double

    public init(_ timestamp: Int64, _ value: Double) {
        self.timestamp = timestamp
        self.value = value
    }

    public static func == (a: Sample, b: Sample) -> Bool {
        a.timestamp == b.timestamp && a.value.bitPattern == b.value.bitPattern
    }

    public var description: String { "\(value) @\(timestamp)" }
}

/// Where a chunk's bytes live: in the head's memory or in a block's chunk file.
public struct ChunkHandle: Sendable {
    public let minTime: Int64
    public let maxTime: Int64
    enum Source: Sendable {
        case memory([UInt8])
        case block(BlockReader, BlockChunkMeta)
    }
    let source: Source

    /// Where the chunk lives, for error messages.
    var location: String {
        switch source {
        case .memory: return "head chunk"
        case .block(let reader, let meta): return "\(reader.directory)/chunks/\(meta.file) page at \(meta.pageOffset)"
        }
    }

    /// Samples in the chunk when known without decoding (block chunks), else nil.
    var knownSampleCount: Int? {
        if case .block(_, let meta) = source { return meta.samples }
        return nil
    }

    /// An iterator over the chunk, reading a block chunk in place in its page.
    func iterator() throws -> ChunkIterator {
        switch source {
        case .memory(let b): return try ChunkIterator(b)
        case .block(let reader, let meta):
            let (page, range) = try reader.chunkInPage(meta)
            return try ChunkIterator(page, start: range.lowerBound, end: range.upperBound)
        }
    }

    /// Appends every sample of the chunk to `buffer` (those before `from` may be left
    /// out), decoding a block chunk in place in its page. Throws if the chunk cannot be
    /// read or its header is damaged; returns the error of a damaged column, after
    /// appending the samples before it.
    func decode(appendingTo buffer: SampleBuffer, from: Int64 = .min) throws -> ChunkError? {
        switch source {
        case .memory(let b): return try buffer.append(chunk: b, from: from)
        case .block(let reader, let meta):
            let (page, range) = try reader.chunkInPage(meta)
            return try buffer.append(chunk: page, start: range.lowerBound, end: range.upperBound, from: from)
        }
    }

    /// The encoded chunk.
    func load() throws(StorageError) -> [UInt8] {
        switch source {
        case .memory(let b): return b
        case .block(let reader, let meta): return try reader.chunkBytes(meta)
        }
    }
}

/// Something that hands out queriers: the storage boundary the query engine sees.
public protocol Queryable: Sendable {
    /// A querier over a consistent snapshot of the data.
    func querier() -> any Querier
}

extension DB: Queryable {}
