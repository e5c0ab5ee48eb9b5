import Foundation
import TidemarkStorage
#if canImport(Glibc)
import Glibc
#endif

/// `/api/v1/admin/tsdb/*`.
extension TidemarkAPI {
    /// `POST /api/v1/admin/tsdb/snapshot`: a copy of the data directory under
    /// `snapshots/<name>`: every block (raw and rollup) hard-linked (blocks are
    /// immutable), the pending deletions copied, and, unless
    /// `skip_head=true`, the WAL copied (a snapshot opened as a data directory replays it;
    /// a record being written during the copy is a torn tail that replay truncates).
    /// Answers `{"name": "<name>"}`.
    public func snapshot(_ r: APIRequest) async -> APIResponse {
        let skipHead = r.value("skip_head") == "true"
        return await offload { [db] in
            let f = DateFormatter()
            f.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
            f.timeZone = TimeZone(identifier: "UTC")
            let name = f.string(from: Date()) + "-" + String(format: "%016llx", UInt64.random(in: 0...UInt64.max))
            let dir = db.directory + "/snapshots/" + name
            do {
                let fm = FileManager.default
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for block in db.blocks {
                    try Self.linkTree(block.directory, dir + "/" + (block.directory as NSString).lastPathComponent)
                }
                // Deletions not yet compacted away apply to the linked blocks too.
                let tombstones = db.directory + "/tombstones.json"
                if fm.fileExists(atPath: tombstones) { try fm.copyItem(atPath: tombstones, toPath: dir + "/tombstones.json") }
                if !skipHead {
                    try fm.createDirectory(atPath: dir + "/wal", withIntermediateDirectories: true)
                    for seg in try fm.contentsOfDirectory(atPath: db.directory + "/wal") {
                        try fm.copyItem(atPath: db.directory + "/wal/" + seg, toPath: dir + "/wal/" + seg)
                    }
                }
            } catch {
                return .error(APIError(.internal, "create snapshot: \(error)"))
            }
            return .success(dataJSON: "{\"name\":\"\(name)\"}")
        }
    }

    /// Recreates the directory tree `from` at `to`, hard-linking every file.
    static func linkTree(_ from: String, _ to: String) throws {
        let fm = FileManager.default
        try fm.createDirectory(atPath: to, withIntermediateDirectories: true)
        for entry in try fm.contentsOfDirectory(atPath: from) {
            let src = from + "/" + entry, dst = to + "/" + entry
            var isDir: ObjCBool = false
            _ = fm.fileExists(atPath: src, isDirectory: &isDir)
            if isDir.boolValue {
                try linkTree(src, dst)
            } else if link(src, dst) != 0 {
                throw StorageError.io(op: "link", path: dst, errno: errno)
            }
        }
    }

    /// `POST|PUT /api/v1/admin/tsdb/delete_series`: deletes the samples in [`start`,
    /// `end`] (default: all time) of the series matching any `match[]`, through the
    /// storage's tombstones: queries stop seeing them at once. Answers 204.
    public func deleteSeries(_ r: APIRequest) async -> APIResponse {
        await offload { [self] in
            respond { () throws(APIError) -> APIResponse in
                let sets = try r.matcherSets(required: true)
                let (start, end) = try r.timeRange()
                do {
                    for m in sets { try db.deleteSeries(m, mint: start, maxt: end) }
                } catch { throw APIError(.internal, "\(error)") }
                return APIResponse(status: 204, contentType: "application/json", body: [])
            }
        }
    }

    /// `POST|PUT /api/v1/admin/tsdb/clean_tombstones`: rewrites the blocks that still
    /// hold deleted samples. Answers 204.
    public func cleanTombstones(_ r: APIRequest) async -> APIResponse {
        await offload { [db] in
            do { try db.cleanTombstones() } catch { return .error(APIError(.internal, "\(error)")) }
            return APIResponse(status: 204, contentType: "application/json", body: [])
        }
    }
}
