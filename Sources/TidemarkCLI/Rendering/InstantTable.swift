import TidemarkQuery
import TidemarkStorage

/// An instant vector as a table: one row per series, one column per label that differs
/// between series (shared labels are printed once, above), the exact value on the right.
/// When that is wider than the terminal, each row becomes the value followed by the
/// series' label set, wrapped.
enum InstantTable {
    static func render(_ samples: [VectorSample], width: Int) -> String {
        if samples.isEmpty { return "(empty vector)\n" }
        let columns = LabelColumns(samples.map(\.labels))
        var out = columns.commonLine.map { TextTable.wrap($0, width: width, continuationIndent: 4).joined(separator: "\n") + "\n" } ?? ""
        let values = samples.map { PrometheusFormat.value($0.v) }
        let rows = samples.indices.map { columns.cells(samples[$0].labels) + [values[$0]] }
        let table = TextTable.render(header: columns.titles + ["VALUE"], rows: rows, rightAligned: [columns.titles.count])
        if table.split(separator: "\n").allSatisfy({ $0.count <= width }) {
            return out + table
        }
        let stacked = samples.indices.map { [values[$0], columns.distinguishing(samples[$0].labels)] }
        out += TextTable.render(header: ["VALUE", "SERIES"], rows: stacked, rightAligned: [0], width: width)
        return out
    }
}
