/// The type of a metric family, from a `# TYPE` line.
public enum MetricType: String, Sendable, CaseIterable, Hashable {
    case counter, gauge, histogram, summary, unknown
    /// OpenMetrics only.
    case gaugeHistogram = "gaugehistogram"
    /// OpenMetrics only.
    case info
    /// OpenMetrics only.
    case stateSet = "stateset"

    /// Parses a type word as either format spells it; Prometheus text's `untyped` is `.unknown`.
    public init?(exposition word: some StringProtocol) {
        if word == "untyped" { self = .unknown; return }
        self.init(rawValue: String(word))
    }

    /// The word written in a `# TYPE` line of `format`. Prometheus text has no
    /// gauge-histogram, info or state-set type and no `unknown`: those become
    /// `gauge` (info and state-set samples are gauges there), `histogram` and `untyped`.
    public func word(in format: ExpositionFormat) -> String {
        guard format == .prometheusText else { return rawValue }
        switch self {
        case .unknown: return "untyped"
        case .gaugeHistogram: return "histogram"
        case .info, .stateSet: return "gauge"
        default: return rawValue
        }
    }
}
