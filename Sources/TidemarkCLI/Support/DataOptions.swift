import ArgumentParser
import TidemarkStorage

/// Options shared by every command that opens a data directory.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (created if missing).")
    var data: String = "tidemark-data"

    @Option(name: .customLong("wal-sync"), help: "WAL sync policy: commit (fsync every commit), never, or an interval like 200ms or 1s.")
    var walSync: String = "commit"

    @Option(name: .customLong("retention.time"), help: "Keep raw data this long (Prometheus duration, e.g. 15d, 12h; 0 keeps it forever).")
    var retentionTime: String = "15d"

    @Option(name: .customLong("retention.size"), help: "Keep at most this many bytes of raw blocks (e.g. 512MB, 10GB); the oldest blocks go first. Default: no limit.")
    var retentionSize: String?

    @Option(name: .customLong("storage.page-cache-size"), help: "Memory for decompressed block pages that queries reuse (e.g. 128MB, 1GB; 0 turns it off).")
    var pageCacheSize: String = "128MB"

    func dbOptions(background: Bool = false) throws -> DBOptions {
        guard let policy = WALSyncPolicy(parsing: walSync) else {
            throw ValidationError("--wal-sync: expected commit, never or an interval like 200ms; got '\(walSync)'")
        }
        var o = DBOptions()
        o.walSyncPolicy = policy
        o.retention["raw"] = try retention()
        o.backgroundCompaction = background
        guard let cache = Self.parseBytes(pageCacheSize) else {
            throw ValidationError("--storage.page-cache-size: expected a size like 128MB or 1GB (or 0); got '\(pageCacheSize)'")
        }
        o.pageCacheBytes = cache
        o.log = { Terminal.warn($0) }
        return o
    }

    /// The raw-data retention the flags ask for.
    func retention() throws -> Retention {
        let time: Int64?
        if retentionTime == "0" {
            time = nil
        } else if let ms = TimeArgument.parseDuration(retentionTime), ms > 0 {
            time = ms
        } else {
            throw ValidationError("--retention.time: expected a duration like 15d or 12h (or 0 for no limit); got '\(retentionTime)'")
        }
        var size: Int?
        if let text = retentionSize {
            guard let bytes = Self.parseBytes(text) else {
                throw ValidationError("--retention.size: expected a size like 512MB or 10GB; got '\(text)'")
            }
            size = bytes
        }
        return Retention(time: time, size: size)
    }

    /// Prometheus's byte sizes: `B`, `KB`, `MB`, `GB`, `TB`, `PB` (powers of 1024), or plain bytes.
    static func parseBytes(_ s: String) -> Int? {
        let units: [(String, Int)] = [("PB", 1 << 50), ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        let upper = s.uppercased()
        for (suffix, factor) in units where upper.hasSuffix(suffix) {
            guard let n = Int(upper.dropLast(suffix.count)), n >= 0, n <= Int.max / factor else { return nil }
            return n * factor
        }
        return Int(s).flatMap { $0 >= 0 ? $0 : nil }
    }

    func open(background: Bool = false) throws -> DB {
        let db = try DB.open(data, options: dbOptions(background: background))
        return db
    }
}
