/// Reads a database's WAL while it is being written, for consumers that follow it (the
/// remote-write sender): segment by segment, from a byte position, returning only
/// complete records. A record still being written at the end of the newest segment is
/// left for the next read. See docs/format/wal.md for the files.
public struct WALTail: Sendable {
    /// A place in the WAL: a segment number and a byte offset inside that segment.
    public struct Position: Sendable, Equatable, Comparable, CustomStringConvertible {
        public var segment: Int
        public var offset: Int
        public init(segment: Int, offset: Int) {
            self.segment = segment
            self.offset = offset
        }
        public static func < (a: Position, b: Position) -> Bool { (a.segment, a.offset) < (b.segment, b.offset) }
        public var description: String { "\(WAL.segmentName(segment))@\(offset)" }
    }

    /// The `wal/` directory of a database.
    public let directory: String

    /// The WAL of the database in `dataDirectory`.
    public init(dataDirectory: String) {
        directory = dataDirectory + "/wal"
    }

    /// Segment numbers on disk, ascending.
    public func segments() throws(StorageError) -> [Int] {
        try FileIO.list(directory).compactMap { $0.count == 8 ? Int($0) : nil }.sorted()
    }

    /// The newest checkpoint's number (it holds segments up to that number), or nil.
    public func checkpoint() throws(StorageError) -> Int? {
        try FileIO.list(directory).compactMap { name -> Int? in
            guard name.hasPrefix("checkpoint."), !name.hasSuffix(".tmp") else { return nil }
            return Int(name.dropFirst(11))
        }.max()
    }

    /// Records of the checkpoint `number` (series of live series and recent samples).
    public func readCheckpoint(_ number: Int) throws(StorageError) -> [WALRecord] {
        let bytes = try FileIO.readFile(directory + "/checkpoint." + WAL.segmentName(number))
        var out: [WALRecord] = []
        _ = bytes.withUnsafeBytes { WALFrame.scan($0) { out.append($0) } }
        return out
    }

    /// The complete records of `position.segment` from `position.offset` (0: the start
    /// of the segment), and the offset just after the last of them. A missing segment
    /// throws `.io` with ENOENT.
    public func read(from position: Position) throws(StorageError) -> (records: [WALRecord], end: Int) {
        let bytes = try FileIO.readFile(directory + "/" + WAL.segmentName(position.segment), from: position.offset)
        var out: [WALRecord] = []
        let (end, _) = bytes.withUnsafeBytes { raw in
            if position.offset == 0 {
                // A segment shorter than its header is still being created.
                return raw.count < WALFrame.magic.count ? (0, nil) : WALFrame.scan(raw) { out.append($0) }
            }
            return WALFrame.scanRecords(raw, from: 0) { out.append($0) }
        }
        return (out, position.offset + end)
    }
}
