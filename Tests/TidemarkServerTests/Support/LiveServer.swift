import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import TidemarkServer

/// A `TidemarkHTTPServer` on an ephemeral loopback port, for tests through real HTTP.
final class LiveServer: @unchecked Sendable {
    let port: Int
    private let task: Task<Void, Error>

    /// Starts the server for `api` and waits until it listens (at most 120 s: under a
    /// full parallel `swift test` on 2 cores, synchronous tests can hold the concurrency
    /// pool for tens of seconds).
    init(_ api: TidemarkAPI) async throws {
        let ready = AsyncStream<Int>.makeStream()
        let server = TidemarkHTTPServer(api: api)
        task = Task { try await server.run(handleSignals: false) { ready.continuation.yield($0) } }
        let timeout = Task {
            try await Task.sleep(for: .seconds(120))
            ready.continuation.finish()
        }
        var port = 0
        for await p in ready.stream {
            port = p
            break
        }
        timeout.cancel()
        guard port > 0 else {
            task.cancel()
            throw URLError(.cannotConnectToHost)
        }
        self.port = port
    }

    /// Sends a request to `path` on this server; returns status and body.
    func request(_ path: String, method: String = "GET", body: Data? = nil, contentType: String? = nil) async throws -> (status: Int, body: String) {
        var r = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        r.httpMethod = method
        r.httpBody = body
        if let ct = contentType { r.setValue(ct, forHTTPHeaderField: "Content-Type") }
        r.timeoutInterval = 120
        let (data, resp) = try await URLSession.shared.data(for: r)
        return ((resp as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// Stops the server.
    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
