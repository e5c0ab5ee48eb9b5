/// One sample line of exposition text, as the parser found it.
///
/// `series` is the byte range, in the parser's `bytes`, of the series part of the
/// line: from the first byte of the metric name (or of `{` when the name is quoted
/// inside the braces) through the closing `}` (or the end of the name when there are
/// no labels). An importer can key a cache by those raw bytes and call
/// `ExpositionParser.labels(of:)` only for series it has not seen; two spellings of
/// one series (label order, spacing) are different keys but yield equal `Labels`.
public struct ExpositionSample: Sendable {
    /// Byte range of `name{labels}` within `ExpositionParser.bytes`.
    public var series: Range<Int>
    /// The sample value. The text `NaN` parses to `ExpositionParser.normalNaN`.
    public var value: Double
    /// Milliseconds since the Unix epoch: the line's timestamp, or the parser's
    /// `defaultTimestamp` when the line had none.
    public var timestamp: Int64
    /// Whether the line carried its own timestamp.
    public var hasTimestamp: Bool
    /// 1-based line number.
    public var line: Int
    /// Offset of the line's first byte within `ExpositionParser.bytes` (for error columns).
    public var lineStart: Int

    public init(series: Range<Int>, value: Double, timestamp: Int64, hasTimestamp: Bool, line: Int, lineStart: Int) {
        self.series = series
        self.value = value
        self.timestamp = timestamp
        self.hasTimestamp = hasTimestamp
        self.line = line
        self.lineStart = lineStart
    }
}

/// What `ExpositionParser.next()` returns: a sample, or metadata about a metric family.
///
/// Metadata names the family as written (in OpenMetrics a counter family `foo` has
/// samples named `foo_total`; a histogram family `bar` has `bar_bucket`, `bar_sum`,
/// `bar_count`). Plain comments and blank lines are not returned.
public enum ExpositionEntry: Sendable {
    /// A sample line.
    case sample(ExpositionSample)
    /// `# HELP family text`, with the format's escapes undone.
    case help(family: String, text: String)
    /// `# TYPE family type`.
    case type(family: String, type: MetricType)
    /// `# UNIT family unit` (OpenMetrics only).
    case unit(family: String, unit: String)
}
