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

    @Test func deleteSeriesHidesSamplesAndCleanTombstonesRewritesBlocks() async throws {
        let f = try APIFixture("delete", samples: APIFixture.standardSamples())
        defer { f.close() }
        _ = try f.db.compactHead(force: true)
        #expect(await f.api.deleteSeries(form()).status == 400)
        let r = await f.api.deleteSeries(form(("match[]", "up{job=\"api\"}"), ("start", "1700000000"), ("end", "1700000240")))
        #expect(r.status == 204)
        // Samples after the deleted range remain: the first api sample left is at 1700000300.
        let q = await f.api.query(form(("query", "count_over_time(up{job=\"api\"}[1h])"), ("time", "1700000600")))
        #expect(q.text.contains(#""value":[1700000600,"5"]"#), "\(q.text)")
        #expect(await f.api.cleanTombstones(form()).status == 204)
        let again = await f.api.query(form(("query", "count_over_time(up[1h])"), ("time", "1700000600")))
        #expect(again.text.contains(#"{"metric":{"instance":"c:1","job":"db"},"value":[1700000600,"10"]}"#), "\(again.text)")
        #expect(again.text.contains(#"{"metric":{"instance":"a:1","job":"api"},"value":[1700000600,"5"]}"#))
    }
}
