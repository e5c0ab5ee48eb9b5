import Testing
import TidemarkStorage

@Suite("Exposition parser: syntax")
struct ParserSyntaxTests {
    @Test func plainSampleGetsTheDefaultTimestamp() throws {
        let out = try parseAll("up 1\n", .prometheusText, defaultTimestamp: 42)
        #expect(out == [.sample(L(["__name__": "up"]), 1, 42)])
    }

    @Test func labelsAndMillisecondTimestampInPrometheusText() throws {
        let out = try parseAll("http_requests_total{method=\"post\",code=\"200\"} 1027 1395066363000\n", .prometheusText)
        #expect(out == [.sample(L(["__name__": "http_requests_total", "method": "post", "code": "200"]), 1027, 1_395_066_363_000)])
    }

    @Test func negativeMillisecondTimestamp() throws {
        #expect(try parseAll("a 1 -5\n", .prometheusText) == [.sample(L(["__name__": "a"]), 1, -5)])
    }

    @Test func openMetricsTimestampsAreSecondsConvertedExactly() throws {
        let text = """
        a 1 1520879607.789
        a 2 1520879607
        a 3 1.5e3
        a 4 1520879607.7899
        a 5 -0.0015
        a 6 0.001
        a 7 17e-4
        # EOF

        """
        let ts = try parseAll(text, .openMetrics).compactMap { p -> Int64? in
            if case .sample(_, _, let t) = p { return t }
            return nil
        }
        // Digits below a millisecond are truncated toward zero, as promtool does.
        #expect(ts == [1_520_879_607_789, 1_520_879_607_000, 1_500_000, 1_520_879_607_789, -1, 1, 1])
    }

    @Test func valueForms() throws {
        let text = """
        a 1.5e-3
        a -2E+2
        a .5
        a 5.
        a +3
        a -0
        a 1e308
        a 0.1
        a 1.7976931348623157e308
        a 4.9e-324
        a 123456789012345678901234567890
        a 0.30000000000000004
        a +Inf
        a -Inf
        a Inf
        a inf
        a -infinity

        """
        let values = try parseAll(text, .prometheusText).compactMap { p -> Double? in
            if case .sample(_, let v, _) = p { return v }
            return nil
        }
        let expected: [Double] = [0.0015, -200, 0.5, 5, 3, -0.0, 1e308, 0.1, .greatestFiniteMagnitude, 4.9e-324,
                                  123456789012345678901234567890, 0.30000000000000004, .infinity, -.infinity, .infinity, .infinity, -.infinity]
        #expect(values.map(\.bitPattern) == expected.map(\.bitPattern))
    }

    @Test func nanParsesToPrometheusNormalNaN() throws {
        for spelling in ["NaN", "nan", "NAN", "-NaN"] {
            let out = try parseAll("a \(spelling)\n", .prometheusText)
            #expect(out == [.sample(L(["__name__": "a"]), ExpositionParser.normalNaN, 0)])
        }
        #expect(ExpositionParser.normalNaN.bitPattern == 0x7ff8_0000_0000_0001)
    }

