import Testing
import TidemarkRemoteWrite
import TidemarkServer
import TidemarkStorage

/// `/api/v1/write`: remote write 1.0 in, answered as Prometheus's receiver answers.
@Suite struct RemoteWriteEndpointTests {
    func body(_ r: WriteRequest) -> APIRequest {
        APIRequest(headers: ["content-type": "application/x-protobuf", "content-encoding": "snappy"], body: Snappy.compress(r.serialized()))
    }

    func series(_ name: String, _ extra: (String, String)..., samples: [(Int64, Double)]) -> WriteRequest.TimeSeries {
        .init(labels: [.init("__name__", name)] + extra.map { .init($0.0, $0.1) }, samples: samples.map { .init(value: $0.1, timestamp: $0.0) })
    }

    @Test func acceptedSamplesAreQueryable() async throws {
        let f = try APIFixture("rw")
        defer { f.close() }
        let r = await f.api.remoteWrite(body(WriteRequest(
            timeseries: [series("rw_up", ("job", "a"), samples: [(1_000_000, 1), (1_015_000, 2)]), series("rw_up", ("job", "b"), samples: [(1_000_000, 5)])],
            metadata: [.init(type: "gauge", metricFamilyName: "rw_up", help: "Up.", unit: "")])))
        #expect(r.status == 204)
        let q = await f.api.query(form(("query", "sum(rw_up)"), ("time", "1015")))
        #expect(q.text == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{},"value":[1015,"7"]}]}}"#)
        #expect(await f.api.metricMetadata(form()).text == #"{"status":"success","data":{"rw_up":[{"type":"gauge","help":"Up.","unit":""}]}}"#)
    }

    @Test func outOfOrderIs400AndTheRestIsKept() async throws {
        let f = try APIFixture("rw-ooo")
        defer { f.close() }
        #expect(await f.api.remoteWrite(body(WriteRequest(timeseries: [series("m", samples: [(2000, 1)])]))).status == 204)
        let r = await f.api.remoteWrite(body(WriteRequest(timeseries: [
            series("m", samples: [(1000, 9), (3000, 9)]),
            series("m", ("x", "y"), samples: [(1000, 4)]),
            series("m", samples: [(2000, 7)]),
        ])))
        #expect(r.status == 400)
        #expect(r.text == "out of order sample for series {__name__=\"m\"}\nduplicate sample for timestamp for series {__name__=\"m\"}\n")
        let q = await f.api.query(form(("query", "m"), ("time", "2")))
        #expect(q.text.contains(#"{"metric":{"__name__":"m","x":"y"},"value":[2,"4"]}"#))
        #expect(q.text.contains(#"{"metric":{"__name__":"m"},"value":[2,"1"]}"#))
    }

    @Test func malformedBodiesAre400AndV2Is415() async throws {
        let f = try APIFixture("rw-bad")
        defer { f.close() }
        #expect(await f.api.remoteWrite(APIRequest(body: [1, 2, 3])).status == 400)
        let notProto = APIRequest(body: Snappy.compress([0x0a, 0x05, 0x0a]))
        let r = await f.api.remoteWrite(notProto)
        #expect(r.status == 400 && r.text.hasPrefix("protobuf: "))
        let v2 = APIRequest(headers: ["content-type": "application/x-protobuf;proto=io.prometheus.write.v2.Request"], body: [])
        #expect(await f.api.remoteWrite(v2).status == 415)
        let noName = await f.api.remoteWrite(body(WriteRequest(timeseries: [.init(labels: [.init("job", "x")], samples: [.init(value: 1, timestamp: 1)])])))
        #expect(noName.status == 400 && noName.text.hasPrefix("invalid metric name or labels"))
    }

    @Test func decodedSizeLimit() async throws {
        var o = ServerOptions()
        o.maxDecodedWriteBytes = 100
        let f = try APIFixture("rw-limit", options: o)
        defer { f.close() }
        let big = WriteRequest(timeseries: (0..<20).map { series("m", ("i", "\($0)"), samples: [(1, 1)]) })
        let r = await f.api.remoteWrite(body(big))
        #expect(r.status == 400 && r.text.contains("exceeds the limit"))
    }
}
