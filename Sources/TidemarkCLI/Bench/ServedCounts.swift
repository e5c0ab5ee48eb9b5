import Foundation
import TidemarkWorkloads

/// What a server holds, asked the same way of Tidemark, Prometheus and VictoriaMetrics
/// over the Prometheus API: for each metric name (`/api/v1/label/__name__/values`),
/// `count(count_over_time(NAME[…]))` series and `sum(count_over_time(NAME[…]))` samples,
/// over a window covering the whole workload. (One query over all names would fail:
/// count_over_time drops the name, and series differing only in it would collide.)
struct ServedCounts {
    var series = 0
    var samples = 0

    init(_ base: String, covering workload: any BenchWorkload) throws {
        let from = workload.firstTime / 1000 - 60
        let to = max(workload.lastTime / 1000 + 60, Int64(Date().timeIntervalSince1970))
        let names = try Self.data(base + "/api/v1/label/__name__/values?start=\(from)&end=\(to)", "label values") as? [String] ?? []
        // Evaluated a minute after the last sample, over a window reaching a minute
        // before the first (the window is open on the left).
        let window = "[\((workload.lastTime - workload.firstTime) / 1000 + 120)s]"
        for name in names {
            let selector = "count_over_time({__name__=\"\(name)\"}\(window))"
            series += try Self.number(base, "count(\(selector))", at: workload.lastTime + 60_000)
            samples += try Self.number(base, "sum(\(selector))", at: workload.lastTime + 60_000)
        }
    }

    /// The single value of an instant query's answer (0 when empty).
    private static func number(_ base: String, _ promql: String, at time: Int64) throws -> Int {
        let r = try PromQLHTTPClient.query(base, BenchQuery(name: "count", promql: promql, range: 0, step: 0), time: time)
        guard r.status == 200 else {
            throw CLIError("\(promql) answered HTTP \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
        }
        return Int(try QueryAnswer(json: r.body).series.values.first?.first?.1 ?? 0)
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
