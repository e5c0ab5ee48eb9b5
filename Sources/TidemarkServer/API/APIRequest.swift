/// An HTTP request as the API handlers see it: form parameters (URL query plus an
/// `application/x-www-form-urlencoded` body, as Go's `r.FormValue` merges them), path
/// parameters, a few headers and the raw body. Independent of the HTTP library, so
/// handlers are tested without a socket.
public struct APIRequest: Sendable {
    /// Form values by name, in the order they appeared (query string first).
    public var form: [String: [String]]
    /// Path parameters (`name` in `/api/v1/label/:name/values`).
    public var path: [String: String]
    /// Header values by lower-cased name.
    public var headers: [String: String]
    /// The raw body (empty when it was decoded into `form`).
    public var body: [UInt8]

    public init(form: [String: [String]] = [:], path: [String: String] = [:], headers: [String: String] = [:], body: [UInt8] = []) {
        self.form = form
        self.path = path
        self.headers = headers
        self.body = body
    }

    /// The first value of a form parameter, nil when absent or empty (as Go's
    /// `FormValue` treats both alike).
    public func value(_ name: String) -> String? {
        guard let v = form[name]?.first, !v.isEmpty else { return nil }
        return v
    }

    /// Every value of a repeated parameter (`match[]`).
    public func values(_ name: String) -> [String] { form[name] ?? [] }
}
