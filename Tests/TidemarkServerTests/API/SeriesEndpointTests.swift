import Testing
import TidemarkServer
import TidemarkStorage

/// `/api/v1/series`, `/api/v1/labels`, `/api/v1/label/<name>/values`, metadata, exemplars.
@Suite struct SeriesEndpointTests {
    @Test func seriesByMatchers() async throws {
        let f = try APIFixture("series", samples: APIFixture.standardSamples())
        defer { f.close() }
        let r = await f.api.series(form(("match[]", "up{job=\"api\"}"), ("match[]", "up{instance=\"a:1\"}")))
        #expect(r.text == #"{"status":"success","data":[{"__name__":"up","instance":"a:1","job":"api"},{"__name__":"up","instance":"b:1","job":"api"}]}"#)
        let none = await f.api.series(form(("match[]", "up"), ("start", "1800000000")))
        #expect(none.text == #"{"status":"success","data":[]}"#)
        let missing = await f.api.series(form())
        #expect(missing.status == 400)
        #expect(missing.text == #"{"status":"error","errorType":"bad_data","error":"no match[] parameter provided"}"#)
        let limited = await f.api.series(form(("match[]", "up"), ("limit", "1")))
        #expect(limited.text.hasSuffix(#"}],"warnings":["results truncated due to limit"]}"#))
    }

    @Test func labelsAndValues() async throws {
        let f = try APIFixture("labels", samples: APIFixture.standardSamples())
        defer { f.close() }
        #expect(await f.api.labelNames(form()).text == #"{"status":"success","data":["__name__","instance","job"]}"#)
        #expect(await f.api.labelValues(APIRequest(path: ["name": "job"])).text == #"{"status":"success","data":["api","db"]}"#)
        var r = APIRequest(form: ["match[]": ["up{job=\"db\"}"]], path: ["name": "instance"])
        #expect(await f.api.labelValues(r).text == #"{"status":"success","data":["c:1"]}"#)
        r.form["match[]"] = ["rate(up[5m])"]
        #expect(await f.api.labelValues(r).status == 400)
    }

    @Test func exemplarsAreEmptyAndMetadataStartsEmpty() async throws {
        let f = try APIFixture("exemplars")
        defer { f.close() }
        #expect(await f.api.queryExemplars(form(("query", "up"))).text == #"{"status":"success","data":[]}"#)
        #expect(await f.api.metricMetadata(form()).text == #"{"status":"success","data":{}}"#)
    }
}
