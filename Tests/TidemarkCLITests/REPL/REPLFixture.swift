import Foundation
import TidemarkStorage

/// A small data set for REPL tests: two `up` series, two request counters and three
/// load gauges, every minute for ten minutes from `start`.
enum REPLFixture {
    static let start: Int64 = 1_700_000_000_000
    static let end: Int64 = start + 9 * 60_000

    /// The data as Prometheus text (ms timestamps), for `tidemark import` and `:load`.
    static var exposition: String {
        var out = ""
        for i in 0..<10 {
            let t = start + Int64(i) * 60_000
            out += "up{instance=\"a:9100\",job=\"api\"} 1 \(t)\n"
            out += "up{instance=\"b:9100\",job=\"node\"} \(i % 2) \(t)\n"
            out += "http_requests_total{code=\"200\"} \(i * 60) \(t)\n"
            out += "http_requests_total{code=\"500\"} \(i * 6) \(t)\n"
            for m in ["1", "5", "15"] { out += "node_load\(m){instance=\"a:9100\"} \(Double(i) / 2) \(t)\n" }
        }
        return out
    }

    /// A data directory under `dir` holding the fixture, loaded through the bulk importer.
    static func makeDatabase(in dir: String) throws -> DB {
        let db = try DB.open(dir + "/data")
        let file = dir + "/fixture.prom"
        try exposition.write(toFile: file, atomically: true, encoding: .utf8)
        let importer = BulkImporter(db: db)
        var parser = ExpositionParser(Array(exposition.utf8), format: .prometheusText, defaultTimestamp: 0)
        while let entry = try parser.next() {
            guard case .sample(let s) = entry else { continue }
            try importer.add(series: importer.seriesID(for: try parser.labels(of: s)), s.timestamp, s.value)
        }
        _ = try importer.finish()
        return db
    }
}
