/// Renders series and samples as Prometheus text or OpenMetrics text, into a byte
/// buffer the caller drains (`takeOutput()`) or reads at the end (`output`).
///
/// What it writes parses back (with `ExpositionParser`, same format) to the same
/// labels, timestamps and values, bit for bit, for every value except NaNs:
/// - values use Swift's shortest round-trip representation (`0.1`, `1e-07`,
///   `1.7976931348623157e+308`), integers up to 2^53 without `.0` (`42`), and `+Inf`,
///   `-Inf`, `NaN`. A NaN's payload cannot be carried in text: every NaN (the
///   staleness marker included) is written as `NaN` and reads back as
///   `ExpositionParser.normalNaN`. Send staleness through a binary path instead.
/// - timestamps: Prometheus text, integer milliseconds; OpenMetrics, seconds with an
///   exact three-digit millisecond fraction (`1700000000.123`), none for whole seconds.
/// - metric and label names that are legacy identifiers are written bare, others
///   quoted (the metric name then goes first inside the braces); label values escape
///   `\\`, `\"` and newline. Labels with empty values do not exist in `Labels`.
///
/// OpenMetrics output must end with `finish()`, which writes `# EOF`. The writer does
/// not order anything: OpenMetrics wants each metric family's lines together, and each
/// series' samples in time order; that is the caller's job.
public struct ExpositionWriter {
    /// The syntax written.
    public let format: ExpositionFormat
    /// Bytes written and not yet taken.
    public private(set) var output: [UInt8] = []
    private var finished = false

    /// A writer for `format`, with room for `reserveCapacity` bytes.
    public init(format: ExpositionFormat, reserveCapacity: Int = 0) {
        self.format = format
        output.reserveCapacity(reserveCapacity)
    }

    /// Returns the bytes written so far and empties the buffer (for streaming to a file).
    public mutating func takeOutput() -> [UInt8] {
        let out = output
        output.removeAll(keepingCapacity: true)
        return out
    }

