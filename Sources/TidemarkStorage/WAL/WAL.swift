#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TidemarkEncoding

/// The write-ahead log: numbered segment files plus at most one checkpoint, in `wal/`.
///
/// Records are appended to the newest segment; a segment is closed when it would grow
/// past `segmentSize`. After the head's oldest data is persisted as a block, the
/// segments holding it are folded into a checkpoint (only series still alive and
/// samples not yet in a block) and deleted. See docs/format/wal.md.
final class WAL: @unchecked Sendable {
    let directory: String
    let segmentSize: Int
    let syncPolicy: WALSyncPolicy
    private let lock = Lock()
    private var fd: Int32 = -1
    private var segment = 0
    private var segmentBytes = 0
    private var dirty = false
    private var syncer: PeriodicTask?

    init(directory: String, segmentSize: Int, syncPolicy: WALSyncPolicy) throws(StorageError) {
        self.directory = directory
        self.segmentSize = segmentSize
        self.syncPolicy = syncPolicy
        try FileIO.makeDirectory(directory)
    }

    static func segmentName(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 8 - s.count)) + s
    }

    /// Segment numbers present on disk, ascending.
    func segments() throws(StorageError) -> [Int] {
        try FileIO.list(directory).compactMap { $0.count == 8 ? Int($0) : nil }.sorted()
    }

    /// Checkpoints present on disk as (number, name), ascending.
    func checkpoints() throws(StorageError) -> [(Int, String)] {
        try FileIO.list(directory).compactMap { name -> (Int, String)? in
            guard name.hasPrefix("checkpoint."), !name.hasSuffix(".tmp"), let n = Int(name.dropFirst(11)) else { return nil }
            return (n, name)
        }.sorted { $0.0 < $1.0 }
    }

    /// Replays the checkpoint and the segments after it, in order, repairing damage:
    /// a bad record ends its file's replay and the file is truncated just before it
    /// (reported with file, offset and reason). Must run before `openForWriting`.
    func replay(_ visit: (WALRecord) -> Void) throws(StorageError) -> WALReplayReport {
        var report = WALReplayReport()
        // Leftovers of an interrupted checkpoint are incomplete by definition.
        for name in try FileIO.list(directory) where name.hasSuffix(".tmp") {
            try FileIO.removeTree(directory + "/" + name)
        }
        let cps = try checkpoints()
        var after = -1
        var files: [(path: String, isSegment: Bool)] = []
        if let last = cps.last {
            after = last.0
            report.checkpoint = last.1
            files.append((directory + "/" + last.1, false))
            for old in cps.dropLast() { try FileIO.removeTree(directory + "/" + old.1) }
        }
        let segs = try segments()
        for n in segs where n <= after { try FileIO.removeTree(directory + "/" + Self.segmentName(n)) }
        let live = segs.filter { $0 > after }
        for n in live { files.append((directory + "/" + Self.segmentName(n), true)) }
        report.segments = live.count
        for (i, file) in files.enumerated() {
            let bytes = try FileIO.readFile(file.path)
            let (goodEnd, corruption, torn) = bytes.withUnsafeBytes { raw in
                let (end, c) = WALFrame.scan(raw, visit: visit)
                return (end, c, c.map { WALFrame.isTornTail(raw, damageAt: $0.offset) } ?? false)
            }
            if let c = corruption {
                // A torn tail is damage at the end of the newest segment with no intact
                // record after it; anything else (a checkpoint, an older segment, good
                // records after the bad one) is corruption.
                report.corruptions.append(.init(
                    file: file.path, offset: c.offset, reason: c.reason,
                    discardedBytes: bytes.count - goodEnd, isTail: file.isSegment && i == files.count - 1 && torn))
                try FileIO.check(truncate(file.path, off_t(goodEnd)), "truncate", file.path)
            }
        }
        segment = live.last ?? max(after, 0)
        return report
    }

    /// Continues the newest segment if there is one (replay has repaired its tail),
    /// else starts a new one; appends go there.
    func openForWriting() throws(StorageError) {
        try lock.withLock { () throws(StorageError) in
            let p = path(segment)
            if segment > 0, let size = FileIO.fileSize(p), size >= WALFrame.magic.count, size < segmentSize {
                fd = try FileIO.openFile(p, O_WRONLY | O_APPEND)
                segmentBytes = size
            } else {
                try startSegment(segment + 1)
            }
        }
        if case .interval(let ms) = syncPolicy {
            syncer = PeriodicTask(intervalMilliseconds: ms) { [weak self] in try? self?.sync() }
        }
    }

    private func startSegment(_ n: Int) throws(StorageError) {
        if fd >= 0 {
            if syncPolicy != .never { try FileIO.fdatasyncFD(fd, path: path(segment)) }
            FileIO.closeFD(fd)
        }
        let p = path(n)
        fd = try FileIO.openFile(p, O_WRONLY | O_CREAT | O_TRUNC)
        try FileIO.writeAll(fd, WALFrame.magic, path: p)
        if syncPolicy != .never {
            try FileIO.fdatasyncFD(fd, path: p)
            try FileIO.syncDirectory(directory)
        }
        segment = n
        segmentBytes = WALFrame.magic.count
    }

    private func path(_ n: Int) -> String { directory + "/" + Self.segmentName(n) }

    /// Appends already-framed records with one write, then syncs per the policy. When
    /// this returns under `.everyCommit`, the records are on stable storage.
    func log(_ framed: [UInt8]) throws(StorageError) {
        try lock.withLock { () throws(StorageError) in
            guard fd >= 0 else { throw StorageError.closed }
            if segmentBytes > WALFrame.magic.count && segmentBytes + framed.count > segmentSize {
                try startSegment(segment + 1)
            }
            try FileIO.writeAll(fd, framed, path: path(segment))
            segmentBytes += framed.count
            switch syncPolicy {
            case .everyCommit: try FileIO.fdatasyncFD(fd, path: path(segment))
            case .interval: dirty = true
            case .never: break
            }
        }
    }

    /// Forces written records to stable storage now.
    func sync() throws(StorageError) {
        try lock.withLock { () throws(StorageError) in
            guard fd >= 0, dirty || syncPolicy == .never else { return }
            try FileIO.fdatasyncFD(fd, path: path(segment))
            dirty = false
        }
    }

    /// Closes the current segment and starts a new one; returns the closed segment's number.
    func cutSegment() throws(StorageError) -> Int {
        try lock.withLock { () throws(StorageError) -> Int in
            let closed = segment
            try startSegment(segment + 1)
            return closed
        }
    }

    /// Folds the checkpoint and segments ≤ `last` into `checkpoint.<last>`, keeping series
    /// records for which `keepSeries` holds and samples for which `keepSample` holds, then
    /// deletes what it replaced. Crash-safe: the new checkpoint is complete and synced
    /// before anything is deleted, and replay ignores a `.tmp` checkpoint.
    func checkpoint(upTo last: Int, keepSeries: (UInt64) -> Bool, keepSample: (WALSample) -> Bool) throws(StorageError) -> (series: Int, samples: Int) {
        let old = try checkpoints().filter { $0.0 <= last }
        let segs = try segments().filter { $0 <= last }
        var inputs = old.map { directory + "/" + $0.1 }
        inputs += segs.map(path)
        var out = WALFrame.magic
        var keptSeries = 0
        var keptSamples = 0
        var pending: [WALSample] = []
        func flushSamples() {
            if pending.isEmpty { return }
            WALFrame.append(.samples(pending), to: &out)
            keptSamples += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        for input in inputs {
            let bytes = try FileIO.readFile(input)
            _ = bytes.withUnsafeBytes { raw in
                WALFrame.scan(raw) { record in
                    switch record {
                    case .series(let list):
                        let kept = list.filter { keepSeries($0.id) }
                        if !kept.isEmpty {
                            flushSamples()
                            WALFrame.append(.series(kept), to: &out)
                            keptSeries += kept.count
                        }
                    case .samples(let list):
                        for s in list where keepSample(s) {
                            pending.append(s)
                            if pending.count >= 8192 { flushSamples() }
                        }
                    }
                }
            }
        }
        flushSamples()
        let name = "checkpoint." + Self.segmentName(last)
        try FileIO.writeFileAtomically(directory + "/" + name, out)
        for (_, oldName) in old where oldName != name { try FileIO.removeTree(directory + "/" + oldName) }
        for n in segs { try FileIO.removeTree(path(n)) }
        try FileIO.syncDirectory(directory)
        return (keptSeries, keptSamples)
    }

    /// Bytes of all WAL files.
    var sizeOnDisk: Int { FileIO.treeSize(directory) }

    /// Syncs and closes the current segment.
    func close() {
        syncer?.stop()
        syncer = nil
        lock.withLock {
            if fd >= 0 {
                _ = fsync(fd)
                FileIO.closeFD(fd)
                fd = -1
            }
        }
    }
}
