import Testing
@testable import TidemarkStorage

/// The embedded-API example of README.md, compiled and run. Keep the two in step: the
/// body between the markers is the README's code, with the directory made temporary.
@Suite struct EmbeddedExampleTests {
    @Test func readmeExampleRuns() throws {
        let dir = TempDir("readme")
        var printed: [String] = []
        func print(_ items: Any...) { printed.append(items.map { "\($0)" }.joined(separator: " ")) }

        // README example: begin
        let db = try DB.open(dir.path)  // creates the directory if needed
        defer { try? db.close() }

        // Write: one appender per batch; commit makes the batch durable (fsync) and visible.
        let app = db.appender()
        let cpu = Labels(["__name__": "cpu_usage", "host": "web-1"])
        let ref = try app.append(cpu, 1_700_000_000_000, 12.5)
        try app.append(ref, 1_700_000_010_000, 13.0)  // later samples by reference
        try app.commit()

        // Read: select by label matchers over a time range; samples decode lazily.
        let matchers = [LabelMatcher.equal("__name__", "cpu_usage"), try LabelMatcher(.regexMatch, "host", "web-.*")]
        for series in try db.querier().select(matchers, mint: 1_700_000_000_000, maxt: 1_700_000_060_000) {
            var it = series.makeIterator()
            while it.next() { print(series.labels, it.timestamp, it.value) }
        }
        // README example: end

        #expect(printed == [
            "cpu_usage{host=\"web-1\"} 1700000000000 12.5",
            "cpu_usage{host=\"web-1\"} 1700000010000 13.0",
        ])
    }
}
