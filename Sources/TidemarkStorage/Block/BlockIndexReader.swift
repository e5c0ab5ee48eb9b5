import TidemarkEncoding

/// Reads a block's `index` file from a mapping. Construction verifies the TOC and every
/// section's checksum and loads the symbol and postings tables; series entries are
/// decoded on demand from the mapping.
final class BlockIndexReader: PostingsIndex, @unchecked Sendable {
    let file: MappedFile
    let symbols: [String]
    /// `ByteHash.hash` of each symbol, so that a series' label set is built without
    /// hashing its strings (`Labels(sorted:fingerprint:)`).
    let symbolHashes: [UInt64]
    /// Label name → (value, postings offset), values sorted.
    let postingsTable: [String: [(value: String, offset: Int)]]
    let seriesCount: Int
    private let seriesOffsetsStart: Int

    init(_ file: MappedFile) throws(StorageError) {
        self.file = file
        let path = file.path
        let bytes = file.bytes
        func corrupt(_ offset: Int, _ why: String) -> StorageError { .corrupt(path: path, offset: offset, reason: why) }
        guard bytes.count >= BlockIndexWriter.magic.count + BlockIndexWriter.tocSize else {
            throw corrupt(0, "index is \(bytes.count) bytes, too short for header and table of contents")
        }
        guard Array(bytes[0..<BlockIndexWriter.magic.count]) == BlockIndexWriter.magic else {
            throw corrupt(0, "bad magic: not a Tidemark index file")
        }
        let tocStart = bytes.count - BlockIndexWriter.tocSize
        let tocBody = UnsafeRawBufferPointer(rebasing: bytes[tocStart..<bytes.count - 4])
        var r = ByteReader(bytes, offset: bytes.count - 4)
        guard (try? r.u32()) == CRC32C.checksum(tocBody) else { throw corrupt(tocStart, "table of contents checksum mismatch") }
        var sections: [(Int, Int)] = []
        r = ByteReader(bytes, offset: tocStart)
        let names = ["symbols", "series", "series offsets", "postings", "postings table"]
        for i in 0..<BlockIndexWriter.sectionCount {
            do {
                let off = Int(truncatingIfNeeded: try r.u64())
                let len = Int(truncatingIfNeeded: try r.u64())
                let crc = try r.u32()
                guard off >= BlockIndexWriter.magic.count, len >= 0, off <= tocStart, len <= tocStart - off else {
                    throw corrupt(tocStart + i * 20, "\(names[i]) section [\(off), +\(len)) lies outside the file")
                }
                let got = CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[off..<off + len]))
                guard got == crc else { throw corrupt(off, "\(names[i]) section checksum mismatch") }
                sections.append((off, len))
            } catch let e as StorageError {
                throw e
            } catch {
                throw corrupt(tocStart, "\(error)")
            }
        }
        func reader(_ i: Int) -> ByteReader {
            ByteReader(UnsafeRawBufferPointer(rebasing: bytes[sections[i].0..<sections[i].0 + sections[i].1]), baseOffset: sections[i].0)
        }
        do {
            var sr = reader(0)
            let n = try sr.count("symbol count", limit: sr.remaining)
            var syms: [String] = []
            syms.reserveCapacity(n)
            for _ in 0..<n { syms.append(try sr.string("symbol")) }
            symbols = syms
            symbolHashes = syms.map { ByteHash.hash($0) }

            guard sections[2].1 % 8 == 0 else { throw corrupt(sections[2].0, "series offsets section is not a multiple of 8 bytes") }
            seriesCount = sections[2].1 / 8
            seriesOffsetsStart = sections[2].0

            var pr = reader(4)
            let entries = try pr.count("postings table size", limit: pr.remaining)
            var table: [String: [(value: String, offset: Int)]] = [:]
            for _ in 0..<entries {
                let name = try pr.count("postings name symbol", limit: syms.count - 1)
                let value = try pr.count("postings value symbol", limit: syms.count - 1)
                let off = try pr.count("postings offset", limit: sections[3].1)
                table[syms[name], default: []].append((syms[value], sections[3].0 + off))
            }
            postingsTable = table
        } catch let e as StorageError {
            throw e
        } catch {
            throw corrupt(0, "\(error)")
        }
        self.seriesSectionStart = sections[1].0
        self.seriesSectionEnd = sections[1].0 + sections[1].1
        self.postingsEnd = sections[3].0 + sections[3].1
    }

    private let seriesSectionStart: Int
    private let seriesSectionEnd: Int
    private let postingsEnd: Int

    /// Labels and chunk locations of series number `id`.
    func series(_ id: UInt64) throws(StorageError) -> (labels: Labels, chunks: [BlockChunkMeta]) {
        guard id < UInt64(seriesCount) else { throw .corrupt(path: file.path, offset: 0, reason: "series \(id) out of range") }
        let bytes = file.bytes
        do {
            var offsets = ByteReader(bytes, offset: seriesOffsetsStart + Int(id) * 8)
            let rel = Int(truncatingIfNeeded: try offsets.u64("series offset"))
            guard rel >= 0, rel < seriesSectionEnd - seriesSectionStart else {
                throw StorageError.corrupt(path: file.path, offset: seriesOffsetsStart + Int(id) * 8, reason: "series offset out of range")
            }
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[seriesSectionStart..<seriesSectionEnd]), offset: rel, baseOffset: seriesSectionStart)
            let n = try r.count("label count", limit: r.remaining)
            var labels: [Label] = []
            labels.reserveCapacity(n)
            var fold = ByteHash.Fold()
            for _ in 0..<n {
                let name = try r.count("label name symbol", limit: symbols.count - 1)
                let value = try r.count("label value symbol", limit: symbols.count - 1)
                labels.append(Label(symbols[name], symbols[value]))
                fold.add(symbolHashes[name])
                fold.add(symbolHashes[value])
            }
            let c = try r.count("chunk count", limit: r.remaining)
            var chunks: [BlockChunkMeta] = []
            chunks.reserveCapacity(c)
            var prevMax: Int64 = 0
            for k in 0..<c {
                let d = try r.varint("chunk min time")
                let minT = k == 0 ? d : prevMax &+ d
                let span = try r.uvarint("chunk time span")
                let maxT = minT &+ Int64(bitPattern: span)
                let samples = try r.count("chunk samples", limit: Int(Int32.max))
                let fileNo = try r.count("chunk file", limit: 1 << 20)
                let pageOffset = try r.count("page offset", limit: Int.max >> 1)
                let inPage = try r.count("offset in page", limit: ChunkPageFormat.maxPageSize)
                let length = try r.count("chunk length", limit: ChunkPageFormat.maxPageSize)
                chunks.append(BlockChunkMeta(minTime: minT, maxTime: maxT, samples: samples, file: fileNo, pageOffset: pageOffset, offsetInPage: inPage, length: length))
                prevMax = maxT
            }
            return (Labels(sorted: labels, fingerprint: fold), chunks)
        } catch let e as StorageError {
            throw e
        } catch {
            throw .corrupt(path: file.path, offset: seriesSectionStart, reason: "series \(id): \(error)")
        }
    }

    func allPostings() -> [UInt64] { (0..<UInt64(seriesCount)).map { $0 } }

    func labelNames() -> [String] { postingsTable.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }

    func labelValues(_ name: String) -> [String] { postingsTable[name]?.map(\.value) ?? [] }

    /// Where the postings list of `name=value` starts, nil when the index has no such pair.
    private func postingsOffset(_ name: String, _ value: String) -> Int? {
        guard let values = postingsTable[name] else { return nil }
        var lo = 0, hi = values.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if values[mid].value.utf8.lexicographicallyPrecedes(value.utf8) { lo = mid + 1 } else { hi = mid }
        }
        guard lo < values.count, values[lo].value.utf8.elementsEqual(value.utf8) else { return nil }
        return values[lo].offset
    }

    /// The length prefix of the postings list of `name=value` (its ids are not read).
    func postingsCount(_ name: String, _ value: String) throws(StorageError) -> Int {
        guard let offset = postingsOffset(name, value) else { return 0 }
        do {
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: file.bytes[0..<postingsEnd]), offset: offset)
            return try r.count("postings length", limit: seriesCount)
        } catch {
            throw .corrupt(path: file.path, offset: offset, reason: "postings for \(name)=\(value): \(error)")
        }
    }

    func postings(_ name: String, _ value: String) throws(StorageError) -> [UInt64] {
        guard let offset = postingsOffset(name, value) else { return [] }
        do {
            var r = ByteReader(UnsafeRawBufferPointer(rebasing: file.bytes[0..<postingsEnd]), offset: offset)
            let n = try r.count("postings length", limit: seriesCount)
            var out: [UInt64] = []
            out.reserveCapacity(n)
            var prev: UInt64 = 0
            for _ in 0..<n {
                prev &+= try r.uvarint("posting")
                guard prev < UInt64(seriesCount) else { throw StorageError.corrupt(path: file.path, offset: r.offset, reason: "posting \(prev) out of range") }
                out.append(prev)
            }
            return out
        } catch let e as StorageError {
            throw e
        } catch {
            throw .corrupt(path: file.path, offset: offset, reason: "postings for \(name)=\(value): \(error)")
        }
    }
}
