/// `/api/v1/targets`, `/api/v1/rules`, `/api/v1/alerts`, `/api/v1/alertmanagers`:
/// Tidemark does not scrape or evaluate rules yet, so these truthfully answer empty
/// lists in Prometheus's shapes (Grafana's data source asks for rules and alerts).
extension TidemarkAPI {
    public func targets(_ r: APIRequest) async -> APIResponse {
        .success(dataJSON: "{\"activeTargets\":[],\"droppedTargets\":[]}")
    }

    public func rules(_ r: APIRequest) async -> APIResponse {
        .success(dataJSON: "{\"groups\":[]}")
    }

    public func alerts(_ r: APIRequest) async -> APIResponse {
        .success(dataJSON: "{\"alerts\":[]}")
    }

    public func alertmanagers(_ r: APIRequest) async -> APIResponse {
        .success(dataJSON: "{\"activeAlertmanagers\":[],\"droppedAlertmanagers\":[]}")
    }
}
