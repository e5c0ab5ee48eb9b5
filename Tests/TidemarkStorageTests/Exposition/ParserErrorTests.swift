import Testing
import TidemarkStorage

@Suite("Exposition parser: errors name line, column and what was expected")
struct ParserErrorTests {
    /// (input line, format, column, message); each input is a single line.
    static let cases: [(String, ExpositionFormat, Int, String)] = [
        // Series
        (#"up{job} 1"#, .prometheusText, 7, #"expected '=' after label name "job", found '}'"#),
        (#"up{job="a" 1"#, .prometheusText, 12, #"expected ',' or '}' after label "job", found '1'"#),
        (#"up{job=a} 1"#, .prometheusText, 8, #"expected '"' to start the value of label "job", found 'a'"#),
        (#"up{job="a} 1"#, .prometheusText, 13, #"expected '"' to close the value of label "job" opened at column 8, found end of line"#),
        (#"up{"my.label} 1"#, .prometheusText, 16, #"expected '"' to close the quoted name opened at column 4, found end of line"#),
        (#"up{9a="x"} 1"#, .prometheusText, 4, "expected a label name or '}', found '9'"),
        (#"up{,} 1"#, .prometheusText, 4, "expected a label name or '}', found ','"),
        (#"up{job="a""#, .prometheusText, 11, "expected ',' or '}' after label \"job\", found end of line"),
        (#"up{"#, .prometheusText, 4, "expected a label name or '}', found end of line"),
        (#"up{"x" 1"#, .prometheusText, 8, #"expected '=', ',' or '}' after "x", found '1'"#),
        ("up", .prometheusText, 3, "expected a value after the series, found end of line"),
        (#"up{job="a"}1"#, .prometheusText, 12, "expected a space before the value, found '1'"),
        ("up-time 1", .prometheusText, 3, #"expected '{' or a space after metric name "up", found '-'"#),
        ("9up 1", .prometheusText, 1, "expected a metric name, '{' or '#', found '9'"),
        ("\u{7F}up 1", .prometheusText, 1, "expected a metric name, '{' or '#', found byte 0x7F"),
        (#""up" 1"#, .prometheusText, 1, #"expected a metric name, '{' or '#', found '"' (a quoted metric name goes inside the braces: {"name", label="value"})"#),
        (#"{job="a"} 1"#, .prometheusText, 2, "expected a metric name: a quoted string as the first item in the braces"),
        (#"up{"x"} 1"#, .prometheusText, 4, #"unexpected second metric name "x"; the series already has one"#),
        (#"{"a", "b"} 1"#, .prometheusText, 7, #"unexpected second metric name "b"; the series already has one"#),
        (#"{""} 1"#, .prometheusText, 2, "empty metric name"),
        // Values and timestamps
        ("up abc", .prometheusText, 4, #"expected a number as the sample value, found "abc""#),
        ("up 0x1p3", .prometheusText, 4, #"expected a number as the sample value, found "0x1p3""#),
        ("up 1e", .prometheusText, 4, #"expected a number as the sample value, found "1e""#),
        ("up .", .prometheusText, 4, #"expected a number as the sample value, found ".""#),
        ("up 1_000", .prometheusText, 4, #"expected a number as the sample value, found "1_000""#),
        ("up 1e999", .prometheusText, 4, #"sample value "1e999" is out of the range of a 64-bit float"#),
        ("up 1 12.5", .prometheusText, 6, #"expected a timestamp in integer milliseconds or end of line, found "12.5""#),
        ("up 1 9223372036854775808", .prometheusText, 6, #"timestamp "9223372036854775808" is out of the range of a 64-bit integer"#),
        ("up 1 2 3", .prometheusText, 8, "expected end of line after the timestamp, found '3'"),
        (#"up 1 # {a="b"} 1"#, .prometheusText, 6, ##"expected a timestamp in integer milliseconds or end of line, found "#""##),
        ("up 1 abc", .openMetrics, 6, #"expected a timestamp in seconds, an exemplar ('# {') or end of line, found "abc""#),
        ("up 1 NaN", .openMetrics, 6, #"expected a timestamp in seconds, an exemplar ('# {') or end of line, found "NaN""#),
        ("up 1 1e30", .openMetrics, 6, #"timestamp "1e30" is out of the range of 64-bit milliseconds"#),
        ("up 1 2 3", .openMetrics, 8, "expected end of line after the timestamp, found '3'"),
        // Exemplars
        ("up 1 # trace", .openMetrics, 8, "expected '{' to start the exemplar's labels, found 't'"),
        (#"up 1 # {a="b"} x"#, .openMetrics, 16, #"expected a number as the exemplar value, found "x""#),
        (#"up 1 # {a="b"}"#, .openMetrics, 15, "expected a space and the exemplar value, found end of line"),
        (#"up 1 # {a="b"} 1 2 3"#, .openMetrics, 20, "expected end of line after the exemplar timestamp, found '3'"),
        (#"up 1 # {a="b"} 1 z"#, .openMetrics, 18, #"expected an exemplar timestamp in seconds or end of line, found "z""#),
        (#"up 1 # {"a"} 1"#, .openMetrics, 12, #"expected '=' after exemplar label name "a", found '}'"#),
        // Metadata
        ("# TYPE up gauges", .prometheusText, 11, #"expected a metric type (counter, gauge, histogram, summary or untyped) after "up", found "gauges""#),
        ("# TYPE up", .openMetrics, 10, #"expected a metric type (counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown) after "up", found """#),
        ("# HELP 9x text", .prometheusText, 8, "expected a metric name after HELP, found '9'"),
        ("# TYPE up\"x\" gauge", .prometheusText, 10, #"expected a space after metric name "up", found '"'"#),
        (#"# HELP "unclosed text"#, .prometheusText, 22, #"expected '"' to close the quoted metric name opened at column 8, found end of line"#),
        (#"# UNIT "" s"#, .openMetrics, 8, "expected a non-empty UTF-8 metric name after UNIT"),
        ("# EOF x", .openMetrics, 7, "expected end of line after '# EOF', found 'x'"),
    ]

    @Test(arguments: 0..<cases.count)
    func syntaxError(_ index: Int) {
        let (line, format, column, message) = Self.cases[index]
        // Put the bad line third, so the line number is checked too.
        let text = "# HELP ok fine\nok 1\n\(line)\nok 2\n" + (format == .openMetrics ? "# EOF\n" : "")
        let error = firstError(text, format)
        #expect(error == ExpositionError(line: 3, column: column, message: message), "input: \(line)")
    }

    /// Errors only `labels(of:)` finds (the scanner checks syntax, not content).
    static let contentCases: [(String, Int, String)] = [
        (#"up{job="a",job="b"} 1"#, 12, #"duplicate label name "job""#),
        (#"up{__name__="x"} 1"#, 4, #"metric name given twice (as a name and as label "__name__")"#),
        (#"{"up", "__name__"="x"} 1"#, 8, #"metric name given twice (as a name and as label "__name__")"#),
        (#"up{""="x"} 1"#, 4, "empty label name"),
    ]

    @Test(arguments: 0..<contentCases.count)
    func contentError(_ index: Int) throws {
        let (line, column, message) = Self.contentCases[index]
        var parser = ExpositionParser(Array("ok 1\n\(line)\n".utf8), format: .prometheusText, defaultTimestamp: 0)
        _ = try parser.next()
        guard case .sample(let s)? = try parser.next() else {
            Issue.record("the scanner rejected \(line)")
            return
        }
        #expect(throws: ExpositionError(line: 2, column: column, message: message)) { try parser.labels(of: s) }
    }

    @Test func invalidUTF8InLabelValueAndQuotedName() throws {
        let cases: [([UInt8], Int, String)] = [
            (Array("up{a=\"".utf8) + [0xFF] + Array("\"} 1\n".utf8), 6, #"invalid UTF-8 in the value of label "a""#),
            (Array("{\"".utf8) + [0xC3] + Array("\"} 1\n".utf8), 2, "invalid UTF-8 in quoted name"),
        ]
        for (bytes, column, message) in cases {
            var parser = ExpositionParser(bytes, format: .prometheusText, defaultTimestamp: 0)
            guard case .sample(let s)? = try parser.next() else {
                Issue.record("no sample")
                continue
            }
            #expect(throws: ExpositionError(line: 1, column: column, message: message)) { try parser.labels(of: s) }
        }
    }

    @Test func invalidUTF8InHelpText() {
        var parser = ExpositionParser(Array("# HELP a x".utf8) + [0xFF] + [0x0A], format: .prometheusText, defaultTimestamp: 0)
        #expect(throws: ExpositionError(line: 1, column: 10, message: #"invalid UTF-8 in the help text of "a""#)) { try parser.next() }
    }

    @Test func openMetricsWithoutEOF() {
        #expect(firstError("a 1\nb 2\n", .openMetrics) ==
            ExpositionError(line: 3, column: 1, message: "expected '# EOF' at the end of OpenMetrics input, found end of input"))
        #expect(firstError("", .openMetrics) ==
            ExpositionError(line: 1, column: 1, message: "expected '# EOF' at the end of OpenMetrics input, found end of input"))
    }

    @Test func contentAfterEOF() {
        #expect(firstError("a 1\n# EOF\n\n  b 2\n", .openMetrics) ==
            ExpositionError(line: 4, column: 3, message: "unexpected content after '# EOF'"))
    }

    @Test func skippingBadLinesContinuesWithTheNextLine() {
        let text = """
        a 1
        a{x="1" 2
        b 3
        c four
        d 5 6 7

        e 8

        """
        let (samples, errors) = parseSkipping(text, .prometheusText)
        #expect(samples == [.sample(L(["__name__": "a"]), 1, 0), .sample(L(["__name__": "b"]), 3, 0), .sample(L(["__name__": "e"]), 8, 0)])
        #expect(errors.map(\.line) == [2, 4, 5])
    }

    @Test func afterContentPastEOFTheParserStops() {
        let (samples, errors) = parseSkipping("a 1\n# EOF\nb 2\nc 3\n", .openMetrics)
        #expect(samples == [.sample(L(["__name__": "a"]), 1, 0)])
        #expect(errors.count == 1 && errors[0].line == 3)
    }

    @Test func missingEOFIsReportedOnceThenEnd() {
        let (samples, errors) = parseSkipping("a 1\n", .openMetrics)
        #expect(samples.count == 1)
        #expect(errors.count == 1 && errors[0].line == 2)
    }

    @Test func descriptionNamesFileLineAndColumn() {
        let e = ExpositionError(line: 17, column: 23, message: #"expected '=' after label name "job", found '}'"#)
        #expect(e.description == #"line 17, column 23: expected '=' after label name "job", found '}'"#)
        #expect(e.inFile("node.prom").description == #"node.prom: line 17, column 23: expected '=' after label name "job", found '}'"#)
        #expect(e.inFile("node.prom").file == "node.prom")
    }

    @Test func longTokensAreShortenedInMessages() {
        let token = String(repeating: "x", count: 60)
        let e = firstError("up \(token)\n", .prometheusText)
        #expect(e?.message == "expected a number as the sample value, found \"\(String(repeating: "x", count: 40))…\"")
    }
}
