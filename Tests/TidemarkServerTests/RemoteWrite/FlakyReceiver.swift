import Foundation
import Hummingbird
import NIOCore
import Synchronization
import TidemarkRemoteWrite

/// A remote-write receiver for sender tests: answers each request with the next scripted
/// status (then 204), and records the samples of the requests it accepted.
final class FlakyReceiver: Sendable {
    private final class State: Sendable {
        let m: Mutex<(script: [Int], accepted: [WriteRequest], answered: [Int])>
        init(_ script: [Int]) { m = Mutex((script, [], [])) }
    }

    private let state: State
    private let task: Task<Void, Error>
    let port: Int

    init(script: [Int]) async throws {
        let state = State(script)
        self.state = state
        let router = Router()
        router.post("/api/v1/write") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 24)
            let status = state.m.withLock { s -> Int in
                let code = s.script.isEmpty ? 204 : s.script.removeFirst()
                s.answered.append(code)
                if code == 204, let raw = try? Snappy.decompress(Array(body.readableBytesView), maxLength: 1 << 26),
                   let r = try? WriteRequest(decoding: raw) {
                    s.accepted.append(r)
                }
                return code
            }
            return Response(status: .init(code: status))
        }
        let ready = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { ready.continuation.yield($0.localAddress?.port ?? 0) })
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var port = 0
        for await p in ready.stream {
            port = p
            break
        }
        self.port = port
    }

    /// Samples accepted so far, by value.
    var acceptedValues: [Double] { state.m.withLock { $0.accepted.flatMap { $0.timeseries.flatMap { $0.samples.map(\.value) } } } }
    /// Status codes answered so far.
    var answered: [Int] { state.m.withLock { $0.answered } }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
