import Foundation
import Testing

/// `tidemark serve` next to Debian's real Prometheus, on loopback: Prometheus scrapes
/// itself and Tidemark's `/metrics` every second and remote-writes everything into
/// Tidemark; the same queries answered by both APIs must agree, and `promtool query`
/// must work against Tidemark. Tidemark's own sender forwards imported series to that
/// Prometheus (its remote-write receiver), and all of them must arrive. Both processes
/// are stopped at the end.
@Suite("tidemark serve with real Prometheus", .serialized)
struct PrometheusIntegrationTests {
    /// Queries over the scraped data (selectors, rate family, aggregations with grouping,
    /// binary operators with matching, subqueries, histogram_quantile, functions).
    static let queries = [
        "up", "count(up)", "sum by (job) (up)", "prometheus_tsdb_head_series",
        "rate(prometheus_http_requests_total[20s])", "sum by (handler) (rate(prometheus_http_requests_total[20s]))",
        "irate(prometheus_http_requests_total[20s])", "increase(prometheus_tsdb_head_samples_appended_total[20s])",
        "delta(prometheus_tsdb_head_series[20s])", "deriv(process_resident_memory_bytes[20s])",
        "avg_over_time(scrape_duration_seconds[20s])", "max_over_time(scrape_duration_seconds[20s])",
        "min_over_time(scrape_samples_scraped[20s])", "count_over_time(up[20s])",
        "histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[20s])))",
        "histogram_quantile(0.5, rate(prometheus_http_response_size_bytes_bucket[20s]))",
        "topk(3, scrape_samples_scraped)", "bottomk(2, scrape_samples_scraped)",
        "up * on (instance, job) group_left () scrape_samples_scraped", "scrape_samples_scraped / on (job, instance) scrape_duration_seconds",
        "sum without (instance) (scrape_samples_scraped)", "avg by (job) (scrape_duration_seconds)",
        "quantile(0.5, scrape_duration_seconds)", "stddev(scrape_duration_seconds)", "count_values(\"v\", up)",
        "max_over_time(scrape_samples_scraped[20s:2s])", "avg_over_time(rate(process_cpu_seconds_total[5s])[20s:2s])",
        "scrape_samples_scraped > 10", "scrape_samples_scraped > bool 10", "absent(nonexistent_metric)",
        "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", "timestamp(up)", "changes(scrape_samples_scraped[20s])",
        "predict_linear(process_resident_memory_bytes[20s], 60)", "up unless on (job) up{job=\"prometheus\"}",
        "clamp_max(scrape_duration_seconds, 0.001)", "vector(1) + on () group_left () count(up)",
        "sum(tidemark_samples_ingested_total)",
    ]

