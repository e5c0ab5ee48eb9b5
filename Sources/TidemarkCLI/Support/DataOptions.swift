import ArgumentParser
import TidemarkStorage

/// Options shared by every command that opens a data directory.
struct DataOptions: ParsableArguments {
    @Option(name: .long, help: "Data directory (created if missing).")
    var data: String = "tidemark-data"

    @Option(name: .customLong("wal-sync"), help: "WAL sync policy: commit (fsync every commit), never, or an interval like 200ms or 1s.")
    var walSync: String = "commit"

    func dbOptions(background: Bool = false) throws -> DBOptions {
        guard let policy = WALSyncPolicy(parsing: walSync) else {
            throw ValidationError("--wal-sync: expected commit, never or an interval like 200ms; got '\(walSync)'")
        }
        var o = DBOptions()
        o.walSyncPolicy = policy
        o.backgroundCompaction = background
        o.log = { Terminal.warn($0) }
        return o
    }

    func open(background: Bool = false) throws -> DB {
        let db = try DB.open(data, options: dbOptions(background: background))
        return db
    }
}
