import TidemarkQuery
import TidemarkStorage

/// `/api/v1/series`, `/api/v1/labels`, `/api/v1/label/<name>/values`.
extension TidemarkAPI {
    /// `GET|POST /api/v1/series`: label sets of series matching any `match[]` with
    /// samples in [start, end], sorted, each once.
    public func series(_ r: APIRequest) async -> APIResponse {
        await offload { [self] in
            respond { () throws(APIError) -> APIResponse in
                let limit = try r.limit()
                var sorted = try selectMatching(r).map(\.labels)
                let truncated = cap(&sorted, limit)
                var out = "["
                for (i, l) in sorted.enumerated() {
                    if i > 0 { out += "," }
                    PrometheusJSON.appendLabels(l, to: &out)
                }
                return .success(dataJSON: out + "]", warnings: truncated)
            }
        }
    }

    /// `GET|POST /api/v1/labels`: label names, of all series or of those matching any `match[]`.
    public func labelNames(_ r: APIRequest) async -> APIResponse {
        await stringList(r) { q, matchers throws(StorageError) in try q.labelNames(matchers) }
    }

    /// `GET /api/v1/label/<name>/values`: values of one label, of all series or of those
    /// matching any `match[]`.
    public func labelValues(_ r: APIRequest) async -> APIResponse {
        let name = r.path["name"] ?? ""
        guard !name.isEmpty else { return .error(APIError(.badData, "invalid label name: \"\"")) }
        return await stringList(r) { q, matchers throws(StorageError) in try q.labelValues(name, matchers) }
    }

    /// The sorted union of `fetch` over every `match[]` (or over all series without one),
    /// cut to `limit`.
    func stringList(_ r: APIRequest, _ fetch: @escaping @Sendable (any Querier, [LabelMatcher]) throws(StorageError) -> [String]) async -> APIResponse {
        await offload { [self] in
            respond { () throws(APIError) -> APIResponse in
                let sets = try r.matcherSets()
                _ = try r.timeRange()
                let limit = try r.limit()
                let q = db.querier()
                var found = Set<String>()
                do {
                    for m in sets.isEmpty ? [[]] : sets { found.formUnion(try fetch(q, m)) }
                } catch { throw APIError(.internal, "\(error)") }
                var sorted = found.sorted()
                let truncated = cap(&sorted, limit)
                return .success(dataJSON: PrometheusJSON.stringArray(sorted), warnings: truncated)
            }
        }
    }

    /// The series matching any `match[]` (required) with samples in [`start`, `end`],
    /// each once, sorted by labels.
    func selectMatching(_ r: APIRequest) throws(APIError) -> [Series] {
        let sets = try r.matcherSets(required: true)
        let (start, end) = try r.timeRange()
        let q = db.querier()
        var all: [Series] = []
        var seen = Set<Labels>()
        do {
            for m in sets {
                for s in try q.select(m, mint: start, maxt: end) where seen.insert(s.labels).inserted { all.append(s) }
            }
        } catch { throw APIError(.internal, "\(error)") }
        return all.sorted { $0.labels < $1.labels }
    }

    /// Applies `limit` (or the server's cap) to a result list; the warning Prometheus
    /// adds when it cut the list.
    func cap<T>(_ items: inout [T], _ limit: Int) -> [String] {
        let n = limit > 0 ? limit : options.maxSeriesReturned
        guard n > 0, items.count > n else { return [] }
        items.removeLast(items.count - n)
        return ["results truncated due to limit"]
    }
}
