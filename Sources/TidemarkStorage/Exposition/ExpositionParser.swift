/// A pull parser for the Prometheus text format (0.0.4) and OpenMetrics 1.0 text,
/// working on bytes.
///
/// ```swift
/// var parser = ExpositionParser(bytes, format: .detect(bytes), defaultTimestamp: nowMs)
/// while true {
///     do {
///         guard let entry = try parser.next() else { break }
///         if case .sample(let s) = entry {
///             let key = parser.seriesBytes(of: s)          // cache by raw bytes…
///             let labels = try parser.labels(of: s)        // …build Labels on a miss
///         }
///     } catch {
///         skipped += 1                                     // or stop (--strict)
///     }
/// }
/// ```
///
/// Syntax accepted (a superset of both formats where they do not conflict):
/// - `name value [timestamp]`, `name{label="value",...} value [timestamp]`; in the
///   braces, label names are `[a-zA-Z_][a-zA-Z0-9_]*` or quoted UTF-8 strings, and a
///   quoted string not followed by `=` is the metric name (Prometheus 3 /
///   OpenMetrics 2 style: `{"my.metric", "some.label"="v"}`). A trailing comma and
///   spaces around tokens are allowed.
/// - Label values and quoted names unescape `\\`, `\"`, `\n`; other backslash
///   sequences are kept as written (as Prometheus does). They must be valid UTF-8.
/// - Values: what Go's `strconv.ParseFloat` takes without hex floats or underscores
///   (`1`, `-2.5`, `.5`, `5.`, `1e-3`, `2E+2`), and `NaN`, `Inf`, `+Inf`, `-Inf`,
///   `Infinity` in any case. Finite values beyond the Double range are errors (as in
///   Prometheus). The text `NaN` becomes `normalNaN`, Prometheus's canonical NaN.
/// - Timestamps: Prometheus text: integer milliseconds. OpenMetrics: seconds with an
///   optional fraction, converted exactly (sub-millisecond digits truncated toward
///   zero, like promtool). A sample without one gets `defaultTimestamp`.
/// - `# HELP`, `# TYPE` (both formats) and `# UNIT` (OpenMetrics) are returned as
///   entries; other comments and blank lines are skipped.
/// - OpenMetrics: exemplars after a sample (` # {trace_id="x"} 1.0 123`) are checked
///   for syntax and skipped; `# EOF` ends the input, and only blank lines may follow it.
///   Input without `# EOF` yields an error after the last line.
///
/// Error recovery: when `next()` throws, the parser has already moved to the next
/// line, so calling `next()` again skips the bad line. The error names the line and
/// byte column. Lines end at `\n`; a `\r` before it counts as whitespace.
public struct ExpositionParser {
    /// Prometheus's canonical NaN (`0x7ff8000000000001`): what the text `NaN` parses
    /// to, distinct from the staleness marker `0x7ff0000000000002`. Text cannot carry
    /// NaN payloads; every NaN written as text reads back as this value.
    public static let normalNaN = Double(bitPattern: 0x7ff8_0000_0000_0001)

    /// The input.
    public let bytes: [UInt8]
    private var lines: LineParser

    /// The syntax the input is read as.
    public var format: ExpositionFormat { lines.format }
    /// The timestamp (ms) given to samples that have none.
    public var defaultTimestamp: Int64 {
        get { lines.defaultTimestamp }
        set { lines.defaultTimestamp = newValue }
    }
    /// Number of lines consumed so far (the 1-based number of the last line read).
    public var lineNumber: Int { lines.lineNumber }

    /// A parser over `bytes`, read as `format`, or as `ExpositionFormat.detect(bytes)`
    /// when `format` is nil.
    public init(_ bytes: [UInt8], format: ExpositionFormat? = nil, defaultTimestamp: Int64) {
        self.bytes = bytes
        lines = LineParser(format: format ?? ExpositionFormat.detect(bytes), defaultTimestamp: defaultTimestamp)
    }

    /// The next sample or metadata entry, or nil at the end of the input.
    /// After a thrown error the parser continues with the next line.
    public mutating func next() throws(ExpositionError) -> ExpositionEntry? {
        var lines = self.lines  // a few integers: copied so the closure does not capture self
        defer { self.lines = lines }
        let result: Result<ExpositionEntry?, ExpositionError> = bytes.withUnsafeBufferPointer { buffer in
            Result { () throws(ExpositionError) in try lines.nextEntry(buffer) }
        }
        return try result.get()
    }

    /// The raw bytes of the series part (`name{labels}`) of `sample`, for caching.
    public func seriesBytes(of sample: ExpositionSample) -> ArraySlice<UInt8> {
        bytes[sample.series]
    }
}
