import Dispatch
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Blocking loopback HTTP for `tidemark bench --compare`: Prometheus API queries, a
/// streaming file upload, plain GETs.
enum PromQLHTTPClient {
    struct Response: Sendable {
        var status: Int
        var body: Data
    }

    private static let session: URLSession = {
        let c = URLSessionConfiguration.ephemeral
        c.urlCache = nil
        c.requestCachePolicy = .reloadIgnoringLocalCacheData
        c.httpMaximumConnectionsPerHost = 1
        return URLSession(configuration: c)
    }()

    /// GET `url`; a connection failure is an error.
    static func get(_ url: String, timeout: Double = 120) throws -> Response {
        guard let u = URL(string: url), u.host == "127.0.0.1" else { throw CLIError("refusing a non-loopback URL: \(url)") }
        var r = URLRequest(url: u)
        r.timeoutInterval = timeout
        return try wait { done in session.dataTask(with: r) { d, resp, err in done(d, resp, err) } }
    }

    /// POSTs the file at `path` as the body, streamed from disk.
    static func upload(_ url: String, file path: String, timeout: Double = 600) throws -> Response {
        guard let u = URL(string: url), u.host == "127.0.0.1" else { throw CLIError("refusing a non-loopback URL: \(url)") }
        var r = URLRequest(url: u)
        r.httpMethod = "POST"
        r.timeoutInterval = timeout
        r.setValue("text/plain", forHTTPHeaderField: "Content-Type")
        return try wait { done in
            session.uploadTask(with: r, fromFile: URL(fileURLWithPath: path)) { d, resp, err in done(d, resp, err) }
        }
    }

    /// A Prometheus HTTP API query at `base` (instant at `time`, or range); time in ms.
    static func query(_ base: String, _ q: BenchQuery, time: Int64) throws -> Response {
        try get(base + queryPath(q, time: time))
    }

    /// GET `base` + `path` with the parameters `items` (a name may repeat: `match[]`).
    static func get(_ base: String, path: String, _ items: KeyValuePairs<String, String>) throws -> Response {
        try get(base + pathAndQuery(path, items))
    }

    /// `path?query` with `items` percent-encoded (a name may repeat: `match[]`).
    static func pathAndQuery(_ path: String, _ items: KeyValuePairs<String, String>) -> String {
        var c = URLComponents()
        c.path = path
        c.queryItems = items.map { URLQueryItem(name: $0.key, value: $0.value) }
        // `+` in a parameter must be %2B: URLComponents leaves it as is.
        return c.percentEncodedPath + "?" + (c.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
    }

    /// The request path of `q` (instant at `time`, or range ending there; ms).
    static func queryPath(_ q: BenchQuery, time: Int64) -> String {
        if q.range == 0 {
            return pathAndQuery("/api/v1/query", ["query": q.promql, "time": seconds(time)])
        }
        return pathAndQuery("/api/v1/query_range", [
            "query": q.promql, "start": seconds(time - q.range), "end": seconds(time), "step": seconds(q.step),
        ])
    }

    /// Milliseconds as the API's seconds (`1700000000.123`).
    static func seconds(_ ms: Int64) -> String { String(format: "%.3f", Double(ms) / 1000) }

    private static func wait(_ start: (@escaping @Sendable (Data?, URLResponse?, Error?) -> Void) -> URLSessionTask) throws -> Response {
        let box = LockedBox<Result<Response, CLIError>?>(nil)
        let sem = DispatchSemaphore(value: 0)
        let task = start { d, resp, err in
            if let err {
                box.set(.failure(CLIError("HTTP request failed: \(err.localizedDescription)")))
            } else {
                box.set(.success(Response(status: (resp as? HTTPURLResponse)?.statusCode ?? 0, body: d ?? Data())))
            }
            sem.signal()
        }
        task.resume()
        sem.wait()
        return try box.get()!.get()
    }
}
