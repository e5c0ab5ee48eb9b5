import Foundation

/// `meta.json` of a block: what it covers and how it was made (docs/format/block.md).
public struct BlockMeta: Codable, Sendable, Equatable {
    /// Sortable unique id, also the block's directory name.
    public var ulid: String
    /// Inclusive lower and exclusive upper bound of the block's time range (ms).
    public var minTime: Int64
    public var maxTime: Int64
    public var stats: Stats
    /// Format version of the index and chunk files.
    public var version: Int
    /// "raw" for full-resolution data, else a rollup window such as "5m" (docs/format/rollup.md).
    public var resolution: String
    /// "head" when cut from the head (or merged from blocks of which one was), "import"
    /// when written by a bulk import (or merged from imports only), "rollup" for a
    /// rollup block.
    public var source: String
    /// For a merged block: what it replaced. Absent in blocks written directly.
    public var compaction: Compaction?

    /// How a merged block came to be (Prometheus keeps the same in its meta.json).
    public struct Compaction: Codable, Sendable, Equatable {
        /// 1 for blocks written directly; a merge is one more than its deepest source.
        public var level: Int
        /// ULIDs of the directly written blocks whose data this block holds. When a
        /// block's ULID is listed here by another complete block, it has been replaced
        /// (a crash may have left it on disk; opening the database removes it).
        public var sources: [String]

        public init(level: Int, sources: [String]) {
            self.level = level
            self.sources = sources
        }
    }

    public init(ulid: String, minTime: Int64, maxTime: Int64, stats: Stats, version: Int,
                resolution: String, source: String, compaction: Compaction? = nil) {
        self.ulid = ulid
        self.minTime = minTime
        self.maxTime = maxTime
        self.stats = stats
        self.version = version
        self.resolution = resolution
        self.source = source
        self.compaction = compaction
    }

    public struct Stats: Codable, Sendable, Equatable {
        public var numSeries: Int
        public var numChunks: Int
        public var numSamples: Int
        public var numPages: Int
    }

    public static let currentVersion = 1

    func encoded() -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.prettyPrinted, .sortedKeys]
        return Array((try? enc.encode(self)) ?? Data())
    }

    static func decode(_ bytes: [UInt8], path: String) throws(StorageError) -> BlockMeta {
        do {
            let meta = try JSONDecoder().decode(BlockMeta.self, from: Data(bytes))
            guard meta.version == currentVersion else {
                throw StorageError.corrupt(path: path, offset: 0, reason: "unsupported block version \(meta.version)")
            }
            return meta
        } catch let e as StorageError {
            throw e
        } catch {
            throw .corrupt(path: path, offset: 0, reason: "meta.json is not valid: \(error)")
        }
    }
}

/// Generates ULIDs: 48-bit millisecond time + 80 random bits, Crockford base32, so
/// names sort by creation time.
enum ULID {
    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")

    static func make(milliseconds: UInt64 = UInt64(Date().timeIntervalSince1970 * 1000)) -> String {
        var g = SystemRandomNumberGenerator()
        var out: [Character] = []
        for i in (0..<10).reversed() { out.append(alphabet[Int((milliseconds >> UInt64(i * 5)) & 31)]) }
        for _ in 0..<16 { out.append(alphabet[Int(g.next() & 31)]) }
        return String(out)
    }
}
