import Foundation
import Testing
import TidemarkStorage
@testable import TidemarkQuery

/// A DB in a temporary directory, loaded with series, plus an engine over it.
final class EngineFixture {
    let path: String
    let db: DB
    let engine: Engine

    /// `series`: label dictionaries and their samples (ms, value).
    init(_ series: [([String: String], [(Int64, Double)])], options: EngineOptions = EngineOptions()) throws {
        path = NSTemporaryDirectory() + "tidemark-engine-\(UUID().uuidString)"
        var o = DBOptions()
        o.backgroundCompaction = false
        o.walSyncPolicy = .never
        db = try DB.open(path, options: o)
        let app = db.appender()
        for (labels, samples) in series {
            for (t, v) in samples { try app.append(Labels(labels), t, v) }
        }
        try app.commit()
        engine = Engine(storage: db, options: options)
    }

    deinit {
        try? db.close()
        try? FileManager.default.removeItem(atPath: path)
    }

    func instant(_ q: String, at t: Int64) throws -> QueryResult {
        try engine.instantQuery(try PromQL.parse(q), at: t)
    }

    func range(_ q: String, _ start: Int64, _ end: Int64, _ step: Int64) throws -> QueryResult {
        try engine.rangeQuery(try PromQL.parse(q), start: start, end: end, step: step)
    }

    /// Instant-vector result as [labels description: value].
    func vector(_ q: String, at t: Int64) throws -> [String: Double] {
        guard case .vector(let v) = try instant(q, at: t).value else {
            Issue.record("\(q): not a vector")
            return [:]
        }
        var out: [String: Double] = [:]
        for s in v { out[s.labels.description] = s.v }
        return out
    }

    func scalar(_ q: String, at t: Int64) throws -> Double {
        guard case .scalar(_, let v) = try instant(q, at: t).value else {
            Issue.record("\(q): not a scalar")
            return .nan
        }
        return v
    }

    func error(_ q: String, at t: Int64) -> QueryError? {
        do {
            _ = try instant(q, at: t)
            return nil
        } catch let e as QueryError {
            return e
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }
}

/// Samples every `step` ms from 0: values from `values`.
func every(_ step: Int64, _ values: [Double], from start: Int64 = 0) -> [(Int64, Double)] {
    values.enumerated().map { (start + Int64($0.offset) * step, $0.element) }
}

let staleMarker = Double(bitPattern: 0x7ff0_0000_0000_0002)

func close(_ a: Double?, _ b: Double, _ eps: Double = 1e-9) -> Bool {
    guard let a else { return false }
    if a.isNaN && b.isNaN { return true }
    if a == b { return true }
    return abs(a - b) <= eps * max(abs(a), abs(b))
}
