import Testing
import TidemarkServer

/// `/api/v1/format_query`, `/api/v1/parse_query`, `/api/v1/explain`, status endpoints.
@Suite struct QueryToolEndpointTests {
    @Test func formatQuery() async throws {
        let f = try APIFixture("format")
        defer { f.close() }
        #expect(await f.api.formatQuery(form(("query", "sum  by(job)(rate( x [5m] ))"))).text == #"{"status":"success","data":"sum by (job) (rate(x[5m]))"}"#)
        #expect(await f.api.formatQuery(form(("query", "x +"))).status == 400)
    }

    @Test func parseQueryMatchesPrometheusShape() async throws {
        let f = try APIFixture("parse")
        defer { f.close() }
        // The expected text is what Prometheus 3's /api/v1/parse_query answers.
        let r = await f.api.parseQuery(form(("query", "sum by (job) (rate(x{a=\"b\"}[5m] offset 1m)) > 2")))
        #expect(r.text == #"{"status":"success","data":{"bool":false,"lhs":{"expr":{"args":[{"matchers":[{"name":"a","type":"=","value":"b"},{"name":"__name__","type":"=","value":"x"}],"name":"x","offset":60000,"range":300000,"startOrEnd":null,"timestamp":null,"type":"matrixSelector"}],"func":{"argTypes":["matrix"],"name":"rate","returnType":"vector","variadic":0},"type":"call"},"grouping":["job"],"op":"sum","param":null,"type":"aggregation","without":false},"matching":null,"op":"\u003e","rhs":{"type":"numberLiteral","val":"2"},"type":"binaryExpr"}}"#)
    }

    @Test func explainShowsThePlan() async throws {
        let f = try APIFixture("explain")
        defer { f.close() }
        let r = await f.api.explain(form(("query", "rate(x[5m])"), ("time", "1000")))
        #expect(r.status == 200)
        #expect(r.text.contains(#""query":"rate(x[5m])","plan":""#))
    }

    @Test func statusEndpoints() async throws {
        let f = try APIFixture("status", samples: APIFixture.standardSamples())
        defer { f.close() }
        #expect(await f.api.buildInfo(form()).text.hasPrefix(#"{"status":"success","data":{"version":"#))
        #expect(await f.api.runtimeInfo(form()).text.contains(#""storageRetention":"#))
        let tsdb = try jsonObject(await f.api.tsdbStatus(form()))
        let data = tsdb["data"] as? [String: Any]
        #expect((data?["headStats"] as? [String: Any])?["numSeries"] as? Int == 6)
        let byName = data?["seriesCountByMetricName"] as? [[String: Any]]
        #expect(byName?.first?["value"] as? Int == 3)
        let pairs = data?["seriesCountByLabelValuePair"] as? [[String: Any]]
        #expect(pairs?.first?["name"] as? String == "job=api" && pairs?.first?["value"] as? Int == 4)
        #expect(await f.api.healthy(form()).status == 200)
    }
}
