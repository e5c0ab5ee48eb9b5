import ArgumentParser
import TidemarkWorkloads

/// One query of a bench run: PromQL text and how it is evaluated, relative to the end of
/// the data.
struct BenchQuery: Sendable {
    /// Name in reports (TSBS's query-type names where there is one).
    var name: String
    var promql: String
    /// Range of a range query ending at the data's end (0: an instant query there).
    var range: Int64
    var step: Int64

    /// A `topk`/`bottomk` query: among equal values, which series it keeps is not
    /// defined, so answers are compared by their values at each step.
    var selectsByRank: Bool { promql.hasPrefix("topk(") || promql.hasPrefix("bottomk(") }

    /// The query set for a workload: TSBS's query types translated to PromQL for
    /// `cpu-only`, counter and histogram aggregations over a day (or what there is) for
    /// `node`, and aggregations across all series for `high-cardinality`. Ranges are
    /// capped at the data's span.
    static func set(for workload: any BenchWorkload, hosts: Int) -> [BenchQuery] {
        let span = max(60_000, workload.lastTime - workload.firstTime)
        let h: Int64 = 3_600_000
        func r(_ want: Int64) -> Int64 { min(want, span) }
        let m: Int64 = 60_000
        // rate() windows that start before a series' first sample are extrapolated
        // differently by Prometheus before 2.51 (prometheus/prometheus#13725; Debian ships
        // 2.42) and after; ranges of rate queries leave the data's first 10 minutes out
        // so --compare checks what both versions define the same way.
        func rr(_ want: Int64) -> Int64 { min(want, max(m, span - 10 * m)) }
        switch workload.name {
        case "cpu-only":
            let host = "host_\(hosts / 2)"
            let eight = (0..<min(8, hosts)).map { "host_\($0 * max(1, hosts / 8))" }.joined(separator: "|")
            // Several metrics in one query: each metric's result gets a `metric` label
            // (label_replace) and the results are joined with `or`. Standard PromQL, so
            // Prometheus and VictoriaMetrics answer it too (a `{__name__=~…}` selector
            // under a function would leave series that differ only in their dropped name).
            func perMetric(_ metrics: [String], _ body: (String) -> String) -> String {
                metrics.map { m in
                    "label_replace(\(body(m)), \"metric\", \"\(m.dropFirst("cpu_usage_".count))\", \"\", \"\")"
                }.joined(separator: " or ")
            }
            let five = Array(CPUOnlyWorkload.metrics.prefix(5))
            let all = CPUOnlyWorkload.metrics
            return [
                BenchQuery(name: "single-groupby-1-1-1", promql: "max(max_over_time(cpu_usage_user{hostname=\"\(host)\"}[1m]))", range: r(h), step: m),
                BenchQuery(name: "single-groupby-1-1-12", promql: "max(max_over_time(cpu_usage_user{hostname=\"\(host)\"}[1m]))", range: r(12 * h), step: m),
                BenchQuery(name: "single-groupby-5-1-12", promql: perMetric(five) { "max_over_time(\($0){hostname=\"\(host)\"}[1m])" }, range: r(12 * h), step: m),
                BenchQuery(name: "cpu-max-all-8", promql: perMetric(all) { "max by (hostname) (max_over_time(\($0){hostname=~\"\(eight)\"}[1h]))" }, range: r(8 * h), step: h),
                BenchQuery(name: "double-groupby-all", promql: perMetric(all) { "avg by (hostname) (avg_over_time(\($0)[1h]))" }, range: r(12 * h), step: h),
                BenchQuery(name: "high-cpu-all", promql: "cpu_usage_user > 90", range: r(12 * h), step: m),
                BenchQuery(name: "lastpoint", promql: perMetric(all) { "last_over_time(\($0)[1h])" }, range: 0, step: 0),
                BenchQuery(name: "groupby-orderby-limit", promql: "topk(5, max by (hostname) (max_over_time(cpu_usage_user[1m])))", range: r(5 * m), step: m),
            ]
        case "node":
            return [
                BenchQuery(name: "rate-by-job", promql: "sum by (job) (rate(http_requests_total[5m]))", range: rr(24 * h), step: m),
                BenchQuery(name: "histogram-quantile", promql: "histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))", range: rr(24 * h), step: m),
                BenchQuery(name: "topk-max-over-time", promql: "topk(5, max_over_time(node_load1[1h]))", range: r(24 * h), step: m),
                BenchQuery(name: "cpu-busy-by-host", promql: "100 - avg by (instance) (node_cpu_usage_percent{mode=\"idle\"})", range: r(6 * h), step: m),
                BenchQuery(name: "lastpoint", promql: "node_memory_MemAvailable_bytes", range: 0, step: 0),
            ]
        default:
            return [
                BenchQuery(name: "sum-rate-all", promql: "sum(rate(hc_requests_total[5m]))", range: rr(h), step: m),
                BenchQuery(name: "rate-by-shard", promql: "sum by (shard) (rate(hc_requests_total[5m]))", range: rr(h), step: m),
                BenchQuery(name: "topk-series", promql: "topk(10, increase(hc_requests_total[5m]))", range: 0, step: 0),
                BenchQuery(name: "count-series", promql: "count(hc_requests_total)", range: 0, step: 0),
            ]
        }
    }
}

extension [BenchQuery] {
    /// The queries named in `names` (comma-separated), in set order; all when nil.
    func selected(_ names: String?) throws -> [BenchQuery] {
        guard let names else { return self }
        let wanted = Set(names.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        let unknown = wanted.subtracting(map(\.name))
        guard unknown.isEmpty else {
            throw ValidationError("--queries: no query named \(unknown.sorted().joined(separator: ", ")) in this workload's set (\(map(\.name).joined(separator: ", ")))")
        }
        return filter { wanted.contains($0.name) }
    }
}
