import Foundation
import Testing
@testable import TidemarkStorage
import TidemarkWorkloads

/// Damaged block files: data goes in through an appender, the head is cut into blocks,
/// the database is closed, then a block's index, chunk file or meta.json is damaged and
/// the database reopened. A block that cannot be trusted is skipped and named; damage
/// found only when a page is read surfaces as an error naming the chunk file; nothing
/// traps, and nothing wrong is ever returned as data.
@Suite("Block corruption")
struct BlockCorruptionTests {
    static let metric = "block_damage"
    static let seriesCount = 32
    static let step: Int64 = 20
    static let end: Int64 = 35_000
    static let options = damageOptions { $0.blockRange = 10_000 }

    /// Even series carry arbitrary bit patterns (incompressible), odd ones a slow ramp
    /// (compressible), so pages come out both LZ4-compressed and stored.
    static func value(_ j: Int, _ t: Int64) -> Double {
        j % 2 == 0 ? damageValue(j, t) : Double(j) * 1000 + Double(t / 1000)
    }

    static func expected(excluding ranges: [Range<Int64>] = []) -> [Labels: [Sample]] {
        var out: [Labels: [Sample]] = [:]
        for j in 0..<seriesCount {
            out[damageLabels(metric, j)] = stride(from: Int64(0), to: end, by: Int(step))
                .filter { t in !ranges.contains { $0.contains(t) } }
                .map { Sample($0, value(j, $0)) }
        }
        return out.filter { !$0.value.isEmpty }
    }

    struct Fixture {
        let dir: DamageDir
        /// Blocks cut from the head, oldest first; the head keeps the rest.
        let blocks: [BlockMeta]
        func blockPath(_ i: Int) -> String { dir.path + "/" + blocks[i].ulid }
        func range(_ i: Int) -> Range<Int64> { blocks[i].minTime..<blocks[i].maxTime }
    }

    /// 35 s of 20 ms samples for 32 series, committed once per second, then cut into
    /// blocks of 10 s: two blocks ([0, 10 s), [10 s, 20 s)) and the head.
    static func makeFixture(_ name: String) throws -> Fixture {
        let dir = DamageDir(name)
        let db = try DB.open(dir.path, options: options)
        var t: Int64 = 0
        while t < end {
            let app = db.appender()
            for j in 0..<seriesCount {
                var u = t
                while u < t + 1000 {
                    try app.append(damageLabels(metric, j), u, value(j, u))
                    u += step
                }
            }
            try app.commit()
            t += 1000
        }
        let blocks = try db.compactHead()
        try db.close()
        try #require(blocks.map(\.minTime) == [0, 10_000])
        try #require(blocks.allSatisfy { $0.stats.numPages >= 2 }, "the page tests need blocks of several pages: \(blocks.map(\.stats))")
        return Fixture(dir: dir, blocks: blocks.sorted { $0.minTime < $1.minTime })
    }

    static func difference(_ want: [Labels: [Sample]], _ got: [Labels: [Sample]]) -> String? {
        WALCorruptionTests.difference(want, got)
    }

    static func contents(_ db: DB, mint: Int64 = .min, maxt: Int64 = .max) throws -> [Labels: [Sample]] {
        try readAll(db, [.equal("__name__", metric)], mint: mint, maxt: maxt)
    }

    /// Opens the damaged copy and checks the block was skipped by name, the database is
    /// usable, and everything outside the block is intact.
    static func expectSkipped(_ f: Fixture, block i: Int, file: String, _ what: String) throws {
        let db = try DB.open(f.dir.path, options: options)
        defer { try? db.close() }
        #expect(db.skippedBlocks.map(\.name) == [f.blocks[i].ulid], "\(what): \(db.skippedBlocks)")
        if case .corrupt(let path, _, _)? = db.skippedBlocks.first?.error {
            #expect(path == f.blockPath(i) + "/" + file, "\(what): the error names the damaged file")
        } else {
            Issue.record("\(what): expected a corrupt error, got \(String(describing: db.skippedBlocks.first?.error))")
        }
        #expect(db.blocks.map(\.name) == f.blocks.indices.filter { $0 != i }.map { f.blocks[$0].ulid })
        let want = expected(excluding: [f.range(i)])
        let got = try contents(db)
        #expect(difference(want, got) == nil, "\(what): \(difference(want, got) ?? "")")
        // The damaged block is left on disk for a person to look at.
        #expect(FileManager.default.fileExists(atPath: f.blockPath(i) + "/" + file))
    }

