import Foundation
import Testing
import TidemarkServer
import TidemarkStorage

/// `/api/v1/admin/tsdb/*`.
@Suite struct AdminEndpointTests {
    @Test func snapshotLinksBlocksAndCopiesTheWAL() async throws {
        let f = try APIFixture("snapshot", samples: APIFixture.standardSamples())
        defer { f.close() }
        _ = try f.db.compactHead(force: true)
        let app = f.db.appender()
        try app.append(Labels(["__name__": "late"]), 1_800_000_000_000, 1)
        try app.commit()
        let r = await f.api.snapshot(APIRequest())
        let name = try #require((try jsonObject(r)["data"] as? [String: Any])?["name"] as? String)
        let dir = f.path + "/snapshots/" + name
        // The snapshot opens as a data directory holding the block and the WAL's sample.
        let copy = try DB.open(dir)
        defer { try? copy.close() }
        #expect(copy.blocks.count == f.db.blocks.count && !copy.blocks.isEmpty)
        let up = try copy.querier().select([.equal("__name__", "up")], mint: .min, maxt: .max)
        #expect(up.count == 3)
        let late = try copy.querier().select([.equal("__name__", "late")], mint: .min, maxt: .max)
        #expect(try late.first?.samples() == [Sample(1_800_000_000_000, 1)])
        // The blocks' files are hard links, not copies.
        let block = f.db.blocks[0].directory
        let src = try FileManager.default.attributesOfItem(atPath: block + "/meta.json")[.systemFileNumber] as? Int
        let dst = try FileManager.default.attributesOfItem(atPath: dir + "/" + (block as NSString).lastPathComponent + "/meta.json")[.systemFileNumber] as? Int
        #expect(src != nil && src == dst)
    }

    @Test func deletionSaysItIsUnsupported() async throws {
        let f = try APIFixture("delete")
        defer { f.close() }
        let r = await f.api.deletionUnsupported(form(("match[]", "up")))
        #expect(r.status == 501)
        #expect(r.text.contains("no tombstones"))
    }
}
