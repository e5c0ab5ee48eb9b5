import Testing
import TidemarkStorage

@Suite("Exposition format detection")
struct FormatDetectionTests {
    @Test(arguments: [
        ("a 1 1.5\n# EOF\n", ExpositionFormat.openMetrics),
        ("a 1\n# EOF", .openMetrics),
        ("a 1\n# EOF  \r\n\n \n", .openMetrics),
        ("# EOF\n", .openMetrics),
        ("a 1\n", .prometheusText),
        ("", .prometheusText),
        ("\n\n", .prometheusText),
        ("# EOF\na 1\n", .prometheusText),
        ("a 1\n#EOF\n", .prometheusText),
        ("a 1\n# EOFX\n", .prometheusText),
        ("a 1\n  # EOF\n", .prometheusText),
        ("a 1\n# EOF # EOF\n", .prometheusText),
    ])
    func detect(_ text: String, _ expected: ExpositionFormat) {
        #expect(ExpositionFormat.detect(Array(text.utf8)) == expected)
    }

    @Test func contentTypes() {
        #expect(ExpositionFormat.prometheusText.contentType.hasPrefix("text/plain; version=0.0.4"))
        #expect(ExpositionFormat.openMetrics.contentType.hasPrefix("application/openmetrics-text; version=1.0.0"))
    }
}