    // MARK: - index

    @Test("A truncated index: the block is skipped and named, the rest stays readable")
    func truncatedIndex() throws {
        let pristine = try Self.makeFixture("block-index-cut")
        let size = Damage.size(pristine.blockPath(0) + "/index")
        for cut in [0, 4, 8, 9, size / 3, size / 2, size - 104, size - 5, size - 1] {
            let f = Fixture(dir: try pristine.dir.copy("block-index-cut-case"), blocks: pristine.blocks)
            try Damage.truncate(f.blockPath(0) + "/index", to: cut)
            try Self.expectSkipped(f, block: 0, file: "index", "index cut to \(cut) of \(size) bytes")
        }
    }

    @Test("Every byte of an index with a flipped bit is caught when the block opens")
    func indexBitFlipsEverywhere() throws {
        let f = try Self.makeFixture("block-index-flip")
        let path = f.blockPath(1) + "/index"
        let pristine = try Damage.bytes(path)
        for offset in pristine.indices {
            var b = pristine
            b[offset] ^= UInt8(1) << UInt8(offset % 8)
            try Damage.write(path, b)
            let error = storageError { () throws(StorageError) in _ = try BlockReader(directory: f.blockPath(1)) }
            if error == nil {
                Issue.record("index byte \(offset) (bit \(offset % 8)) flipped: the block opened anyway")
            } else if error?.corruptPath != path {
                Issue.record("index byte \(offset) flipped: \(error!)")
            }
        }
        try Damage.write(path, pristine)
        // Through the database: the block is skipped, the other block and the head read.
        for offset in [3, pristine.count / 2, pristine.count - 50] {
            let copy = Fixture(dir: try f.dir.copy("block-index-flip-db"), blocks: f.blocks)
            try Damage.flipBit(copy.blockPath(1) + "/index", at: offset, bit: 4)
            try Self.expectSkipped(copy, block: 1, file: "index", "index byte \(offset) flipped")
        }
    }

    // MARK: - meta.json

    @Test("A garbage meta.json: the block is skipped and named, the rest stays readable")
    func garbageMeta() throws {
        let pristine = try Self.makeFixture("block-meta")
        let real = try Damage.bytes(pristine.blockPath(0) + "/meta.json")
        let variants: [(String, [UInt8])] = [
            ("empty", []),
            ("binary garbage", WALCorruptionTests.garbage(300, seed: 3)),
            ("cut in half", Array(real.prefix(real.count / 2))),
            ("an empty object", Array("{}".utf8)),
            ("a JSON array", Array("[1, 2, 3]".utf8)),
            ("wrong field types", Array(String(decoding: real, as: UTF8.self).replacingOccurrences(of: "\"minTime\" : 0", with: "\"minTime\" : \"zero\"").utf8)),
            ("an unknown version", Array(String(decoding: real, as: UTF8.self).replacingOccurrences(of: "\"version\" : 1", with: "\"version\" : 99").utf8)),
        ]
        for (what, bytes) in variants {
            let f = Fixture(dir: try pristine.dir.copy("block-meta-case"), blocks: pristine.blocks)
            try #require(bytes != real, "\(what): the variant must differ from the real meta.json")
            try Damage.write(f.blockPath(0) + "/meta.json", bytes)
            try Self.expectSkipped(f, block: 0, file: "meta.json", "meta.json \(what)")
        }
    }

    // MARK: - chunk pages

    struct Page {
        var offset: Int
        var rawSize: Int
        var storedSize: Int
        var codec: UInt8
    }

    /// The pages of a chunk file, from the documented framing: 8-byte magic, then pages
    /// of { u32 raw size, u32 stored size, u32 crc32c, u8 codec, stored bytes }.
    static func pages(_ bytes: [UInt8]) -> [Page] {
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        var out: [Page] = []
        var o = 8
        while o + 13 <= bytes.count {
            let p = Page(offset: o, rawSize: u32(o), storedSize: u32(o + 4), codec: bytes[o + 12])
            out.append(p)
            o += 13 + p.storedSize
        }
        return out
    }

    /// Series of block `i` (by labels) with the page offsets their chunks live in.
    static func pagesBySeries(_ f: Fixture, block i: Int) throws -> [Labels: Set<Int>] {
        let reader = try BlockReader(directory: f.blockPath(i))
        var out: [Labels: Set<Int>] = [:]
        for id in 0..<UInt64(reader.index.seriesCount) {
            let (labels, chunks) = try reader.index.series(id)
            out[labels] = Set(chunks.map(\.pageOffset))
        }
        return out
    }

