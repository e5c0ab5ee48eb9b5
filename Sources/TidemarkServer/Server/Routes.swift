import Hummingbird
import NIOCore

/// The URL table: every path `tidemark serve` answers, mapped to `TidemarkAPI` methods.
enum Routes {
    /// An endpoint body.
    typealias Handler = @Sendable (TidemarkAPI, APIRequest) async -> APIResponse

    /// Registers `handler` for GET and POST (Prometheus accepts both for the query and
    /// metadata endpoints; form bodies are merged into the parameters).
    static func getPost(_ router: Router<BasicRequestContext>, _ path: RouterPath, _ api: TidemarkAPI, pathParameters: [String] = [], _ handler: @escaping Handler) {
        on(router, path, [.get, .post], api, pathParameters: pathParameters, handler)
    }

    /// Registers `handler` for `methods`; `formBody: false` keeps form-encoded bodies raw
    /// (import and remote write read the body, whatever the client labelled it).
    static func on(_ router: Router<BasicRequestContext>, _ path: RouterPath, _ methods: [HTTPRequest.Method], _ api: TidemarkAPI,
                   pathParameters: [String] = [], formBody: Bool = true, _ handler: @escaping Handler) {
        for m in methods {
            router.on(path, method: m) { request, context -> Response in
                let r: APIRequest
                do {
                    r = try await HTTPBridge.apiRequest(request, context, maxBody: api.options.maxBodyBytes, pathParameters: pathParameters, formBody: formBody)
                } catch is NIOTooManyBytesError {
                    return HTTPBridge.response(HTTPBridge.bodyTooLarge(api.options.maxBodyBytes))
                }
                return HTTPBridge.response(await handler(api, r))
            }
        }
    }

    /// Every route. `/api/v1/query` and `/api/v1/query_range` are registered too, but
    /// `QueryChannelHandler` answers GET and POST on them before the router sees them.
    static func register(_ router: Router<BasicRequestContext>, _ api: TidemarkAPI) {
        getPost(router, "/api/v1/query", api) { await $0.query($1) }
        getPost(router, "/api/v1/query_range", api) { await $0.queryRange($1) }
        getPost(router, "/api/v1/series", api) { await $0.series($1) }
        getPost(router, "/api/v1/labels", api) { await $0.labelNames($1) }
        getPost(router, "/api/v1/label/:name/values", api, pathParameters: ["name"]) { await $0.labelValues($1) }
        getPost(router, "/api/v1/metadata", api) { await $0.metricMetadata($1) }
        getPost(router, "/api/v1/query_exemplars", api) { await $0.queryExemplars($1) }
        getPost(router, "/api/v1/format_query", api) { await $0.formatQuery($1) }
        getPost(router, "/api/v1/parse_query", api) { await $0.parseQuery($1) }
        getPost(router, "/api/v1/explain", api) { await $0.explain($1) }
        getPost(router, "/api/v1/status/buildinfo", api) { await $0.buildInfo($1) }
        getPost(router, "/api/v1/status/runtimeinfo", api) { await $0.runtimeInfo($1) }
        getPost(router, "/api/v1/status/flags", api) { await $0.flags($1) }
        getPost(router, "/api/v1/status/tsdb", api) { await $0.tsdbStatus($1) }
        getPost(router, "/api/v1/targets", api) { await $0.targets($1) }
        getPost(router, "/api/v1/rules", api) { await $0.rules($1) }
        getPost(router, "/api/v1/alerts", api) { await $0.alerts($1) }
        getPost(router, "/api/v1/alertmanagers", api) { await $0.alertmanagers($1) }
        on(router, "/api/v1/write", [.post], api, formBody: false) { await $0.remoteWrite($1) }
        on(router, "/api/v1/import/prometheus", [.post, .put], api, formBody: false) { await $0.importPrometheus($1) }
        getPost(router, "/api/v1/export", api) { await $0.export($1) }
        on(router, "/api/v1/admin/tsdb/snapshot", [.post, .put], api) { await $0.snapshot($1) }
        on(router, "/api/v1/admin/tsdb/delete_series", [.post, .put], api) { await $0.deleteSeries($1) }
        on(router, "/api/v1/admin/tsdb/clean_tombstones", [.post, .put], api) { await $0.cleanTombstones($1) }
        on(router, "/metrics", [.get], api) { await $0.selfMetrics($1) }
        on(router, "/-/healthy", [.get, .head], api) { await $0.healthy($1) }
        on(router, "/-/ready", [.get, .head], api) { await $0.ready($1) }
    }
}

extension APIResponse {
    /// The same response with another status code.
    func with(status: Int) -> APIResponse {
        var r = self
        r.status = status
        return r
    }
}
