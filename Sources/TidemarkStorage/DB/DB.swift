import TidemarkEncoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A Tidemark database in one directory: the embedded storage engine.
///
/// ```swift
/// let db = try DB.open("data")
/// let app = db.appender()
/// try app.append(Labels(["__name__": "up", "job": "node"]), 1_700_000_000_000, 1)
/// try app.commit()
/// let series = try db.querier().select([.equal("job", "node")], mint: 0, maxt: .max)
/// try db.close()
/// ```
///
/// Layout: `wal/` (segments and checkpoint), one directory per block (named by ULID),
/// and a `lock` file held with `flock` while open. Thread-safe: appenders and queriers
/// may be used from many threads at once (each appender by one thread at a time).
public final class DB: @unchecked Sendable {
    public let directory: String
    public let options: DBOptions
    let head: Head
    let blocksLock = RWLock()
    var _blocks: [BlockReader] = []
    /// Serializes compactions (background thread and explicit calls).
    let compactionLock = Lock()
    /// Counters of what compaction and retention did since open (for `/metrics`).
    let compactionCounters = Lock()
    var _compactionStats = CompactionStats()
    /// Serializes `writeRollups` (DB+Rollups.swift).
    let rollupLock = Lock()
    private var lockFD: Int32 = -1
    private var compactor: PeriodicTask?
    private let stateLock = Lock()
    private var isClosed = false
    /// Pending deletions (`deleteSeries`), applied by queries and compaction.
    let tombstones: TombstoneStore
    /// Decompressed block pages shared by all blocks (`DBOptions.pageCacheBytes`).
    public let pageCache: PageCache
    /// What opening found in the WAL.
    public let replayReport: WALReplayReport
    /// Blocks that could not be opened, with the reason; they are left on disk untouched.
    public let skippedBlocks: [(name: String, error: StorageError)]

    /// Opens (creating if needed) the database in `directory`.
    public static func open(_ directory: String, options: DBOptions = DBOptions()) throws(StorageError) -> DB {
        try DB(directory: directory, options: options)
    }