    @Test("A flipped bit inside a page: reading an affected series throws naming the chunk file; others still read")
    func chunkPageBitFlip() throws {
        let pristine = try Self.makeFixture("block-page")
        let chunkFile = pristine.blockPath(0) + "/chunks/000001"
        let pages = Self.pages(try Damage.bytes(chunkFile))
        try #require(pages.count >= 2)
        let bySeries = try Self.pagesBySeries(pristine, block: 0)
        for victim in [pages[0], pages[pages.count - 1]] {
            let f = Fixture(dir: try pristine.dir.copy("block-page-case"), blocks: pristine.blocks)
            let path = f.blockPath(0) + "/chunks/000001"
            try Damage.flipBit(path, at: victim.offset + 13 + victim.storedSize / 2, bit: 3)
            let affected = Set(bySeries.filter { $0.value.contains(victim.offset) }.keys)
            try #require(!affected.isEmpty && affected.count < Self.seriesCount, "the victim page must hold some series but not all")

            let db = try DB.open(f.dir.path, options: Self.options)
            defer { try? db.close() }
            #expect(db.skippedBlocks.isEmpty, "pages are checked when read, not at open")
            let want = Self.expected()
            for s in try db.querier().select([.equal("__name__", Self.metric)], mint: .min, maxt: .max) {
                if affected.contains(s.labels) {
                    let error = #expect(throws: StorageError.self, "\(s.labels) reads a damaged page") { try s.samples() }
                    if case .corrupt(let p, let offset, let reason)? = error {
                        #expect(p == path, "the error names the chunk file: \(error!)")
                        #expect(offset == victim.offset, "the error names the page: \(error!)")
                        #expect(reason.contains("checksum"), "\(error!)")
                    } else {
                        Issue.record("\(s.labels): expected a corrupt error naming the chunk file, got \(String(describing: error))")
                    }
                    // Iterating stops with `error` set; what it yielded before is correct.
                    var it = s.makeIterator()
                    var yielded: [Sample] = []
                    while it.next() { yielded.append(Sample(it.timestamp, it.value)) }
                    #expect(it.error != nil)
                    #expect(Array(want[s.labels]!.prefix(yielded.count)) == yielded, "\(s.labels): samples before the damage are right")
                    // The same series outside the damaged block is fine.
                    let later = try db.querier().select([.equal("series", s.labels["series"]!)], mint: f.blocks[0].maxTime, maxt: .max)
                    #expect(try later.first?.samples() == want[s.labels]!.filter { $0.timestamp >= f.blocks[0].maxTime })
                } else {
                    #expect(try s.samples() == want[s.labels], "\(s.labels) lives in undamaged pages")
                }
            }
            let reader = try #require(db.blocks.first { $0.name == f.blocks[0].ulid })
            #expect(throws: StorageError.self) { try reader.verify() }
        }
    }

