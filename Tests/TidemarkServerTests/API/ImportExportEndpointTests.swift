import Foundation
import Testing
import TidemarkServer
import TidemarkStorage

/// `/api/v1/import/prometheus`, `/api/v1/export`, `/metrics`.
@Suite struct ImportExportEndpointTests {
    static let text = """
        # HELP temp Temperature.
        # TYPE temp gauge
        temp{room="a"} 20.5 1700000000000
        temp{room="a"} 21 1700000060000
        temp{room="b"} -3 1700000000000
        this is not a sample
        untimed 7

        """

    @Test func importThenExportRoundTrips() async throws {
        let f = try APIFixture("import")
        defer { f.close() }
        let r = await f.api.importPrometheus(APIRequest(form: ["timestamp": ["1700000030"]], body: Array(Self.text.utf8)))
        #expect(r.status == 400)
        #expect(r.text.contains("line 6"), "\(r.text)")
        let e = await f.api.export(form(("match[]", "temp"), ("match[]", "untimed")))
        #expect(e.status == 200)
        #expect(e.text == """
            temp{room="a"} 20.5 1700000000000
            temp{room="a"} 21 1700000060000
            temp{room="b"} -3 1700000000000
            untimed 7 1700000030000

            """)
        #expect(await f.api.metricMetadata(form(("metric", "temp"))).text == #"{"status":"success","data":{"temp":[{"type":"gauge","help":"Temperature.","unit":""}]}}"#)
        // Importing it again: each series' first sample is older than its last, as Prometheus words it.
        let again = await f.api.importPrometheus(APIRequest(body: e.body))
        #expect(again.status == 400)
        #expect(again.text.contains(#"out of order sample for series {__name__="temp", room="a"}"#))
    }

    @Test func differentTextsOfOneSeriesAreOneSeries() async throws {
        let f = try APIFixture("import-texts")
        defer { f.close() }
        // Label order, spacing, an empty value and the quoted-name form all name one series.
        let body = """
            m{a="1",b="2"} 1 1000
            m{b="2",a="1"} 2 2000
            m{ a="1", b="2", c="" } 3 3000
            {"m",a="1",b="2"} 4 4000
            m{a="1",b="2"} 5 5000
            m{a="1",b="3"} 6 1000

            """
        #expect(await f.api.importPrometheus(APIRequest(body: Array(body.utf8))).status == 204)
        let e = await f.api.export(form(("match[]", "m")))
        #expect(e.text == """
            m{a="1",b="2"} 1 1000
            m{a="1",b="2"} 2 2000
            m{a="1",b="2"} 3 3000
            m{a="1",b="2"} 4 4000
            m{a="1",b="2"} 5 5000
            m{a="1",b="3"} 6 1000

            """)
    }

    @Test func selfMetricsCountIngestAndQueries() async throws {
        let f = try APIFixture("metrics")
        defer { f.close() }
        _ = await f.api.importPrometheus(APIRequest(body: Array("a 1 1000\nb 2 1000\n".utf8)))
        _ = await f.api.query(form(("query", "a"), ("time", "1")))
        let m = await f.api.selfMetrics(APIRequest())
        #expect(m.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(m.text.contains("tidemark_samples_ingested_total 2"))
        #expect(m.text.contains("tidemark_head_series 2"))
        #expect(m.text.contains("tidemark_query_duration_seconds_count 1"))
        #expect(m.text.contains("tidemark_wal_size_bytes "))
    }
}
