import Foundation
import Testing
@testable import TidemarkServer
import TidemarkStorage

/// Remote write out: a sender following one database's WAL into another Tidemark's
/// `/api/v1/write`, across a restart of the sender.
@Suite struct RemoteWriteSenderTests {
    func appendBatch(_ db: DB, _ from: Int, _ n: Int) throws {
        let app = db.appender()
        for i in from..<(from + n) {
            try app.append(Labels(["__name__": "sent", "keep": "yes"]), Int64(i) * 1000, Double(i))
            try app.append(Labels(["__name__": "sent", "keep": "no"]), Int64(i) * 1000, Double(i))
        }
        try app.commit()
    }

    /// Polls the receiver (at most 60 s) until `count_over_time` of the kept series is `n`.
    func waitFor(_ api: TidemarkAPI, samples n: Int) async throws -> String {
        var last = ""
        for _ in 0..<600 {
            last = await api.query(form(("query", "count_over_time(sent[1h])"), ("time", "3000"))).text
            if last.contains(#""value":[3000,"\#(n)"]"#) { return last }
            try await Task.sleep(for: .milliseconds(100))
        }
        return last
    }

    @Test func forwardsFilteredSamplesAndResumesAfterRestart() async throws {
        let source = try APIFixture("rw-source")
        defer { source.close() }
        let sink = try APIFixture("rw-sink")
        defer { sink.close() }
        let server = try await LiveServer(sink.api)
        var o = RemoteWriteSenderOptions(url: "http://127.0.0.1:\(server.port)/api/v1/write", name: "test")
        o.matchers = [.equal("keep", "yes")]
        o.flushIntervalSeconds = 0.05
        o.pollIntervalSeconds = 0.02
        o.batchSize = 7
        let sender = try RemoteWriteSender(dataDirectory: source.path, options: o, metrics: source.api.metrics)
        try sender.start()
        try appendBatch(source.db, 0, 10)
        try appendBatch(source.db, 10, 10)
        let first = try await waitFor(sink.api, samples: 20)
        #expect(first == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"keep":"yes"},"value":[3000,"20"]}]}}"#)
        sender.stop()
        let saved = try #require(sender.savedPosition)

        // Written while no sender runs: a new sender continues from the saved position.
        try appendBatch(source.db, 20, 5)
        let again = try RemoteWriteSender(dataDirectory: source.path, options: o, metrics: source.api.metrics)
        try again.start()
        let second = try await waitFor(sink.api, samples: 25)
        again.stop()
        #expect(second.contains(#""value":[3000,"25"]"#), "\(second)")
        #expect(try #require(again.savedPosition) > saved)
        await server.stop()
    }

    @Test func retriesServerErrorsAndDropsClientErrors() {
        #expect(RemoteWriteClient.classify(status: 204, body: nil, error: nil) == .sent)
        #expect(RemoteWriteClient.classify(status: 503, body: Data("busy".utf8), error: nil) == .retry("HTTP 503: busy"))
        #expect(RemoteWriteClient.classify(status: 429, body: nil, error: nil) == .retry("HTTP 429: "))
        #expect(RemoteWriteClient.classify(status: 400, body: Data("out of order sample".utf8), error: nil) == .drop("HTTP 400: out of order sample"))
        #expect(RemoteWriteClient.classify(status: nil, body: nil, error: URLError(.cannotConnectToHost)) != .sent)
    }
}

/// The sender against a receiver that fails on purpose.
@Suite struct RemoteWriteSenderRetryTests {
    @Test func retriesServerErrorsUntilAcceptedAndDropsClientErrors() async throws {
        let source = try APIFixture("rw-retry")
        defer { source.close() }
        // Two overloaded answers, then the first batch goes through; the second is refused for good.
        let receiver = try await FlakyReceiver(script: [503, 429, 204, 400])
        var o = RemoteWriteSenderOptions(url: "http://127.0.0.1:\(receiver.port)/api/v1/write", name: "retry")
        o.flushIntervalSeconds = 0.01
        o.pollIntervalSeconds = 0.01
        o.minBackoffSeconds = 0.01
        let sender = try RemoteWriteSender(dataDirectory: source.path, options: o, metrics: source.api.metrics)
        try sender.start()
        // One sample per batch; each waits until the receiver has answered for the previous one.
        for (i, answers) in [(1, 3), (2, 4), (3, 5)] {
            let app = source.db.appender()
            try app.append(Labels(["__name__": "r"]), Int64(i) * 1000, Double(i))
            try app.commit()
            for _ in 0..<500 {
                if receiver.answered.count >= answers { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        sender.stop()
        await receiver.stop()
        #expect(receiver.answered == [503, 429, 204, 400, 204])
        #expect(receiver.acceptedValues == [1, 3])  // 2 was refused with 400 and dropped
        let metrics = await source.api.selfMetrics(APIRequest()).text
        #expect(metrics.contains("tidemark_remote_write_retries_total 2"))
        #expect(metrics.contains("tidemark_remote_write_dropped_samples_total 1"))
    }
}
