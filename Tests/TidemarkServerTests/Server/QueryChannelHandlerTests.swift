import Foundation
import Testing
import TidemarkQuery
@testable import TidemarkServer
import TidemarkStorage

/// The query endpoints as `QueryChannelHandler` answers them on the event loop: the same
/// answers and headers as the router, requests answered in order when pipelined with the
/// router's, `Connection: close`, and queries run inline or on a worker thread alike.
@Suite struct QueryChannelHandlerTests {
    static let instant = "/api/v1/query?query=count(up)&time=1700000300"
    static let range = "/api/v1/query_range?query=sum%20by%20(job)%20(requests_total)&start=1700000000&end=1700000300&step=60"

    @Test func answersLikeTheRouter() async throws {
        let f = try APIFixture("fast-same", samples: APIFixture.standardSamples())
        defer { f.close() }
        let server = try await LiveServer(f.api)
        let c = try RawHTTPConnection(port: server.port)
        for path in [Self.instant, Self.range, "/api/v1/query?query=sum(", "/api/v1/query_range?query=up&start=2&end=1&step=1"] {
            // The handler answers "/api/v1/…"; the absolute form of the same URL goes to
            // Hummingbird's router (the handler matches the path exactly).
            c.send("GET \(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            let fast = try #require(await c.read())
            c.send("GET http://127.0.0.1:\(server.port)\(path) HTTP/1.1\r\nHost: x\r\n\r\n")
            let routed = try #require(await c.read())
            #expect(fast.status == routed.status)
            #expect(fast.body == routed.body)
            #expect(fast.headers.map(\.0) == ["Content-Type", "Content-Length", "Date", "Server"])
            #expect(fast.headers.map(\.0) == routed.headers.map(\.0))
            #expect(fast.header("Content-Type") == routed.header("Content-Type"))
            #expect(fast.header("Server") == "tidemark")
        }
        await server.stop()
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        let f = try APIFixture("fast-pipeline", samples: APIFixture.standardSamples())
        defer { f.close() }
        let server = try await LiveServer(f.api)
        let c = try RawHTTPConnection(port: server.port)
        let body = "query=count(requests_total)&time=1700000300"
        // Handler, router, handler (POST form), router, handler, all in one write.
        c.send("GET \(Self.instant) HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET /api/v1/labels HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /api/v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            + "GET /api/v1/label/job/values HTTP/1.1\r\nHost: x\r\n\r\n"
            + "GET \(Self.range) HTTP/1.1\r\nHost: x\r\n\r\n")
        let expected = [
            await f.api.query(form(("query", "count(up)"), ("time", "1700000300"))).text,
            await f.api.labelNames(APIRequest()).text,
            await f.api.query(form(("query", "count(requests_total)"), ("time", "1700000300"))).text,
            await f.api.labelValues(APIRequest(path: ["name": "job"])).text,
            await f.api.queryRange(form(("query", "sum by (job) (requests_total)"), ("start", "1700000000"), ("end", "1700000300"), ("step", "60"))).text,
        ]
        for e in expected {
            let a = try #require(await c.read())
            #expect(a.status == 200)
            #expect(a.body == e)
        }
        await server.stop()
    }

    @Test func connectionCloseIsHonoured() async throws {
        let f = try APIFixture("fast-close", samples: APIFixture.standardSamples())
        defer { f.close() }
        let server = try await LiveServer(f.api)
        let c = try RawHTTPConnection(port: server.port)
        c.send("GET \(Self.instant) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        let a = try #require(await c.read())
        #expect(a.status == 200)
        #expect(await c.isClosed())
        await server.stop()
    }

    @Test func inlineAndOffloadedQueriesAnswerAlike() async throws {
        // Default limits (inline), never inline, and prepared inline but run on a worker.
        var never = ServerOptions()
        never.inlineQueries.maxSeries = 0
        var noChunks = ServerOptions()
        noChunks.inlineQueries.maxChunks = 0
        var answers: [[String]] = []
        for (i, o) in [ServerOptions(), never, noChunks].enumerated() {
            let f = try APIFixture("inline-\(i)", options: o, samples: APIFixture.standardSamples())
            defer { f.close() }
            var texts: [String] = []
            texts.append(await f.api.query(form(("query", "sum by (job) (up)"), ("time", "1700000300"))).text)
            texts.append(await f.api.queryRange(form(("query", "rate(requests_total[5m])"), ("start", "1700000000"), ("end", "1700000540"), ("step", "60"))).text)
            texts.append(await f.api.query(form(("query", "up{job=~\"a.*\"}"), ("time", "1700000300"), ("stats", "1"))).status.description)
            texts.append(await f.api.query(form(("query", "up"), ("time", "1700000300"), ("limit", "1"))).text)
            answers.append(texts)
        }
        #expect(answers[0] == answers[1])
        #expect(answers[0] == answers[2])
        #expect(answers[0][0].contains(#""job":"api""#))
    }

    @Test func inlineLimitsAdmitOnlySmallPreparedQueries() throws {
        let f = try APIFixture("prepare", samples: APIFixture.standardSamples())
        defer { f.close() }
        let engine = Engine(storage: f.db)
        let up = try PromQL.parse("up")
        // Three `up` series: bounded by their postings, selected when the bound allows.
        let small = try engine.prepare(up, start: 1_700_000_300_000, end: 1_700_000_300_000, step: 0, selectUpTo: 3)
        #expect(small.isSelected)
        #expect(small.cost.series == 3)
        #expect(small.cost.rollupWindows == 0)
        #expect(ServerOptions.InlineQueryLimits().admits(small.cost))
        #expect(try small.run().value == engine.instantQuery(up, at: 1_700_000_300_000).value)
        // Over the bound: nothing selected yet, so not admitted; run() still answers.
        let big = try engine.prepare(up, start: 1_700_000_300_000, end: 1_700_000_300_000, step: 0, selectUpTo: 2)
        #expect(!big.isSelected)
        #expect(!ServerOptions.InlineQueryLimits().admits(big.cost))
        #expect(try big.run().value == engine.instantQuery(up, at: 1_700_000_300_000).value)
        // A regex alone gives no bound.
        let regex = try engine.prepare(try PromQL.parse("{job=~\"a.*\"}"), start: 0, end: 0, step: 0, selectUpTo: 1000)
        #expect(!regex.isSelected)
        // No selector: nothing to read, evaluation points decide.
        let subquery = try engine.prepare(try PromQL.parse("max_over_time(vector(1)[1d:1s])"), start: 0, end: 0, step: 0, selectUpTo: 1000)
        #expect(subquery.cost.subquerySteps == 86_400)
        #expect(!ServerOptions.InlineQueryLimits().admits(subquery.cost))
        #expect(ServerOptions.InlineQueryLimits().admits(try engine.prepare(try PromQL.parse("vector(1)"), start: 0, end: 0, step: 0, selectUpTo: 1000).cost))
    }

    @Test func formDecodingWorksOnBytes() {
        var form: [String: [String]] = [:]
        FormDecoding.decode("a=1&b=x+y&&c&match[]=up&match[]=%7Bjob%3D%22a%22%7D&bad=%zz%4&e=%C3%A9&plain=é", into: &form)
        #expect(form == ["a": ["1"], "b": ["x y"], "c": [""], "match[]": ["up", "{job=\"a\"}"], "bad": ["%zz%4"], "e": ["é"], "plain": ["é"]])
        // `&` followed by a combining mark still separates (a Character split would not).
        var marks: [String: [String]] = [:]
        FormDecoding.decode("a=1&\u{301}b=2", into: &marks)
        #expect(marks == ["a": ["1"], "\u{301}b": ["2"]])
    }

    @Test func expressionCacheKeepsTwoGenerations() throws {
        let cache = ExpressionCache(capacity: 2)
        let a = try PromQL.parse("a"), b = try PromQL.parse("b"), c = try PromQL.parse("c")
        cache.put("a", a)
        cache.put("b", b)
        cache.put("c", c)  // current was full: {a, b} becomes the older generation
        #expect(cache.get("a") == a)  // moved back into the current generation
        cache.put("d", try PromQL.parse("d"))  // current {c, a} full: becomes older, b dropped
        #expect(cache.get("b") == nil)
        #expect(cache.get("c") == c)
        #expect(ExpressionCache(capacity: 2, maxTextBytes: 1).get("ab") == nil)
    }
}