    private init(directory: String, options: DBOptions) throws(StorageError) {
        self.directory = directory
        self.options = options
        pageCache = PageCache(budget: options.pageCacheBytes)
        try FileIO.makeDirectory(directory)
        lockFD = try FileIO.openFile(directory + "/lock", O_RDWR | O_CREAT)
        if flock(lockFD, LOCK_EX | LOCK_NB) != 0 {
            FileIO.closeFD(lockFD)
            throw .locked(path: directory)
        }
        tombstones = try TombstoneStore(directory: directory)
        // Blocks: finished directories with a meta.json; leftovers of interrupted writes go.
        var blocks: [BlockReader] = []
        var skipped: [(String, StorageError)] = []
        for name in try FileIO.list(directory) {
            let path = directory + "/" + name
            guard FileIO.isDirectory(path), name != "wal" else { continue }
            if name.hasSuffix(".tmp") || name.hasSuffix(".deleted") {
                try FileIO.removeTree(path)
                continue
            }
            guard FileIO.exists(path + "/meta.json") else {
                // Not ours (no meta.json, no ULID name) is left alone silently; a
                // ULID-named directory without meta.json is a damaged block.
                if name.count == 26 && name.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
                    let e = StorageError.corrupt(path: path + "/meta.json", offset: 0, reason: "block has no meta.json")
                    skipped.append((name, e))
                    options.log("skipping damaged block \(name): \(e)")
                }
                continue
            }
            do {
                blocks.append(try BlockReader(directory: path, pageCache: pageCache))
            } catch {
                skipped.append((name, error))
                options.log("skipping damaged block \(name): \(error)")
            }
        }
        blocks.sort { $0.meta.minTime != $1.meta.minTime ? $0.meta.minTime < $1.meta.minTime : $0.meta.ulid < $1.meta.ulid }
        // A merge that crashed after its block was renamed into place but before its
        // sources were deleted leaves both: the merged block wins, the sources go.
        let replaced = Set(blocks.flatMap { $0.meta.compaction?.sources ?? [] })
        for b in blocks where replaced.contains(b.meta.ulid) {
            options.log("removing block \(b.meta.ulid): replaced by a merged block")
            b.markReplaced()
        }
        blocks.removeAll { replaced.contains($0.meta.ulid) }
        _blocks = blocks
        skippedBlocks = skipped
        let headCut = blocks.filter { $0.meta.source == "head" }.map(\.meta.maxTime).max() ?? .min
        let wal = try WAL(directory: directory + "/wal", segmentSize: options.walSegmentSize, syncPolicy: options.walSyncPolicy)
        head = Head(wal: wal, options: options, minValidTime: headCut)
        replayReport = try head.replay()
        for c in replayReport.corruptions { options.log(c.description) }
        try wal.openForWriting()
        if options.backgroundCompaction {
            compactor = PeriodicTask(intervalMilliseconds: options.compactionCheckInterval) { [weak self] in
                do { try self?.compact() } catch { self?.options.log("compaction failed: \(error)") }
            }
        }
    }

    /// A new appender. Create one per batch; many may be used concurrently.
    public func appender() -> any Appender { head.appender() }

    /// A querier over the blocks that exist now and the head.
    public func querier() -> any Querier {
        let all = blocksLock.withReadLock { _blocks }
        return DBQuerier(head: head, blocks: all.filter { $0.meta.resolution == "raw" }, tombstones: tombstones,
                         rollups: all.filter { $0.meta.resolution != "raw" })
    }

    /// The open blocks, oldest first.
    public var blocks: [BlockReader] { blocksLock.withReadLock { _blocks } }

    /// Adds an already written block directory (from `BlockWriter`) to the open set.
    func adopt(_ block: BlockReader) {
        blocksLock.withWriteLock {
            _blocks.append(block)
            _blocks.sort { $0.meta.minTime != $1.meta.minTime ? $0.meta.minTime < $1.meta.minTime : $0.meta.ulid < $1.meta.ulid }
        }
    }

    /// Persists the head's oldest block ranges while the head spans more than 1.5 block
    /// ranges; with `force`, persists everything in the head (afterwards, samples older
    /// than the end of the last persisted range are refused).
    /// Returns the blocks written. Crash-safe at every step: the block is complete and
    /// renamed into place before the head forgets its data, and the WAL is folded into
    /// a checkpoint only after that.
    @discardableResult
    public func compactHead(force: Bool = false) throws(StorageError) -> [BlockMeta] {
        try compactionLock.withLock { () throws(StorageError) -> [BlockMeta] in
            var written: [BlockMeta] = []
            while true {
                let mint = head.minTime
                let maxt = head.maxTime
                guard mint != .max, maxt != .min, mint <= maxt else { break }
                let range = options.blockRange
                let start = MemSeries.rangeEnd(mint, range) - range
                let end = start + range
                // Due as in Prometheus: the head spans more than 1.5 block ranges, so the
                // oldest range is surely complete. `force` flushes everything.
                let due = force || ((maxt - mint) > range / 2 * 3 && maxt >= end)
                guard due else { break }
                // No more samples below `end` from here on, so the snapshot is complete.
                head.raiseMinValidTime(to: end)
                if let meta = try persistHead(start: start, end: end) { written.append(meta) }
                let removed = head.truncate(before: end)
                if let wal = head.wal {
                    let last = try wal.cutSegment()
                    _ = try wal.checkpoint(upTo: last, keepSeries: { [head] id in !removed.contains(id) && head.series.get(id) != nil }, keepSample: { $0.t >= end })
                }
            }
            return written
        }
    }

    private func persistHead(start: Int64, end: Int64) throws(StorageError) -> BlockMeta? {
        var series: [(Labels, [HeadChunk])] = []
        for s in head.series.all() {
            let chunks = s.chunks(before: end).filter { $0.minTime >= start }
            if !chunks.isEmpty { series.append((s.labels, chunks)) }
        }
        guard !series.isEmpty else { return nil }
        series.sort { $0.0 < $1.0 }
        return try writeBlock(minTime: start, maxTime: end, source: "head") { (writer) throws(StorageError) in
            for (labels, chunks) in series {
                let out = try DeletionFilter.apply(chunks.map { ($0.bytes, $0.minTime, $0.maxTime, $0.count) },
                                                   deleted: tombstones.intervals(for: labels), labels: labels)
                try writer.add(labels, chunks: out)
            }
        }
    }

    /// Writes a block with `fill`, moves it into place and adds it to the open set; on
    /// failure the temporary directory is removed. Returns nil if `fill` added nothing.
    private func writeBlock(minTime: Int64, maxTime: Int64, source: String, _ fill: (inout BlockWriter) throws(StorageError) -> Void) throws(StorageError) -> BlockMeta? {
        var writer = try BlockWriter(parent: directory, minTime: minTime, maxTime: maxTime, source: source,
                                     samplesPerChunk: options.blockSamplesPerChunk)
        do {
            try fill(&writer)
            if writer.isEmpty {
                writer.abandon()
                return nil
            }
            let meta = try writer.finish()
            adopt(try BlockReader(directory: directory + "/" + meta.ulid, pageCache: pageCache))
            return meta
        } catch {
            writer.abandon()
            throw error
        }
    }

    /// Writes a block from samples that bypass the head (bulk import of history).
    /// `series` must be sorted by labels, each with timestamps ascending and unique,
    /// all in [minTime, maxTime). Returns nil if there was nothing to write.
    @discardableResult
    public func writeBlock(minTime: Int64, maxTime: Int64, series: [(labels: Labels, timestamps: [Int64], values: [Double])]) throws(StorageError) -> BlockMeta? {
        try writeBlock(minTime: minTime, maxTime: maxTime, source: "import") { (writer) throws(StorageError) in
            for s in series where !s.timestamps.isEmpty {
                var chunks: [(bytes: [UInt8], minTime: Int64, maxTime: Int64, samples: Int)] = []
                var start = 0
                while start < s.timestamps.count {
                    let end = min(s.timestamps.count, start + options.blockSamplesPerChunk)
                    var b = ChunkBuilder()
                    for i in start..<end {
                        do { try b.append(s.timestamps[i], s.values[i]) } catch {
                            throw StorageError.outOfOrderSample(series: s.labels.description, last: s.timestamps[i - 1], got: s.timestamps[i])
                        }
                    }
                    chunks.append((b.encoded(), b.minTime, b.maxTime, b.count))
                    start = end
                }
                try writer.add(s.labels, chunks: chunks)
            }
        }
    }

    /// Number of series in the head.
    public var headSeriesCount: Int { head.numSeries }
    public var headMinTime: Int64? { head.minTime == .max ? nil : head.minTime }
    public var headMaxTime: Int64? { head.maxTime == .min ? nil : head.maxTime }
    public var headStats: HeadStats { head.stats }
    /// Samples and encoded bytes currently in the head.
    public var headSamples: (samples: Int, bytes: Int) {
        head.series.all().reduce((0, 0)) { ($0.0 + $1.sampleCount, $0.1 + $1.chunkBytes) }
    }
    /// Bytes of the WAL on disk.
    public var walSize: Int { head.wal?.sizeOnDisk ?? 0 }

    /// Syncs the WAL and stops background work. The database cannot be used afterwards.
    public func close() throws(StorageError) {
        let first = stateLock.withLock { () -> Bool in
            defer { isClosed = true }
            return !isClosed
        }
        guard first else { return }
        compactor?.stop()
        compactor = nil
        head.wal?.close()
        if lockFD >= 0 {
            flock(lockFD, LOCK_UN)
            FileIO.closeFD(lockFD)
            lockFD = -1
        }
    }

    deinit { try? close() }
}
