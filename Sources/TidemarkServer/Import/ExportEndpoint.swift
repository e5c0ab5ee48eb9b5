import TidemarkStorage

/// `GET|POST /api/v1/export`: raw samples of the series matching `match[]` in
/// [`start`, `end`], as Prometheus text with millisecond timestamps (or OpenMetrics with
/// `format=openmetrics`): what `/api/v1/import/prometheus` and `tidemark import` read back.
extension TidemarkAPI {
    public func export(_ r: APIRequest) async -> APIResponse {
        await offload { [self] in
            respond { () throws(APIError) -> APIResponse in
                let format: ExpositionFormat = r.value("format") == "openmetrics" ? .openMetrics : .prometheusText
                let all = try selectMatching(r)
                var writer = ExpositionWriter(format: format, reserveCapacity: 1 << 16)
                for s in all {
                    var it = s.makeIterator()
                    while it.next() { writer.write(s.labels, timestamp: it.timestamp, value: it.value) }
                    if let e = it.error { throw APIError(.internal, e.description) }
                }
                writer.finish()
                return APIResponse(status: 200, contentType: format.contentType, body: writer.takeOutput())
            }
        }
    }
}
