import Foundation
import TidemarkServer
import TidemarkStorage

/// A temporary database with a `TidemarkAPI` over it; removed by `close()`.
final class APIFixture {
    let path: String
    let db: DB
    let api: TidemarkAPI

    init(_ name: String, options: ServerOptions = ServerOptions(), samples: [(Labels, Int64, Double)] = []) throws {
        path = NSTemporaryDirectory() + "tidemark-server-\(name)-\(UUID().uuidString)"
        var o = DBOptions()
        o.walSyncPolicy = .never
        o.backgroundCompaction = false
        db = try DB.open(path, options: o)
        if !samples.isEmpty {
            let app = db.appender()
            for (l, t, v) in samples { try app.append(l, t, v) }
            try app.commit()
        }
        var options = options
        options.port = 0  // live servers in tests always take an ephemeral loopback port
        api = TidemarkAPI(db: db, options: options)
    }

    /// `up`-style series: three targets of two jobs, one sample a minute for 10 minutes
    /// from t=1700000000s, value = minute index × (target index + 1).
    static func standardSamples() -> [(Labels, Int64, Double)] {
        let targets = [["job": "api", "instance": "a:1"], ["job": "api", "instance": "b:1"], ["job": "db", "instance": "c:1"]]
        var out: [(Labels, Int64, Double)] = []
        for (i, t) in targets.enumerated() {
            var l = t
            l["__name__"] = "up"
            let labels = Labels(l)
            var c = t
            c["__name__"] = "requests_total"
            let counter = Labels(c)
            for m in 0..<10 {
                out.append((labels, 1_700_000_000_000 + Int64(m) * 60_000, 1))
                out.append((counter, 1_700_000_000_000 + Int64(m) * 60_000, Double(m * (i + 1))))
            }
        }
        return out
    }

    func close() {
        try? db.close()
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A request from `name=value` pairs.
func form(_ pairs: (String, String)...) -> APIRequest {
    var f: [String: [String]] = [:]
    for (k, v) in pairs { f[k, default: []].append(v) }
    return APIRequest(form: f)
}

/// The body parsed as a JSON object.
func jsonObject(_ r: APIResponse) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(r.body)) as? [String: Any] ?? [:]
}
