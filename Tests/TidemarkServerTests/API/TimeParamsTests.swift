import Testing
@testable import TidemarkServer

/// Timestamps and durations as Prometheus's API parses them.
@Suite struct TimeParamsTests {
    @Test(arguments: [
        ("1700000000", Int64(1_700_000_000_000)), ("1700000000.123", 1_700_000_000_123), ("-1.5", -1500),
        ("2023-11-14T22:13:20Z", 1_700_000_000_000), ("2023-11-14T22:13:20.5Z", 1_700_000_000_500),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000_000), ("1970-01-01T00:00:00.123456789Z", 123),
    ])
    func times(_ text: String, _ ms: Int64) {
        #expect(TimeParams.parseTime(text) == ms)
    }

    @Test(arguments: ["", "abc", "2023-11-14", "2023-13-01T00:00:00Z", "2023-11-14T22:13:20", "NaN", "Inf"])
    func badTimes(_ text: String) {
        #expect(TimeParams.parseTime(text) == nil)
    }

    @Test(arguments: [("15", Int64(15_000)), ("0.5", 500), ("1m", 60_000), ("1h30m", 5_400_000), ("100ms", 100), ("1d", 86_400_000), ("2w", 1_209_600_000), ("1y", 31_536_000_000)])
    func durations(_ text: String, _ ms: Int64) {
        #expect(TimeParams.parseDuration(text) == ms)
    }

    @Test(arguments: ["", "m", "1x", "30m1h", "1.5m", "-1m"])
    func badDurations(_ text: String) {
        #expect(TimeParams.parseDuration(text) == nil)
    }

    @Test func formDecoding() {
        var f: [String: [String]] = [:]
        FormDecoding.decode("query=sum%28rate%28x%5B5m%5D%29%29&match%5B%5D=up&match[]=a+b&empty=&bad=%zz", into: &f)
        #expect(f["query"] == ["sum(rate(x[5m]))"])
        #expect(f["match[]"] == ["up", "a b"])
        #expect(f["empty"] == [""])
        #expect(f["bad"] == ["%zz"])
    }
}
