import Hummingbird
import NIOCore

/// Converts between Hummingbird's request/response types and the API's own.
enum HTTPBridge {
    /// Reads a request into an `APIRequest`: URL query and form body merged into `form`,
    /// any other body (or every body when `formBody` is false) kept raw. A body over `maxBody` bytes is an `APIError` (413).
    static func apiRequest(_ request: Request, _ context: some RequestContext, maxBody: Int, pathParameters: [String] = [], formBody: Bool = true) async throws -> APIRequest {
        var form: [String: [String]] = [:]
        if let q = request.uri.query { FormDecoding.decode(Substring(q), into: &form) }
        var headers: [String: String] = [:]
        for f in request.headers { headers[f.name.canonicalName] = f.value }
        var request = request
        let buffer = try await request.collectBody(upTo: maxBody)
        var body = Array(buffer.readableBytesView)
        if formBody && (headers["content-type"] ?? "").hasPrefix("application/x-www-form-urlencoded") {
            FormDecoding.decode(Substring(decoding: body, as: UTF8.self), into: &form)
            body = []
        }
        var path: [String: String] = [:]
        for p in pathParameters { path[p] = context.parameters.get(p) }
        return APIRequest(form: form, path: path, headers: headers, body: body)
    }

    /// The answer to a body over `maxBody` bytes.
    static func bodyTooLarge(_ maxBody: Int) -> APIResponse {
        .error(APIError(.badData, "request body larger than the limit of \(maxBody) bytes")).with(status: 413)
    }

    /// A Hummingbird response from an API response.
    static func response(_ r: APIResponse) -> Response {
        let headers: HTTPFields = [.contentType: r.contentType]
        return Response(status: .init(code: r.status), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}
