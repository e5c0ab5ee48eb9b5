import Dispatch
import Foundation
import Testing
@testable import TidemarkServer

/// Query concurrency, queue timeout and request body limits.
@Suite struct LimitTests {
    @Test func queryQueueTimeoutIs503() async throws {
        var o = ServerOptions()
        o.maxConcurrentQueries = 1
        let f = try APIFixture("queue", options: o)
        defer { f.close() }
        // Hold the only slot from another thread while a query with a 200 ms timeout waits.
        let holding = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let gate = f.api.gate
        DispatchQueue.global().async {
            _ = gate.run(timeoutSeconds: 10) {
                holding.signal()
                release.wait()
            }
        }
        holding.wait()
        let r = await f.api.query(form(("query", "1"), ("timeout", "200ms")))
        release.signal()
        #expect(r.status == 503)
        #expect(r.text == #"{"status":"error","errorType":"timeout","error":"query timed out in query queue"}"#)
        #expect(await f.api.query(form(("query", "1"))).status == 200)
    }

    @Test func bodyOverTheLimitIs413() async throws {
        var o = ServerOptions()
        o.port = 0
        o.maxBodyBytes = 100
        let f = try APIFixture("body", options: o)
        defer { f.close() }
        let server = try await LiveServer(f.api)
        let r = try await server.request("/api/v1/query", method: "POST", body: Data(("query=" + String(repeating: "1+", count: 200) + "1").utf8),
                                         contentType: "application/x-www-form-urlencoded")
        #expect(r.status == 413)
        #expect(r.body.contains("request body larger than the limit of 100 bytes"))
        await server.stop()
    }
}
