import Foundation
import TidemarkQuery
import TidemarkStorage

/// `/api/v1/status/*`, `/-/healthy`, `/-/ready`.
extension TidemarkAPI {
    /// `GET /api/v1/status/buildinfo`.
    public func buildInfo(_ r: APIRequest) async -> APIResponse {
        .success(dataJSON: "{\"version\":\(PrometheusJSON.string(BuildInfo.version)),\"revision\":\"\",\"branch\":\"\",\"buildUser\":\"\",\"buildDate\":\"\",\"goVersion\":\(PrometheusJSON.string(BuildInfo.toolchain))}")
    }

    /// `GET /api/v1/status/runtimeinfo`: Prometheus's fields, with Tidemark's figures.
    public func runtimeInfo(_ r: APIRequest) async -> APIResponse {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let start = PrometheusJSON.string(f.string(from: startTime))
        let cwd = PrometheusJSON.string(FileManager.default.currentDirectoryPath)
        let procs = ProcessInfo.processInfo.activeProcessorCount
        return .success(dataJSON: "{\"startTime\":\(start),\"CWD\":\(cwd),\"reloadConfigSuccess\":true,\"lastConfigTime\":\(start),"
            + "\"corruptionCount\":\(db.skippedBlocks.count),\"goroutineCount\":0,\"GOMAXPROCS\":\(procs),\"GOMEMLIMIT\":0,\"GOGC\":\"\",\"GODEBUG\":\"\","
            + "\"storageRetention\":\"unlimited\"}")
    }

    /// `GET /api/v1/status/flags`: the command-line settings.
    public func flags(_ r: APIRequest) async -> APIResponse {
        var out = "{"
        for (i, k) in options.flags.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            out += PrometheusJSON.string(k) + ":" + PrometheusJSON.string(options.flags[k]!)
        }
        return .success(dataJSON: out + "}")
    }

    /// `GET /api/v1/status/tsdb`: cardinality statistics in Prometheus's shape, over
    /// the head and every block (Prometheus reports the head only); `limit` (default 10).
    public func tsdbStatus(_ r: APIRequest) async -> APIResponse {
        await offload { [self] in
            respond { () throws(APIError) -> APIResponse in
                var limit = try r.limit()
                if limit == 0 { limit = 10 }
                let stats: CardinalityStats
                do { stats = try CardinalityStats(db) } catch { throw APIError(.internal, "\(error)") }
                func list(_ pairs: [(String, Int)]) -> String {
                    let top = pairs.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(limit)
                    return "[" + top.map { "{\"name\":\(PrometheusJSON.string($0.0)),\"value\":\($0.1)}" }.joined(separator: ",") + "]"
                }
                let head = "{\"numSeries\":\(stats.series),\"numLabelPairs\":\(stats.labelPairs),\"chunkCount\":\(stats.chunks),"
                    + "\"minTime\":\(db.headMinTime ?? 0),\"maxTime\":\(db.headMaxTime ?? 0)}"
                return .success(dataJSON: "{\"headStats\":\(head),\"seriesCountByMetricName\":\(list(stats.seriesByMetric)),"
                    + "\"labelValueCountByLabelName\":\(list(stats.valuesByLabel)),\"memoryInBytesByLabelName\":\(list(stats.bytesByLabel)),"
                    + "\"seriesCountByLabelValuePair\":\(list(stats.seriesByPair))}")
            }
        }
    }

    /// `GET /-/healthy`.
    public func healthy(_ r: APIRequest) async -> APIResponse { .text(200, "Tidemark Server is Healthy.\n") }

    /// `GET /-/ready`: the database is open (WAL replayed) once the server listens.
    public func ready(_ r: APIRequest) async -> APIResponse { .text(200, "Tidemark Server is Ready.\n") }
}

/// Cardinality figures over every series of a database.
struct CardinalityStats {
    var series = 0
    var labelPairs = 0
    var chunks = 0
    var seriesByMetric: [(String, Int)] = []
    var valuesByLabel: [(String, Int)] = []
    var bytesByLabel: [(String, Int)] = []
    var seriesByPair: [(String, Int)] = []

    init(_ db: DB) throws(StorageError) {
        let all = try db.querier().select([try LabelMatcher(.regexMatch, metricNameLabel, ".+")], mint: .min, maxt: .max)
        var byMetric: [String: Int] = [:], values: [String: Set<String>] = [:], bytes: [String: Int] = [:], pairs: [String: Int] = [:]
        for s in all {
            chunks += s.chunks.count
            for l in s.labels {
                if l.name == metricNameLabel { byMetric[l.value, default: 0] += 1 }
                values[l.name, default: []].insert(l.value)
                bytes[l.name, default: 0] += l.value.utf8.count
                pairs["\(l.name)=\(l.value)", default: 0] += 1
            }
        }
        series = all.count
        labelPairs = pairs.count
        seriesByMetric = byMetric.map { ($0.key, $0.value) }
        valuesByLabel = values.map { ($0.key, $0.value.count) }
        bytesByLabel = bytes.map { ($0.key, $0.value) }
        seriesByPair = pairs.map { ($0.key, $0.value) }
    }
}
