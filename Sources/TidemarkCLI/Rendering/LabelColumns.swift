import TidemarkStorage

/// Splits the label sets of a result into the labels every series shares (printed once,
/// above the rows) and the labels that tell the series apart (one column each).
struct LabelColumns {
    /// Labels with the same value in every series (empty when there is only one series).
    let common: Labels
    /// Names of the other labels, `__name__` first, then sorted.
    let varying: [String]

    init(_ sets: [Labels]) {
        guard sets.count > 1, let first = sets.first else {
            common = .empty
            varying = Self.ordered(Set(sets.flatMap { $0.map(\.name) }))
            return
        }
        var shared = first.labels
        for s in sets.dropFirst() { shared.removeAll { s[$0.name] != $0.value } }
        common = Labels(sorted: shared)
        let sharedNames = Set(shared.map(\.name))
        varying = Self.ordered(Set(sets.flatMap { $0.map(\.name) }).subtracting(sharedNames))
    }

    private static func ordered(_ names: Set<String>) -> [String] {
        names.sorted { a, b in
            if a == metricNameLabel || b == metricNameLabel { return a == metricNameLabel && b != metricNameLabel }
            return a < b
        }
    }

    /// Column titles: `METRIC` for `__name__`, label names as they are.
    var titles: [String] { varying.map { $0 == metricNameLabel ? "METRIC" : $0 } }

    /// A series' cells, one per varying label (empty when it lacks the label).
    func cells(_ labels: Labels) -> [String] { varying.map { labels[$0] ?? "" } }

    /// The varying labels of a series in PromQL form: `metric{a="b"}` or `{a="b"}`.
    func distinguishing(_ labels: Labels) -> String {
        labels.removing(Set(common.map(\.name))).description
    }

    /// The header line naming the shared labels, or nil when there are none.
    var commonLine: String? { common.isEmpty ? nil : "common labels: \(common)" }
}
