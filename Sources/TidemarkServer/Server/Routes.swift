import Hummingbird

/// The URL table: every path `tidemark serve` answers, mapped to `TidemarkAPI` methods.
enum Routes {
    /// An endpoint body.
    typealias Handler = @Sendable (TidemarkAPI, APIRequest) async -> APIResponse

    /// Registers `handler` for GET and POST (Prometheus accepts both for the query and
    /// metadata endpoints; form bodies are merged into the parameters).
    static func getPost(_ router: Router<BasicRequestContext>, _ path: RouterPath, _ api: TidemarkAPI, pathParameters: [String] = [], _ handler: @escaping Handler) {
        on(router, path, [.get, .post], api, pathParameters: pathParameters, handler)
    }

    static func on(_ router: Router<BasicRequestContext>, _ path: RouterPath, _ methods: [HTTPRequest.Method], _ api: TidemarkAPI,
                   pathParameters: [String] = [], _ handler: @escaping Handler) {
        for m in methods {
            router.on(path, method: m) { request, context -> Response in
                let r: APIRequest
                do {
                    r = try await HTTPBridge.apiRequest(request, context, maxBody: api.options.maxBodyBytes, pathParameters: pathParameters)
                } catch let e as HTTPError where e.status == .contentTooLarge {
                    return HTTPBridge.response(.error(APIError(.badData, "request body larger than the limit of \(api.options.maxBodyBytes) bytes")).with(status: 413))
                }
                return HTTPBridge.response(await handler(api, r))
            }
        }
    }

    /// Every route.
    static func register(_ router: Router<BasicRequestContext>, _ api: TidemarkAPI) {
        getPost(router, "/api/v1/query", api) { await $0.query($1) }
        getPost(router, "/api/v1/query_range", api) { await $0.queryRange($1) }
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
