import Dispatch
import Foundation

/// Posts prepared bodies over several keep-alive connections at once, the way
/// Prometheus's remote-write shards do: connection i sends shard i's bodies one after
/// another, each waiting for its answer.
struct WaveSender: Sendable {
    let connections: [LoopbackHTTPConnection]
    let path: String
    let headers: [(String, String)]
    let tally = SendTally()

    init(port: Int, connections: Int, path: String, headers: [(String, String)]) {
        self.connections = (0..<connections).map { _ in LoopbackHTTPConnection(port: port) }
        self.path = path
        self.headers = headers
    }

    /// Sends one wave (bodies per connection), one thread per connection; calls
    /// `progress` on this thread about twice a second until every thread is done.
    func send(_ wave: [[PreparedBody]], progress: () -> Void) {
        let group = DispatchGroup()
        for (i, bodies) in wave.enumerated() where !bodies.isEmpty {
            group.enter()
            let t = Thread { [self] in
                for body in bodies { post(body, on: connections[i]) }
                group.leave()
            }
            t.name = "bench-sender-\(i)"
            t.start()
        }
        while group.wait(timeout: .now() + .milliseconds(500)) == .timedOut { progress() }
    }

    private func post(_ body: PreparedBody, on connection: LoopbackHTTPConnection) {
        let t0 = ContinuousClock.now
        do {
            let r = try connection.post(path, body: body.bytes, headers: headers)
            let ms = (ContinuousClock.now - t0).inSeconds * 1000
            if r.status / 100 == 2 {
                tally.sent(samples: body.samples, bytes: body.bytes.count, latencyMs: ms)
            } else {
                tally.failed("HTTP \(r.status): \(String(decoding: r.body.prefix(300), as: UTF8.self))")
            }
        } catch {
            tally.failed("\(error)")
        }
    }
}

/// What the sender threads did, added up under a lock.
final class SendTally: @unchecked Sendable {
    struct Totals {
        var samples = 0
        var bytes = 0
        var requests = 0
        var failedRequests = 0
        var latenciesMs: [Double] = []
        var firstError: String?
    }

    private let lock = NSLock()
    private var totals = Totals()

    func sent(samples: Int, bytes: Int, latencyMs: Double) {
        lock.withLock {
            totals.samples += samples
            totals.bytes += bytes
            totals.requests += 1
            totals.latenciesMs.append(latencyMs)
        }
    }

    func failed(_ message: String) {
        lock.withLock {
            totals.requests += 1
            totals.failedRequests += 1
            if totals.firstError == nil { totals.firstError = message }
        }
    }

    var current: Totals { lock.withLock { totals } }

    /// Samples accepted so far (cheap, for progress lines).
    var samples: Int { lock.withLock { totals.samples } }
}