    @Test func remoteWriteQueriesAndPromtool() async throws {
        let prometheus = try Peers.program("prometheus")
        let promtool = try Peers.program("promtool")
        let tidemark = try tidemarkExecutable().path
        let dir = try TempDir("prom-integration")
        defer { dir.remove() }
        let tPort = try Peers.freePort(), pPort = try Peers.freePort()
        let tBase = "http://127.0.0.1:\(tPort)", pBase = "http://127.0.0.1:\(pPort)"
        let config = """
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: prometheus
                static_configs: [{targets: ['127.0.0.1:\(pPort)']}]
              - job_name: tidemark
                static_configs: [{targets: ['127.0.0.1:\(tPort)']}]
            remote_write:
              - url: \(tBase)/api/v1/write
                queue_config: {batch_send_deadline: 500ms, min_backoff: 100ms, max_backoff: 1s}
                metadata_config: {send_interval: 1s}

            """
        try config.write(toFile: dir.path + "/prometheus.yml", atomically: true, encoding: .utf8)
        let tProc = try Peers.start(tidemark, [
            "serve", "--data", dir.path + "/tidemark", "--listen", "127.0.0.1:\(tPort)",
            "--remote-write-url", pBase + "/api/v1/write", "--remote-write-match", "{source=\"import\"}",
        ], log: dir.path + "/tidemark.log")
        defer { Peers.stop(tProc) }
        let pProc = try Peers.start(prometheus, [
            "--config.file=" + dir.path + "/prometheus.yml", "--storage.tsdb.path=" + dir.path + "/prom",
            "--web.listen-address=127.0.0.1:\(pPort)", "--log.level=warn", "--web.enable-remote-write-receiver",
        ], log: dir.path + "/prometheus.log")
        defer { Peers.stop(pProc) }

        // Bounded wait (60 s) until Tidemark holds remote-written samples of both jobs.
        var arrived = false
        for _ in 0..<120 {
            let r = try? Self.vector(await Peers.get(tBase + "/api/v1/query?query=count%20by%20(job)%20(up)"))
            if r?.count == 2 {
                arrived = true
                break
            }
            try await Task.sleep(for: .milliseconds(500))
        }
        let logs = { (try? String(contentsOfFile: dir.path + "/prometheus.log", encoding: .utf8)) ?? "" }
        try #require(arrived, "no remote-written samples of both jobs reached Tidemark in 60 s; Prometheus log:\n\(logs())")
        // Let 25 s of history build up so 20 s ranges are full on both sides.
        try await Task.sleep(for: .seconds(25))

        // Compare at a time 3.5 s back (mid-interval, so no sample sits exactly on a range
        // boundary); a mismatch is retried a few times in case remote write lagged.
        var mismatches: [String] = []
        var answered = 0, seriesCompared = 0
        for _ in 0..<5 {
            let latest = try Self.vector(await Peers.get(pBase + "/api/v1/query?query=max(timestamp(up))")).first?.value ?? 0
            let t = String(format: "%.3f", latest - 3.5)
            mismatches = []
            answered = 0
            seriesCompared = 0
            for q in Self.queries {
                let enc = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let a = try Self.vector(await Peers.get(pBase + "/api/v1/query?query=\(enc)&time=\(t)"))
                let b = try Self.vector(await Peers.get(tBase + "/api/v1/query?query=\(enc)&time=\(t)"))
                if let m = Self.difference(a, b) { mismatches.append("\(q) @\(t): \(m)") }
                if !a.isEmpty { answered += 1 }
                seriesCompared += a.count
            }
            // Range queries over the 20 s before t, every 2 s.
            let start = String(format: "%.3f", latest - 23.5)
            for q in Self.rangeQueries {
                let enc = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let path = "/api/v1/query_range?query=\(enc)&start=\(start)&end=\(t)&step=2"
                let a = try Self.vector(await Peers.get(pBase + path)), b = try Self.vector(await Peers.get(tBase + path))
                if a.isEmpty { mismatches.append("range \(q): Prometheus answered nothing") }
                if let m = Self.difference(a, b) { mismatches.append("range \(q) @\(start)…\(t): \(m)") }
            }
            if mismatches.isEmpty { break }
            try await Task.sleep(for: .seconds(2))
        }
        print("compared \(Self.queries.count) instant queries (\(answered) non-empty, \(seriesCompared) series) and \(Self.rangeQueries.count) range queries between Prometheus and Tidemark")
        #expect(answered >= 30, "only \(answered) queries returned data")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(Self.queries.count) queries differ:\n\(mismatches.joined(separator: "\n"))")

        // The metadata endpoints and format_query answer as Prometheus does.
        for path in ["/api/v1/series?match[]=up", "/api/v1/series?match[]=scrape_duration_seconds&match[]=up", "/api/v1/labels?match[]=up",
                     "/api/v1/label/job/values", "/api/v1/label/__name__/values?match[]=%7Bjob%3D%22tidemark%22%7D"] {
            let url = path.replacingOccurrences(of: "[]", with: "%5B%5D")
            let a = try Self.dataJSON(await Peers.get(pBase + url)), b = try Self.dataJSON(await Peers.get(tBase + url))
            #expect(a == b, "\(path): prometheus \(a) tidemark \(b)")
        }
        for q in Self.formatQueries {
            let enc = q.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            let a = try Self.dataJSON(await Peers.get(pBase + "/api/v1/format_query?query=\(enc)"))
            let b = try Self.dataJSON(await Peers.get(tBase + "/api/v1/format_query?query=\(enc)"))
            #expect(a == b, "format_query \(q): prometheus \(a) tidemark \(b)")
        }

        // promtool against Tidemark's API.
        let instant = try Peers.run(promtool, ["query", "instant", tBase, "up"])
        #expect(instant.status == 0, "\(instant.output)")
        #expect(instant.output.contains("up{instance=\"127.0.0.1:\(pPort)\", job=\"prometheus\"} => 1 @["), "\(instant.output)")
        let now = Date().timeIntervalSince1970
        let range = try Peers.run(promtool, ["query", "range", "--start=\(Int(now) - 10)", "--end=\(Int(now) - 5)", "--step=1s", tBase, "count(up)"])
        #expect(range.status == 0, "\(range.output)")
        #expect(range.output.contains("{} =>\n2 @["), "\(range.output)")
        // Tidemark's sender: 3 series × 100 samples imported into Tidemark reach Prometheus complete.
        let start = Int64(Date().timeIntervalSince1970 * 1000) - 200_000
        var text = ""
        for s in 0..<3 {
            for i in 0..<100 { text += "forwarded{source=\"import\",series=\"\(s)\"} \(s * 1000 + i) \(start + Int64(i) * 1000)\n" }
        }
        #expect(await Peers.get(tBase + "/api/v1/import/prometheus", post: Data(text.utf8)).status == 204)
        var forwarded: [(key: String, value: Double)] = []
        for _ in 0..<60 {
            forwarded = try Self.vector(await Peers.get(pBase + "/api/v1/query?query=sum_over_time(forwarded%5B10m%5D)"))
            if forwarded.count == 3 && forwarded.map(\.value) == [4950, 104_950, 204_950] { break }
            try await Task.sleep(for: .milliseconds(500))
        }
        #expect(forwarded.map(\.value) == [4950, 104_950, 204_950], "Prometheus has \(forwarded)")
        let counts = try Self.vector(await Peers.get(pBase + "/api/v1/query?query=count_over_time(forwarded%5B10m%5D)"))
        #expect(counts.map(\.value) == [100, 100, 100])

        // Metadata sent by Prometheus arrived.
        let meta = await Peers.get(tBase + "/api/v1/metadata?metric=prometheus_http_requests_total")
        #expect(String(decoding: meta.body, as: UTF8.self).contains("\"type\":\"counter\""))
    }