    /// `# HELP family text`, with the format's escapes (`\\`, newline; OpenMetrics also `\"`).
    public mutating func writeHelp(family: String, _ text: String) {
        append("# HELP ")
        appendFamily(family)
        output.append(UInt8(ascii: " "))
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\"") where format == .openMetrics: append("\\\"")
            default: output.append(b)
            }
        }
        output.append(UInt8(ascii: "\n"))
    }

    /// `# TYPE family type`, spelled for the format (see `MetricType.word(in:)`).
    public mutating func writeType(family: String, _ type: MetricType) {
        append("# TYPE ")
        appendFamily(family)
        output.append(UInt8(ascii: " "))
        append(type.word(in: format))
        output.append(UInt8(ascii: "\n"))
    }

    /// `# UNIT family unit` in OpenMetrics (the family name must end in `_unit`);
    /// nothing in Prometheus text, which has no units.
    public mutating func writeUnit(family: String, _ unit: String) {
        guard format == .openMetrics else { return }
        append("# UNIT ")
        appendFamily(family)
        output.append(UInt8(ascii: " "))
        append(unit)
        output.append(UInt8(ascii: "\n"))
    }

    /// One line per sample of the series `labels`, in the order given.
    public mutating func write(_ labels: Labels, _ samples: some Sequence<(Int64, Double)>) {
        let series = ExpositionWriter.seriesText(labels)
        for (t, v) in samples { write(seriesText: series, timestamp: t, value: v) }
    }

    /// One sample line; `timestamp` nil writes none (the reader supplies its default).
    public mutating func write(_ labels: Labels, timestamp: Int64?, value: Double) {
        write(seriesText: ExpositionWriter.seriesText(labels), timestamp: timestamp, value: value)
    }

    /// One sample line from a series already rendered by `seriesText(_:)` (cache it
    /// when writing many samples of one series).
    public mutating func write(seriesText: [UInt8], timestamp: Int64?, value: Double) {
        output.append(contentsOf: seriesText)
        output.append(UInt8(ascii: " "))
        appendValue(value)
        if let timestamp {
            output.append(UInt8(ascii: " "))
            if format == .openMetrics { appendSeconds(timestamp) } else { appendInteger(timestamp) }
        }
        output.append(UInt8(ascii: "\n"))
    }

    /// Ends OpenMetrics output with `# EOF` (once); does nothing for Prometheus text.
    public mutating func finish() {
        guard format == .openMetrics, !finished else { return }
        finished = true
        append("# EOF\n")
    }

    /// The series part of a line: `name{a="1",b="2"}`, or `{"odd.name",a="1"}` when the
    /// metric name is not a legacy identifier, or `{a="1"}` without a metric name.
    public static func seriesText(_ labels: Labels) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        var needComma = false
        let name = labels.metricName
        let bareName = name.map { LabelNames.isLegacyMetricName($0) } ?? false
        if let name, bareName { out.append(contentsOf: name.utf8) }
        let others = labels.count - (name == nil ? 0 : 1)
        if others == 0 && bareName { return out }
        out.append(UInt8(ascii: "{"))
        if let name, !bareName {
            appendQuoted(name, to: &out)
            needComma = true
        }
        for label in labels where label.name != metricNameLabel {
            if needComma { out.append(UInt8(ascii: ",")) }
            needComma = true
            if LabelNames.isLegacyLabelName(label.name) {
                out.append(contentsOf: label.name.utf8)
            } else {
                appendQuoted(label.name, to: &out)
            }
            out.append(UInt8(ascii: "="))
            appendQuoted(label.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The text of a value as the writer prints it (`1`, `0.25`, `1e-07`, `+Inf`, `NaN`).
    public static func valueText(_ v: Double) -> String {
        var out: [UInt8] = []
        appendValue(v, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Appending

    private static func appendQuoted(_ s: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\n"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private mutating func appendFamily(_ family: String) {
        if LabelNames.isLegacyMetricName(family) {
            append(family)
        } else {
            ExpositionWriter.appendQuoted(family, to: &output)
        }
    }

    private mutating func append(_ s: String) {
        output.append(contentsOf: s.utf8)
    }

    private mutating func appendValue(_ v: Double) {
        ExpositionWriter.appendValue(v, to: &output)
    }

    /// Integral values up to 2^53 as integer digits (the digits `Double.description`
    /// prints, without its `.0`), everything else through `Double.description`
    /// (which switches to exponent form above 2^53).
    private static func appendValue(_ v: Double, to out: inout [UInt8]) {
        if v.isNaN { out.append(contentsOf: "NaN".utf8); return }
        if v.isInfinite { out.append(contentsOf: (v < 0 ? "-Inf" : "+Inf").utf8); return }
        if v == v.rounded(.towardZero), abs(v) <= 9_007_199_254_740_992 {
            if v.sign == .minus { out.append(UInt8(ascii: "-")) }
            appendDigits(UInt64(abs(v)), minimumDigits: 1, to: &out)
            return
        }
        out.append(contentsOf: v.description.utf8)
    }

    private mutating func appendInteger(_ n: Int64) {
        if n < 0 { output.append(UInt8(ascii: "-")) }
        ExpositionWriter.appendDigits(n.magnitude, minimumDigits: 1, to: &output)
    }

    /// Seconds with a three-digit millisecond fraction when it is not zero.
    private mutating func appendSeconds(_ ms: Int64) {
        if ms < 0 { output.append(UInt8(ascii: "-")) }
        let m = ms.magnitude
        ExpositionWriter.appendDigits(m / 1000, minimumDigits: 1, to: &output)
        let frac = m % 1000
        if frac != 0 {
            output.append(UInt8(ascii: "."))
            ExpositionWriter.appendDigits(frac, minimumDigits: 3, to: &output)
        }
    }

    private static func appendDigits(_ n: UInt64, minimumDigits: Int, to out: inout [UInt8]) {
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: enough for 20 digits
        withUnsafeMutableBytes(of: &buffer) { raw in
            var k = raw.count
            var n = n
            repeat {
                k -= 1
                raw[k] = UInt8(truncatingIfNeeded: n % 10) &+ 0x30
                n /= 10
            } while n != 0 || raw.count - k < minimumDigits
            out.append(contentsOf: raw[k...])
        }
    }
}
