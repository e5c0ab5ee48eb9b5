import TidemarkEncoding
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open, immutable block: its meta, mapped index and chunk files. Shared by every
/// querier that uses it; the mappings are released when the last reference goes.
public final class BlockReader: @unchecked Sendable {
    public let directory: String
    public let meta: BlockMeta
    let index: BlockIndexReader
    let chunkFiles: [Int: MappedFile]
    /// Where decompressed pages are kept (shared by a database's blocks).
    let pageCache: PageCache
    /// This reader's part of the page cache's keys.
    private let cacheID = PageCache.makeBlockID()
    /// The last page a scan (compaction) read, kept here instead of in the shared cache
    /// so that a merge streaming through whole blocks does not evict what queries use.
    private let scanLock = Lock()
    private var scanPage: (key: PageCache.Key, page: [UInt8])?

    /// Opens the block in `directory`, verifying meta, index checksums and chunk file
    /// headers. Decompressed pages go to `pageCache` (by default a small one of its own).
    public init(directory: String, pageCache: PageCache = PageCache(budget: 4 << 20)) throws(StorageError) {
        self.directory = directory
        self.pageCache = pageCache
        meta = try BlockMeta.decode(try FileIO.readFile(directory + "/meta.json"), path: directory + "/meta.json")
        index = try BlockIndexReader(MappedFile(path: directory + "/index"))
        var files: [Int: MappedFile] = [:]
        let chunkDir = directory + "/chunks"
        for name in try FileIO.list(chunkDir) {
            guard let n = Int(name) else { continue }
            let f = try MappedFile(path: chunkDir + "/" + name)
            guard f.count >= ChunkPageFormat.magic.count, Array(f.bytes[0..<ChunkPageFormat.magic.count]) == ChunkPageFormat.magic else {
                throw .corrupt(path: f.path, offset: 0, reason: "bad magic: not a Tidemark chunk file")
            }
            files[n] = f
        }
        chunkFiles = files
    }

    private let replacedLock = Lock()
    private var replaced = false

    /// Marks the block as replaced by a merged block (or dropped by retention): its
    /// directory is deleted when the last reference to this reader goes, so a query
    /// that started before the replacement reads it to the end.
    func markReplaced() { replacedLock.withLock { replaced = true } }

    deinit {
        pageCache.removeAll(block: cacheID)
        // Renamed first, so a crash half-way through the delete leaves a `.deleted`
        // directory that opening removes, never a damaged-looking block.
        if replacedLock.withLock({ replaced }) {
            let doomed = directory + ".deleted"
            if rename(directory, doomed) == 0 { try? FileIO.removeTree(doomed) }
        }
    }

    /// The block's directory name (its ULID).
    public var name: String { meta.ulid }

    /// Bytes of all the block's files.
    public var sizeOnDisk: Int { FileIO.treeSize(directory) }

    /// The encoded bytes of one chunk, decompressing (and checking) its page if needed.
    /// `fillCache` false (a scan reading every page once) keeps a page it had to read out
    /// of the shared page cache.
    func chunkBytes(_ c: BlockChunkMeta, fillCache: Bool = true) throws(StorageError) -> [UInt8] {
        let (page, range) = try chunkInPage(c, fillCache: fillCache)
        return Array(page[range])
    }

    /// The decompressed page holding chunk `c` and the chunk's byte range in it (no copy).
    func chunkInPage(_ c: BlockChunkMeta, fillCache: Bool = true) throws(StorageError) -> (page: [UInt8], range: Range<Int>) {
        let page = try self.page(file: c.file, offset: c.pageOffset, fillCache: fillCache)
        guard c.offsetInPage >= 0, c.length > 0, c.offsetInPage <= page.count - c.length else {
            throw .corrupt(path: directory + "/chunks", offset: c.pageOffset, reason: "chunk [\(c.offsetInPage), +\(c.length)) lies outside its \(page.count)-byte page")
        }
        return (page, c.offsetInPage..<c.offsetInPage + c.length)
    }

    private func page(file: Int, offset: Int, fillCache: Bool) throws(StorageError) -> [UInt8] {
        let key = PageCache.Key(block: cacheID, file: file, offset: offset)
        if let hit = pageCache.page(key) { return hit }
        if !fillCache, let scanned = scanLock.withLock({ scanPage }), scanned.key == key { return scanned.page }
        guard let f = chunkFiles[file] else {
            throw .corrupt(path: directory + "/chunks", offset: offset, reason: "chunk file \(file) is missing")
        }
        let raw: [UInt8] = try f.withBytes { (bytes) throws(StorageError) -> [UInt8] in
            var r = ByteReader(bytes, offset: offset)
            do {
                let rawSize = Int(try r.u32("page raw size"))
                let storedSize = Int(try r.u32("page stored size"))
                let crc = try r.u32("page checksum")
                let codec = try r.u8("page codec")
                guard rawSize <= ChunkPageFormat.maxPageSize, storedSize <= ChunkPageFormat.maxPageSize else {
                    throw StorageError.corrupt(path: f.path, offset: offset, reason: "page sizes \(rawSize)/\(storedSize) exceed the limit")
                }
                let stored = try r.slice(storedSize, "page data")
                guard CRC32C.checksum(stored) == crc else {
                    throw StorageError.corrupt(path: f.path, offset: offset, reason: "page checksum mismatch")
                }
                // The checksum covers only the stored bytes, so the header fields it does
                // not cover are checked against what the writer guarantees: a stored page
                // keeps its raw size, an LZ4 page is one that compression made smaller.
                switch codec {
                case 0:
                    guard rawSize == storedSize else {
                        throw StorageError.corrupt(path: f.path, offset: offset, reason: "uncompressed page header says \(rawSize) raw bytes but stores \(storedSize)")
                    }
                    return Array(stored)
                case 1:
                    guard storedSize < rawSize else {
                        throw StorageError.corrupt(path: f.path, offset: offset, reason: "LZ4 page header says \(storedSize) stored bytes expand to only \(rawSize)")
                    }
                    return try LZ4.decompress(stored, rawSize: rawSize)
                default: throw StorageError.corrupt(path: f.path, offset: offset + 12, reason: "unknown page codec \(codec)")
                }
            } catch let e as StorageError {
                throw e
            } catch {
                throw StorageError.corrupt(path: f.path, offset: offset, reason: "\(error)")
            }
        }
        if fillCache {
            pageCache.insert(key, raw)
        } else {
            scanLock.withLock { scanPage = (key, raw) }
        }
        return raw
    }

    /// Reads every page and decodes every chunk; throws at the first damage found.
    public func verify() throws(StorageError) {
        for id in 0..<UInt64(index.seriesCount) {
            let (labels, chunks) = try index.series(id)
            for c in chunks {
                let bytes = try chunkBytes(c, fillCache: false)
                do {
                    let (ts, _) = try ChunkIterator.decodeAll(bytes)
                    guard ts.count == c.samples else {
                        throw StorageError.corrupt(path: directory, offset: c.pageOffset, reason: "chunk of \(labels) has \(ts.count) samples, index says \(c.samples)")
                    }
                } catch let e as StorageError {
                    throw e
                } catch {
                    throw .corrupt(path: directory + "/chunks", offset: c.pageOffset, reason: "chunk of \(labels): \(error)")
                }
            }
        }
    }
}