    /// A vector or scalar result as (labels text, value) pairs, sorted.
    static func vector(_ r: (status: Int, body: Data)) throws -> [(key: String, value: Double)] {
        guard r.status == 200, let o = try JSONSerialization.jsonObject(with: r.body) as? [String: Any],
              let data = o["data"] as? [String: Any] else {
            throw HarnessError("HTTP \(r.status): \(String(decoding: r.body, as: UTF8.self))")
        }
        func num(_ v: Any?) -> Double { Double(((v as? [Any])?.last as? String) ?? "") ?? .nan }
        if data["resultType"] as? String == "scalar" { return [("scalar", num(data["result"]))] }
        let items = data["result"] as? [[String: Any]] ?? []
        return items.flatMap { item -> [(key: String, value: Double)] in
            let m = (item["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            // A matrix: one entry per point, keyed by series and time.
            if let points = item["values"] as? [[Any]] {
                return points.map { ("\(m)@\($0.first.map { "\($0)" } ?? "")", num($0)) }
            }
            return [(m, num(item["value"]))]
        }.sorted { $0.key < $1.key }
    }

    /// Range queries compared over the 20 s before the comparison time, every 2 s.
    static let rangeQueries = [
        "sum by (job) (rate(scrape_samples_scraped[10s]))", "count(up)", "max_over_time(scrape_duration_seconds[5s])",
        "histogram_quantile(0.9, sum by (le) (rate(prometheus_http_request_duration_seconds_bucket[10s])))",
        "scrape_samples_scraped * on (job, instance) group_left () up",
    ]

    /// Queries whose `format_query` text must be Prometheus's.
    static let formatQueries = [
        "sum  by(job)(rate(x[5m]))", "a+on(b)group_left(c)d", "x offset 5m", "-x^2", "topk(3,x)", "rate(x[5m:30s])",
        "x{a=~\"b.*\",c!=\"d\"}", "1 + 2 * 3", "max_over_time(x[1h] @ 100)", "count_values(\"v\", x)",
    ]

    /// The `data` of a metadata-style answer (series, labels, values, format_query), as
    /// JSON text with sorted keys.
    static func dataJSON(_ r: (status: Int, body: Data)) throws -> String {
        guard r.status == 200, let o = try JSONSerialization.jsonObject(with: r.body) as? [String: Any], let data = o["data"] else {
            throw HarnessError("HTTP \(r.status): \(String(decoding: r.body, as: UTF8.self))")
        }
        if let s = data as? String { return s }
        // Series lists: Prometheus returns one matcher's series unsorted, so compare as sets.
        if let list = data as? [[String: String]] {
            let items = try list.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            return "[" + items.sorted().joined(separator: ",") + "]"
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: data, options: [.sortedKeys]), as: UTF8.self)
    }

    /// Why two results differ (label sets, or a value beyond 1e-9 relative), or nil.
    static func difference(_ a: [(key: String, value: Double)], _ b: [(key: String, value: Double)]) -> String? {
        guard a.map(\.key) == b.map(\.key) else { return "series differ: prometheus \(a.map(\.key)) tidemark \(b.map(\.key))" }
        for (x, y) in zip(a, b) {
            let same = x.value == y.value || (x.value.isNaN && y.value.isNaN) || abs(x.value - y.value) <= 1e-9 * max(abs(x.value), abs(y.value))
            if !same { return "\(x.key): prometheus \(x.value) tidemark \(y.value)" }
        }
        return nil
    }
}
