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
        var c = URLComponents(string: base)!
        func sec(_ ms: Int64) -> String { String(format: "%.3f", Double(ms) / 1000) }
        if q.range == 0 {
            c.path = "/api/v1/query"
            c.queryItems = [.init(name: "query", value: q.promql), .init(name: "time", value: sec(time))]
        } else {
            c.path = "/api/v1/query_range"
            c.queryItems = [.init(name: "query", value: q.promql), .init(name: "start", value: sec(time - q.range)),
                            .init(name: "end", value: sec(time)), .init(name: "step", value: sec(q.step))]
        }
        // `+` in a query must be %2B: URLComponents leaves it as is.
        c.percentEncodedQuery = c.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        return try get(c.url!.absoluteString)
    }

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