    @Test("Every header bit of every page, and a sample of data bytes, flipped: verify() reports the chunk file")
    func chunkFileFlipsEverywhere() throws {
        let f = try Self.makeFixture("block-page-all")
        // Plus an imported block of incompressible values only, for stored (codec 0) pages.
        var blockDirs = f.blocks.indices.map { f.blockPath($0) }
        do {
            let db = try DB.open(f.dir.path, options: Self.options)
            var rng = SplitMix64(seed: 42)
            let series = (0..<16).map { j in
                // Irregular timestamps and random bits: nothing for LZ4 to find.
                var t: Int64 = 100_000
                let ts = (0..<1000).map { _ in t += 1 + Int64(rng.next() % 9); return t }
                return (labels: damageLabels("imported", j), timestamps: ts, values: ts.map { _ in Double(bitPattern: rng.next()) })
            }
            let imported = try db.writeBlock(minTime: 100_000, maxTime: 110_000, series: series.sorted { $0.labels < $1.labels })
            try db.close()
            blockDirs.append(f.dir.path + "/" + (try #require(imported)).ulid)
        }
        var codecs = Set<UInt8>()
        for (block, blockDir) in blockDirs.enumerated() {
            let path = blockDir + "/chunks/000001"
            let pristine = try Damage.bytes(path)
            let pages = Self.pages(pristine)
            try #require(pages.last.map { $0.offset + 13 + $0.storedSize } == pristine.count)
            var flips: [(offset: Int, bit: Int, what: String)] = []
            for (k, p) in pages.enumerated() {
                for byte in 0..<13 {
                    for bit in 0..<8 { flips.append((p.offset + byte, bit, "page \(k) (codec \(p.codec)) header byte \(byte)")) }
                }
            }
            var rng = SplitMix64(seed: UInt64(block) + 11)
            for _ in 0..<150 {
                let p = pages[Int(rng.next() % UInt64(pages.count))]
                flips.append((p.offset + 13 + Int(rng.next() % UInt64(p.storedSize)), Int(rng.next() % 8), "page data"))
            }
            codecs.formUnion(pages.map(\.codec))
            for (offset, bit, what) in flips {
                var b = pristine
                b[offset] ^= UInt8(1) << UInt8(bit)
                try Damage.write(path, b)
                let error = storageError { () throws(StorageError) in try BlockReader(directory: blockDir).verify() }
                if error == nil {
                    Issue.record("block \(block), \(what), offset \(offset) bit \(bit): verify() found nothing")
                } else if error?.corruptPath != path {
                    Issue.record("block \(block), \(what), offset \(offset) bit \(bit): the error does not name \(path): \(error!)")
                }
            }
            try Damage.write(path, pristine)
            // The chunk file's magic: the block is refused at open.
            for offset in 0..<8 {
                var b = pristine
                b[offset] ^= 0x20
                try Damage.write(path, b)
                #expect(throws: StorageError.self) { try BlockReader(directory: blockDir) }
            }
            try Damage.write(path, pristine)
        }
        #expect(codecs == [0, 1], "both stored and LZ4 pages were damaged")
    }

    @Test("A truncated or missing chunk file: errors name it, earlier pages still read")
    func truncatedChunkFile() throws {
        let pristine = try Self.makeFixture("block-chunks-cut")
        let bySeries = try Self.pagesBySeries(pristine, block: 0)
        let pages = Self.pages(try Damage.bytes(pristine.blockPath(0) + "/chunks/000001"))
        try #require(pages.count >= 2)
        let last = pages[pages.count - 1]
        let want = Self.expected()
        for cut in [last.offset + 13 + last.storedSize / 2, last.offset + 5, last.offset] {
            let f = Fixture(dir: try pristine.dir.copy("block-chunks-cut-case"), blocks: pristine.blocks)
            let path = f.blockPath(0) + "/chunks/000001"
            try Damage.truncate(path, to: cut)
            let db = try DB.open(f.dir.path, options: Self.options)
            defer { try? db.close() }
            #expect(db.skippedBlocks.isEmpty)
            for s in try db.querier().select([.equal("__name__", Self.metric)], mint: .min, maxt: .max) {
                if bySeries[s.labels]!.contains(last.offset) {
                    let error = #expect(throws: StorageError.self) { try s.samples() }
                    if case .corrupt(let p, _, _)? = error { #expect(p == path, "\(error!)") } else { Issue.record("cut \(cut): \(String(describing: error))") }
                } else {
                    #expect(try s.samples() == want[s.labels], "cut \(cut): \(s.labels) is in an intact page")
                }
            }
        }
        // A chunk file cut inside its magic: the block is refused at open.
        do {
            let f = Fixture(dir: try pristine.dir.copy("block-chunks-magic"), blocks: pristine.blocks)
            try Damage.truncate(f.blockPath(0) + "/chunks/000001", to: 5)
            try Self.expectSkipped(f, block: 0, file: "chunks/000001", "chunk file cut to 5 bytes")
        }
        // A missing chunk file: the block opens, reads of it fail and say so.
        do {
            let f = Fixture(dir: try pristine.dir.copy("block-chunks-gone"), blocks: pristine.blocks)
            try FileManager.default.removeItem(atPath: f.blockPath(0) + "/chunks/000001")
            let db = try DB.open(f.dir.path, options: Self.options)
            defer { try? db.close() }
            let error = #expect(throws: StorageError.self) { try Self.contents(db) }
            #expect("\(String(describing: error))".contains("missing"))
            #expect(Self.difference(Self.expected(excluding: [f.range(0)]), try Self.contents(db, mint: f.blocks[0].maxTime)) == nil)
        }
    }
}


/// The error `body` throws, or nil.
func storageError(_ body: () throws(StorageError) -> Void) -> StorageError? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

extension StorageError {
    /// The file a `.corrupt` error names, else nil.
    var corruptPath: String? {
        if case .corrupt(let path, _, _) = self { return path }
        return nil
    }
}
