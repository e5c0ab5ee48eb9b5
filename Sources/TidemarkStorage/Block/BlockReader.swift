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
    private let cacheLock = Lock()
    private var pageCache: [Int: [UInt8]] = [:]
    private var cacheOrder: [Int] = []
    private static let cachedPages = 32

    /// Opens the block in `directory`, verifying meta, index checksums and chunk file headers.
    public init(directory: String) throws(StorageError) {
        self.directory = directory
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
    func chunkBytes(_ c: BlockChunkMeta) throws(StorageError) -> [UInt8] {
        let page = try self.page(file: c.file, offset: c.pageOffset)
        guard c.offsetInPage >= 0, c.length > 0, c.offsetInPage <= page.count - c.length else {
            throw .corrupt(path: directory + "/chunks", offset: c.pageOffset, reason: "chunk [\(c.offsetInPage), +\(c.length)) lies outside its \(page.count)-byte page")
        }
        return Array(page[c.offsetInPage..<c.offsetInPage + c.length])
    }

    private func page(file: Int, offset: Int) throws(StorageError) -> [UInt8] {
        let key = file << 40 | offset
        if let hit = cacheLock.withLock({ pageCache[key] }) { return hit }
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
        cacheLock.withLock {
            if pageCache[key] == nil {
                pageCache[key] = raw
                cacheOrder.append(key)
                if cacheOrder.count > Self.cachedPages { pageCache[cacheOrder.removeFirst()] = nil }
            }
        }
        return raw
    }

    /// Reads every page and decodes every chunk; throws at the first damage found.
    public func verify() throws(StorageError) {
        for id in 0..<UInt64(index.seriesCount) {
            let (labels, chunks) = try index.series(id)
            for c in chunks {
                let bytes = try chunkBytes(c)
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
