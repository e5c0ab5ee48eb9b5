import TidemarkEncoding

/// Where one chunk lives in a block's chunk files.
public struct BlockChunkMeta: Sendable, Equatable {
    public var minTime: Int64
    public var maxTime: Int64
    public var samples: Int
    /// Chunk file number (`chunks/000001` is 1).
    public var file: Int
    /// Offset of the page's header in the file.
    public var pageOffset: Int
    /// Offset and length of the chunk inside the decompressed page.
    public var offsetInPage: Int
    public var length: Int
}

/// Page framing in chunk files (docs/format/block.md):
///
/// ```
/// file: ┌────────────────────────┬────────┬────────┬───
///       │ magic "TMCHK" 01 00 00 │ page   │ page   │ …
///       └────────────────────────┴────────┴────────┴───
/// page: ┌───────────┬────────────┬──────────────┬───────────┬──────────────────┐
///       │ raw size  │ stored len │ crc32c       │ codec     │ stored bytes     │
///       │ u32 LE    │ u32 LE     │ u32 LE       │ u8 0=none │ (LZ4 block when  │
///       │           │            │ of stored    │ 1=LZ4     │  codec is 1)     │
///       └───────────┴────────────┴──────────────┴───────────┴──────────────────┘
/// ```
/// A page holds whole chunks back to back (each starting with its encoding byte).
enum ChunkPageFormat {
    static let magic: [UInt8] = Array("TMCHK".utf8) + [1, 0, 0]
    static let headerSize = 13
    static let targetPageSize = 64 << 10
    static let maxFileSize = 512 << 20
    static let maxPageSize = 64 << 20
}

/// Writes chunks into LZ4-compressed pages in numbered chunk files.
struct ChunkPageWriter {
    let directory: String
    private var fd: Int32 = -1
    private var file = 0
    private var fileSize = 0
    private var page: [UInt8] = []
    private var pendingMetas: [Int] = []  // indices into `metas` whose page is being built
    private(set) var metas: [BlockChunkMeta] = []
    private(set) var pages = 0

    init(directory: String) throws(StorageError) {
        self.directory = directory
        try FileIO.makeDirectory(directory)
    }

    /// Adds a chunk; returns its index in `metas` (its final location is known once the
    /// page is flushed).
    mutating func add(_ chunk: [UInt8], minTime: Int64, maxTime: Int64, samples: Int) throws(StorageError) -> Int {
        if !page.isEmpty && page.count + chunk.count > ChunkPageFormat.targetPageSize { try flushPage() }
        metas.append(BlockChunkMeta(minTime: minTime, maxTime: maxTime, samples: samples, file: 0, pageOffset: 0, offsetInPage: page.count, length: chunk.count))
        pendingMetas.append(metas.count - 1)
        page.append(contentsOf: chunk)
        return metas.count - 1
    }

    private func path(_ n: Int) -> String {
        let s = String(n)
        return directory + "/" + String(repeating: "0", count: max(0, 6 - s.count)) + s
    }

    mutating func flushPage() throws(StorageError) {
        guard !page.isEmpty else { return }
        let compressed = (try? LZ4.compress(page)) ?? page
        let useLZ4 = compressed.count < page.count
        let stored = useLZ4 ? compressed : page
        if fd < 0 || fileSize + ChunkPageFormat.headerSize + stored.count > ChunkPageFormat.maxFileSize {
            try openNextFile()
        }
        var header: [UInt8] = []
        header.reserveCapacity(ChunkPageFormat.headerSize)
        withUnsafeBytes(of: UInt32(page.count).littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: UInt32(stored.count).littleEndian) { header.append(contentsOf: $0) }
        withUnsafeBytes(of: CRC32C.checksum(stored).littleEndian) { header.append(contentsOf: $0) }
        header.append(useLZ4 ? 1 : 0)
        for i in pendingMetas {
            metas[i].file = file
            metas[i].pageOffset = fileSize
        }
        try FileIO.writeAll(fd, header + stored, path: path(file))
        fileSize += header.count + stored.count
        pages += 1
        page.removeAll(keepingCapacity: true)
        pendingMetas.removeAll(keepingCapacity: true)
    }

    private mutating func openNextFile() throws(StorageError) {
        try closeFile()
        file += 1
        fd = try FileIO.openFile(path(file), O_WRONLY | O_CREAT | O_TRUNC)
        try FileIO.writeAll(fd, ChunkPageFormat.magic, path: path(file))
        fileSize = ChunkPageFormat.magic.count
    }

    private mutating func closeFile() throws(StorageError) {
        if fd >= 0 {
            try FileIO.fsyncFD(fd, path: path(file))
            FileIO.closeFD(fd)
            fd = -1
        }
    }

    /// Flushes the last page and syncs the files.
    mutating func finish() throws(StorageError) {
        try flushPage()
        try closeFile()
        try FileIO.syncDirectory(directory)
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
