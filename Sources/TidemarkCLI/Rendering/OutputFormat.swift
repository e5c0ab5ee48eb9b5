/// How query results are printed: `table` (aligned table or sparklines, for people),
/// `json` (the `data` object of Prometheus's query API), `csv` (RFC 4180).
enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv

    /// `table|json|csv`, for help and error texts.
    static var choices: String { allCases.map(\.rawValue).joined(separator: "|") }
}
