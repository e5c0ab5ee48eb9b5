import TidemarkQuery

/// What a handler answers: a status, a content type and a body.
public struct APIResponse: Sendable {
    public var status: Int
    public var contentType: String
    public var body: [UInt8]
    public init(status: Int, contentType: String, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// The body as text (tests and logs).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// `{"status":"success","data":<data>}` plus `warnings` and `infos` when present,
    /// in Prometheus's field order.
    public static func success(dataJSON: String, warnings: [String] = [], infos: [String] = []) -> APIResponse {
        var out = "{\"status\":\"success\",\"data\":"
        out += dataJSON
        if !warnings.isEmpty { out += ",\"warnings\":" + PrometheusJSON.stringArray(warnings) }
        if !infos.isEmpty { out += ",\"infos\":" + PrometheusJSON.stringArray(infos) }
        out += "}"
        return json(200, out)
    }

    /// `success(dataJSON:…)` with the data written as bytes by `writeData` straight into
    /// the body (no `String` in between; query results can be megabytes).
    public static func success(warnings: [String] = [], infos: [String] = [], _ writeData: (inout [UInt8]) -> Void) -> APIResponse {
        var body: [UInt8] = []
        body.reserveCapacity(256)
        body.append(contentsOf: "{\"status\":\"success\",\"data\":".utf8)
        writeData(&body)
        if !warnings.isEmpty {
            body.append(contentsOf: ",\"warnings\":".utf8)
            body.append(contentsOf: PrometheusJSON.stringArray(warnings).utf8)
        }
        if !infos.isEmpty {
            body.append(contentsOf: ",\"infos\":".utf8)
            body.append(contentsOf: PrometheusJSON.stringArray(infos).utf8)
        }
        body.append(UInt8(ascii: "}"))
        return APIResponse(status: 200, contentType: "application/json", body: body)
    }

    /// `{"status":"error","errorType":…,"error":…}` with the status code Prometheus uses
    /// for that error type.
    public static func error(_ e: APIError) -> APIResponse {
        var out = "{\"status\":\"error\",\"errorType\":\""
        out += e.type.rawValue
        out += "\",\"error\":"
        PrometheusJSON.appendString(e.message, to: &out)
        out += "}"
        return json(e.type.statusCode, out)
    }

    /// A JSON body.
    public static func json(_ status: Int, _ text: String) -> APIResponse {
        APIResponse(status: status, contentType: "application/json", body: Array(text.utf8))
    }

    /// A plain-text body (remote write and health endpoints answer in text).
    public static func text(_ status: Int, _ text: String) -> APIResponse {
        APIResponse(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
    }
}
