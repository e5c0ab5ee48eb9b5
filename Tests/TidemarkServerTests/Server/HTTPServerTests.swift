import Foundation
import Testing
import TidemarkServer

/// The API through Hummingbird on a loopback socket: routing, GET and POST forms,
/// status codes.
@Suite struct HTTPServerTests {
    @Test func queryOverGETAndPOST() async throws {
        let f = try APIFixture("http", samples: APIFixture.standardSamples())
        defer { f.close() }
        let server = try await LiveServer(f.api)
        let get = try await server.request("/api/v1/query?query=count(up)&time=1700000300")
        #expect(get.status == 200)
        #expect(get.body == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1700000300,"3"]}]}}"#)
        let post = try await server.request("/api/v1/query_range", method: "POST",
                                            body: Data("query=count(up)&start=1700000000&end=1700000060&step=60".utf8),
                                            contentType: "application/x-www-form-urlencoded")
        #expect(post.status == 200)
        #expect(post.body.contains(#""values":[[1700000000,"3"],[1700000060,"3"]]"#))
        let bad = try await server.request("/api/v1/query?query=sum(")
        #expect(bad.status == 400)
        await server.stop()
    }
}
