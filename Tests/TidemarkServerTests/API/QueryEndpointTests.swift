import Testing
import TidemarkServer
import TidemarkStorage

/// `/api/v1/query` and `/api/v1/query_range`: Prometheus's JSON shapes, parameters and
/// error answers.
@Suite struct QueryEndpointTests {
    @Test func instantVectorHasPrometheusShape() async throws {
        let f = try APIFixture("instant", samples: APIFixture.standardSamples())
        defer { f.close() }
        let r = await f.api.query(form(("query", "up{job=\"db\"}"), ("time", "1700000300")))
        #expect(r.status == 200)
        #expect(r.text == #"{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"c:1","job":"db"},"value":[1700000300,"1"]}]}}"#)
    }

    @Test func rangeQueryAndRFC3339Times() async throws {
        let f = try APIFixture("range", samples: APIFixture.standardSamples())
        defer { f.close() }
        let r = await f.api.queryRange(form(("query", "sum(requests_total)"), ("start", "2023-11-14T22:13:20Z"), ("end", "2023-11-14T22:15:20.000Z"), ("step", "1m")))
        #expect(r.status == 200)
        #expect(r.text == #"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1700000000,"0"],[1700000060,"6"],[1700000120,"12"]]}]}}"#)
    }

    @Test func scalarAndStringResults() async throws {
        let f = try APIFixture("scalar")
        defer { f.close() }
        #expect(await f.api.query(form(("query", "1/0"), ("time", "1.5"))).text == #"{"status":"success","data":{"resultType":"scalar","result":[1.500,"+Inf"]}}"#)
        #expect(await f.api.query(form(("query", "\"a<b\""), ("time", "2"))).text == #"{"status":"success","data":{"resultType":"string","result":[2,"a\u003cb"]}}"#)
    }

    @Test func badParametersAre400BadData() async throws {
        let f = try APIFixture("bad")
        defer { f.close() }
        let cases: [(APIRequest, String)] = [
            (form(("query", "up"), ("time", "yesterday")), #"invalid parameter \"time\": cannot parse \"yesterday\" to a valid timestamp"#),
            (form(("query", "sum(")), #"invalid parameter \"query\": 1:5: parse error:"#),
            (form(("query", "up"), ("timeout", "soon")), #"invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration"#),
        ]
        for (req, message) in cases {
            let r = await f.api.query(req)
            #expect(r.status == 400)
            #expect(r.text.hasPrefix(#"{"status":"error","errorType":"bad_data","error":""# + message), "\(r.text)")
        }
        let ranged: [(APIRequest, String)] = [
            (form(("query", "up"), ("start", "10"), ("end", "5"), ("step", "1")), "end timestamp must not be before start time"),
            (form(("query", "up"), ("start", "0"), ("end", "5"), ("step", "0")), "zero or negative query resolution step widths are not accepted. Try a positive integer"),
            (form(("query", "up"), ("start", "0"), ("end", "100000"), ("step", "1s")), "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)"),
            (form(("query", "up"), ("start", "0"), ("end", "5")), #"invalid parameter \"step\": cannot parse \"\" to a valid duration"#),
            (form(("query", "up[5m]"), ("start", "0"), ("end", "5"), ("step", "1")), #"invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"#),
        ]
        for (req, message) in ranged {
            let r = await f.api.queryRange(req)
            #expect(r.status == 400, "\(r.text)")
            #expect(r.text == #"{"status":"error","errorType":"bad_data","error":""# + message + #""}"#)
        }
    }

    @Test func executionErrorsAre422() async throws {
        let f = try APIFixture("exec", samples: APIFixture.standardSamples())
        defer { f.close() }
        // Many-to-many matching: both sides have two series per `job`.
        let r = await f.api.query(form(("query", "up + on(job) up"), ("time", "1700000300")))
        #expect(r.status == 422)
        #expect(r.text.hasPrefix(#"{"status":"error","errorType":"execution","error":"#))
    }

    @Test func sampleLimitIs422AndQueueTimeoutIs503() async throws {
        var o = ServerOptions()
        o.maxSamples = 5
        let f = try APIFixture("limits", options: o, samples: APIFixture.standardSamples())
        defer { f.close() }
        let r = await f.api.query(form(("query", "up[10m]"), ("time", "1700000600")))
        #expect(r.status == 422)
        #expect(r.text == #"{"status":"error","errorType":"execution","error":"query processing would load too many samples into memory in query execution"}"#)
    }

    @Test func limitTruncatesWithWarning() async throws {
        let f = try APIFixture("limit", samples: APIFixture.standardSamples())
        defer { f.close() }
        let r = await f.api.query(form(("query", "up"), ("time", "1700000300"), ("limit", "2")))
        let o = try jsonObject(r)
        let data = o["data"] as? [String: Any]
        #expect((data?["result"] as? [Any])?.count == 2)
        #expect(o["warnings"] as? [String] == ["results truncated due to limit"])
    }

    @Test func statsAllAddsSamplesAndTimings() async throws {
        let f = try APIFixture("stats", samples: APIFixture.standardSamples())
        defer { f.close() }
        let r = await f.api.query(form(("query", "up"), ("time", "1700000300"), ("stats", "all")))
        let data = try jsonObject(r)["data"] as? [String: Any]
        let stats = data?["stats"] as? [String: Any]
        #expect((stats?["samples"] as? [String: Any])?["totalQueryableSamples"] as? Int ?? 0 > 0)
        #expect((stats?["timings"] as? [String: Any])?["execTotalTime"] != nil)
    }

    @Test func annotationsTravelAsWarningsAndInfos() async throws {
        let f = try APIFixture("annotations", samples: APIFixture.standardSamples())
        defer { f.close() }
        // rate() over a metric not ending in _total gives an info annotation.
        let r = await f.api.query(form(("query", "rate(up[5m])"), ("time", "1700000300")))
        let o = try jsonObject(r)
        #expect((o["infos"] as? [String])?.first?.contains("PromQL info") == true, "\(r.text)")
    }
}

/// Request parameters beyond the basics.
@Suite struct QueryParameterTests {
    @Test func lookbackDeltaShortensTheLookback() async throws {
        let f = try APIFixture("lookback", samples: APIFixture.standardSamples())
        defer { f.close() }
        // The last samples are at 1700000540; 90 s later only a lookback over 90 s finds them.
        let t = ("time", "1700000630")
        #expect(await f.api.query(form(("query", "count(up)"), t)).text.contains(#""value":[1700000630,"3"]"#))
        #expect(await f.api.query(form(("query", "count(up)"), t, ("lookback_delta", "1m"))).text == #"{"status":"success","data":{"resultType":"vector","result":[]}}"#)
        #expect(await f.api.query(form(("query", "up"), ("lookback_delta", "x"))).status == 400)
    }

    @Test func rulesAndTargetsAreEmpty() async throws {
        let f = try APIFixture("rules")
        defer { f.close() }
        #expect(await f.api.rules(form()).text == #"{"status":"success","data":{"groups":[]}}"#)
        #expect(await f.api.targets(form()).text == #"{"status":"success","data":{"activeTargets":[],"droppedTargets":[]}}"#)
    }
}
