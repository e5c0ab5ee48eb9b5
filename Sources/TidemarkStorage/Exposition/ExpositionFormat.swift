/// The two text exposition formats Tidemark reads and writes.
public enum ExpositionFormat: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Prometheus text format 0.0.4 (`text/plain; version=0.0.4`): timestamps are
    /// integer milliseconds, no `# EOF`, no exemplars, whitespace is spaces or tabs.
    case prometheusText = "prometheus"
    /// OpenMetrics 1.0 text (`application/openmetrics-text; version=1.0.0`): timestamps
    /// are seconds with an optional fraction, the input ends with `# EOF`, samples may
    /// carry exemplars (` # {labels} value [timestamp]`), which are skipped.
    case openMetrics = "openmetrics"

    public var description: String { rawValue }

    /// The HTTP `Content-Type` of the format.
    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }

    /// Guesses the format from content: OpenMetrics if the last non-blank line is
    /// `# EOF` (trailing spaces, tabs and `\r` ignored), Prometheus text otherwise.
    public static func detect(_ bytes: [UInt8]) -> ExpositionFormat {
        bytes.withUnsafeBytes { detect($0) }
    }

    /// Same as `detect(_: [UInt8])`, on borrowed memory.
    public static func detect(_ bytes: UnsafeRawBufferPointer) -> ExpositionFormat {
        var end = bytes.count
        while end > 0, isBlank(bytes[end - 1]) { end -= 1 }
        var start = end
        while start > 0, bytes[start - 1] != UInt8(ascii: "\n") { start -= 1 }
        let eof: [UInt8] = Array("# EOF".utf8)
        guard end - start == eof.count else { return .prometheusText }
        for i in 0..<eof.count where bytes[start + i] != eof[i] { return .prometheusText }
        return .openMetrics
    }

    @inline(__always) private static func isBlank(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r") || c == UInt8(ascii: "\n")
    }
}
