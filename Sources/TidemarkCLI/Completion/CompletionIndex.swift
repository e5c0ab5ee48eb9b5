import TidemarkStorage

/// The names completion offers, read from the live index. A protocol so the completion
/// engine can be tested against a fixed list.
protocol CompletionIndex {
    /// Every metric name (values of `__name__`), sorted.
    func metricNames() -> [String]
    /// Label names of the series of `metric` (of all series when nil), sorted.
    func labelNames(metric: String?) -> [String]
    /// Values of `label` among the series of `metric` (all series when nil), sorted.
    func labelValues(_ label: String, metric: String?) -> [String]
}

/// A `CompletionIndex` over storage: asks a fresh querier each time, so names of data
/// loaded during the session appear at once. Storage errors give no candidates.
struct StorageCompletionIndex: CompletionIndex {
    let storage: any Queryable

    func metricNames() -> [String] {
        (try? storage.querier().labelValues(metricNameLabel, [])) ?? []
    }

    func labelNames(metric: String?) -> [String] {
        ((try? storage.querier().labelNames(Self.matchers(metric))) ?? []).filter { $0 != metricNameLabel }
    }

    func labelValues(_ label: String, metric: String?) -> [String] {
        (try? storage.querier().labelValues(label, Self.matchers(metric))) ?? []
    }

    private static func matchers(_ metric: String?) -> [LabelMatcher] {
        metric.map { [LabelMatcher.equal(metricNameLabel, $0)] } ?? []
    }
}
