/// `GET /metrics`: Tidemark's own metrics in the Prometheus text format.
extension TidemarkAPI {
    public func selfMetrics(_ r: APIRequest) async -> APIResponse {
        let text = await offload { [metrics, db] in metrics.render(db) }
        return APIResponse(status: 200, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(text.utf8))
    }
}