    @Test func labelValueEscapes() throws {
        let out = try parseAll(#"a{x="back\\slash",y="quote\"d",z="new\nline",w="tab\tkept"} 1"# + "\n", .prometheusText)
        #expect(out == [.sample(L(["__name__": "a", "x": "back\\slash", "y": "quote\"d", "z": "new\nline", "w": "tab\\tkept"]), 1, 0)])
    }

    @Test func utf8LabelValues() throws {
        let out = try parseAll("a{city=\"Zürich\",emoji=\"🌊\"} 1\n", .prometheusText)
        #expect(out == [.sample(L(["__name__": "a", "city": "Zürich", "emoji": "🌊"]), 1, 0)])
    }

    @Test func quotedUTF8MetricAndLabelNames() throws {
        let text = """
        # TYPE "my.metric" gauge
        {"my.metric", "some.label"="v", job="x"} 1
        {"my.metric"} 2
        {job="y", "my.metric"} 3
        {"quote\\"d"} 4

        """
        let out = try parseAll(text, .prometheusText)
        #expect(out == [
            .type("my.metric", .gauge),
            .sample(L(["__name__": "my.metric", "some.label": "v", "job": "x"]), 1, 0),
            .sample(L(["__name__": "my.metric"]), 2, 0),
            .sample(L(["__name__": "my.metric", "job": "y"]), 3, 0),
            .sample(L(["__name__": "quote\"d"]), 4, 0),
        ])
    }

    @Test func quotedLegacyLabelNameEqualsBareName() throws {
        let out = try parseAll(#"a{"job"="x"} 1"# + "\n", .prometheusText)
        #expect(out == [.sample(L(["__name__": "a", "job": "x"]), 1, 0)])
    }

    @Test func whitespaceTrailingCommaEmptyBracesTabsAndCRLF() throws {
        let text = "  a { x = \"1\" , y=\"2\", }\t 7 \t 100 \r\nb{} 8\r\nc\t9\n"
        let out = try parseAll(text, .prometheusText)
        #expect(out == [
            .sample(L(["__name__": "a", "x": "1", "y": "2"]), 7, 100),
            .sample(L(["__name__": "b"]), 8, 0),
            .sample(L(["__name__": "c"]), 9, 0),
        ])
    }

    @Test func emptyLabelValuesAreDropped() throws {
        #expect(try parseAll("a{x=\"\",y=\"1\"} 1\n", .prometheusText) == [.sample(L(["__name__": "a", "y": "1"]), 1, 0)])
    }

    @Test func metadataInPrometheusText() throws {
        let text = """
        # HELP http_requests_total The total number of HTTP requests.\\nSecond line \\\\ "kept"
        # TYPE http_requests_total counter
        # TYPE old untyped
        # UNIT http_requests_total requests
        # just a comment
        #no space: also a comment
        # HELP
        # EOF
        http_requests_total 1

        """
        let out = try parseAll(text, .prometheusText)
        #expect(out == [
            .help("http_requests_total", "The total number of HTTP requests.\nSecond line \\ \"kept\""),
            .type("http_requests_total", .counter),
            .type("old", .unknown),
            .sample(L(["__name__": "http_requests_total"]), 1, 0),
        ])
    }

    @Test func metadataInOpenMetrics() throws {
        let text = """
        # TYPE request_duration_seconds histogram
        # HELP request_duration_seconds Time \\"spent\\".
        # UNIT request_duration_seconds seconds
        # TYPE t stateset
        # TYPE g gaugehistogram
        # TYPE i info
        # TYPE u unknown
        # EOF

        """
        #expect(try parseAll(text, .openMetrics) == [
            .type("request_duration_seconds", .histogram),
            .help("request_duration_seconds", "Time \"spent\"."),
            .unit("request_duration_seconds", "seconds"),
            .type("t", .stateSet),
            .type("g", .gaugeHistogram),
            .type("i", .info),
            .type("u", .unknown),
        ])
    }

    @Test func emptyHelpText() throws {
        #expect(try parseAll("# HELP a \n", .prometheusText) == [.help("a", "")])
    }

    @Test func exemplarsAreSkipped() throws {
        let text = """
        # TYPE foo histogram
        foo_bucket{le="0.1"} 8 # {trace_id="KOO5S4vxi0o"} 0.054 1520879607.7
        foo_bucket{le="+Inf"} 17 1520879607.789 # {trace_id="oHg5SJYRHA0", "span.id"="1"} 9.8
        foo_count 17 # {} 1
        # EOF

        """
        let out = try parseAll(text, .openMetrics, defaultTimestamp: 5)
        #expect(out == [
            .type("foo", .histogram),
            .sample(L(["__name__": "foo_bucket", "le": "0.1"]), 8, 5),
            .sample(L(["__name__": "foo_bucket", "le": "+Inf"]), 17, 1_520_879_607_789),
            .sample(L(["__name__": "foo_count"]), 17, 5),
        ])
    }

    @Test func eofEndsOpenMetricsAndBlankLinesMayFollow() throws {
        let out = try parseAll("a 1\n# EOF\n\n\n", .openMetrics)
        #expect(out == [.sample(L(["__name__": "a"]), 1, 0)])
        #expect(try parseAll("a 1\n# EOF", .openMetrics).count == 1)
    }

    @Test func sampleCarriesSeriesBytesLineAndTimestampFlag() throws {
        let text = "# TYPE a gauge\n\n  a{x=\"1\"} 2 3\nb 4\n"
        var parser = ExpositionParser(Array(text.utf8), format: .prometheusText, defaultTimestamp: 99)
        var samples: [ExpositionSample] = []
        while let e = try parser.next() { if case .sample(let s) = e { samples.append(s) } }
        #expect(samples.count == 2)
        #expect(String(decoding: parser.seriesBytes(of: samples[0]), as: UTF8.self) == "a{x=\"1\"}")
        #expect(samples[0].line == 3 && samples[0].hasTimestamp && samples[0].timestamp == 3)
        #expect(String(decoding: parser.seriesBytes(of: samples[1]), as: UTF8.self) == "b")
        #expect(samples[1].line == 4 && !samples[1].hasTimestamp && samples[1].timestamp == 99)
        #expect(parser.lineNumber == 4)
    }

    @Test func sameSeriesSpelledDifferentlyGivesEqualLabels() throws {
        let out = try parseAll("a{y=\"2\",x=\"1\"} 1\na{ x=\"1\", y=\"2\", } 2\n{\"a\",x=\"1\",y=\"2\"} 3\n", .prometheusText)
        let sets = out.compactMap { p -> Labels? in if case .sample(let l, _, _) = p { return l } else { return nil } }
        #expect(sets.count == 3 && Set(sets).count == 1)
    }

    @Test func formatIsDetectedWhenNotGiven() throws {
        var om = ExpositionParser(Array("a 1 1.5\n# EOF\n".utf8), defaultTimestamp: 0)
        #expect(om.format == .openMetrics)
        if case .sample(let s)? = try om.next() { #expect(s.timestamp == 1500) } else { Issue.record("no sample") }
        let prom = ExpositionParser(Array("a 1 1500\n".utf8), defaultTimestamp: 0)
        #expect(prom.format == .prometheusText)
    }

    @Test func emptyInput() throws {
        #expect(try parseAll("", .prometheusText).isEmpty)
        #expect(try parseAll("\n\n  \n", .prometheusText).isEmpty)
        #expect(try parseAll("# EOF\n", .openMetrics).isEmpty)
    }
}
