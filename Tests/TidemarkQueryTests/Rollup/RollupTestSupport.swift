import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery

/// A DB in a temporary directory with the given rollup resolutions, filled by `fill`,
/// rolled up (no age limit), and two engines over it: one using rollups, one raw only.
final class RollupTestDB: @unchecked Sendable {
    let path = NSTemporaryDirectory() + "tidemark-rollup-q-\(UUID().uuidString)"
    let db: DB
    let rollups: Engine
    let raw: Engine

    init(_ resolutions: [RollupResolution], fill: (DB) throws -> Void) throws {
        var o = DBOptions()
        o.backgroundCompaction = false
        o.walSyncPolicy = .never
        o.rollups.resolutions = resolutions
        db = try DB.open(path, options: o)
        try fill(db)
        try db.writeRollups(now: 4_000_000_000_000)
        rollups = Engine(storage: db)
        var ro = EngineOptions()
        ro.useRollups = false
        raw = Engine(storage: db, options: ro)
    }

    deinit {
        try? db.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Compares the rollup-served and raw answers of a range query: same series, same
    /// points, values bit for bit or within `tolerance` relative. With `resolution`, also
    /// checks that the plan reads at that resolution. Returns the points compared.
    @discardableResult
    func compare(_ q: String, _ start: Int64, _ end: Int64, _ step: Int64, tolerance: Double = 0, resolution: String? = nil,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> Int {
        let e = try PromQL.parse(q)
        if let r = resolution {
            #expect(rollups.explain(e, start: start, end: end, step: step).contains("at \(r) resolution"), "\(q)", sourceLocation: sourceLocation)
        }
        guard case .matrix(let a) = try rollups.rangeQuery(e, start: start, end: end, step: step).value,
              case .matrix(let b) = try raw.rangeQuery(e, start: start, end: end, step: step).value
        else {
            Issue.record("\(q): not a matrix", sourceLocation: sourceLocation)
            return 0
        }
        #expect(a.map(\.labels) == b.map(\.labels), "\(q)", sourceLocation: sourceLocation)
        var n = 0
        for (x, y) in zip(a, b) {
            #expect(x.samples.map(\.timestamp) == y.samples.map(\.timestamp), "\(q) \(x.labels)", sourceLocation: sourceLocation)
            for (p, r) in zip(x.samples, y.samples) {
                n += 1
                let same = p.value.bitPattern == r.value.bitPattern || (p.value.isNaN && r.value.isNaN)
                    || abs(p.value - r.value) <= tolerance * max(abs(p.value), abs(r.value))
                if !same {
                    Issue.record("\(q) \(x.labels) @\(p.timestamp): rollup \(p.value) raw \(r.value)", sourceLocation: sourceLocation)
                    return n
                }
            }
        }
        return n
    }
}
