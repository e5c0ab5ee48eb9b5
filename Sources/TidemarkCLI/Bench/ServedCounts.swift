import Foundation
import TidemarkWorkloads

/// What a server holds, asked over its Prometheus API: series from
/// `/api/v1/status/tsdb` (`headStats.numSeries`, which counts head and blocks in
/// Tidemark), samples as `sum(count_over_time(NAME[…]))` per metric name (one query over
/// all names would fail: count_over_time drops the names, and series differing only in
/// their name would collide) over a window that covers the whole workload.
struct ServedCounts {
    var series: Int
    var samples: Int

    init(_ base: String, covering workload: any BenchWorkload) throws {
        let status = try Self.data(base + "/api/v1/status/tsdb", "status/tsdb") as? [String: Any]
        let head = status?["headStats"] as? [String: Any]
        guard let n = head?["numSeries"] as? Int else { throw CLIError("/api/v1/status/tsdb has no headStats.numSeries") }
        series = n
        let names = try Self.data(base + "/api/v1/label/__name__/values", "label values") as? [String] ?? []
        // Evaluated a minute after the last sample, over a window reaching a minute
        // before the first (the window is open on the left).
        let seconds = (workload.lastTime - workload.firstTime) / 1000 + 120
        samples = 0
        for name in names {
            let q = BenchQuery(name: "count", promql: "sum(count_over_time({__name__=\"\(name)\"}[\(seconds)s]))", range: 0, step: 0)
            let r = try PromQLHTTPClient.query(base, q, time: workload.lastTime + 60_000)
            guard r.status == 200 else {
                throw CLIError("counting the stored samples of \(name) answered HTTP \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            }
            samples += Int(try QueryAnswer(json: r.body).series.values.first?.first?.1 ?? 0)
        }
    }

    /// The `data` member of a successful Prometheus API answer.
    private static func data(_ url: String, _ what: String) throws -> Any {
        let r = try PromQLHTTPClient.get(url)
        guard r.status == 200, let obj = try? JSONSerialization.jsonObject(with: r.body) as? [String: Any], let data = obj["data"] else {
            throw CLIError("\(what) answered HTTP \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
        }
        return data
    }
}
