import TidemarkQuery
import TidemarkStorage

/// Renders query values as the Prometheus API's JSON, a text table, or CSV.
enum QueryOutput {
    /// The `data` object of `/api/v1/query(_range)`: the HTTP server's serializer
    /// (`PrometheusJSON` in TidemarkQuery), so both answer byte for byte alike.
    static func json(_ v: QueryValue) -> String { PrometheusJSON.data(v) }

    /// The terminal form: an instant vector as a table with labels as columns
    /// (`InstantTable`), a matrix as one sparkline line per series (`RangeTable`), a
    /// scalar or string as its value.
    static func table(_ v: QueryValue, width: Int) -> String {
        switch v {
        case .scalar(_, let x): return PrometheusFormat.value(x) + "\n"
        case .string(_, let s): return s + "\n"
        case .vector(let samples): return InstantTable.render(samples, width: width)
        case .matrix(let series): return RangeTable.render(series, width: width)
        }
    }

    /// `v` in `format`, ending with a line break.
    static func render(_ v: QueryValue, as format: OutputFormat, width: Int) -> String {
        switch format {
        case .json: return json(v) + "\n"
        case .csv: return csv(v)
        case .table: return table(v, width: width)
        }
    }

    /// RFC 4180 CSV: `series,timestamp,value`, fields quoted when they hold `,`, `"` or
    /// a line break. Built in one buffer; the series field is escaped once per series.
    static func csv(_ v: QueryValue) -> String {
        func field(_ s: String) -> String {
            guard s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 10 || $0 == 13 }) else { return s }
            var out = "\""
            for c in s.unicodeScalars {
                if c == "\"" { out += "\"\"" } else { out.unicodeScalars.append(c) }
            }
            return out + "\""
        }
        var out = "series,timestamp,value\n"
        func row(_ series: String, _ t: Int64, _ value: String) {
            out += series
            out += ","
            out += PrometheusFormat.timestamp(t)
            out += ","
            out += field(value)
            out += "\n"
        }
        switch v {
        case .scalar(let t, let x): row("scalar", t, PrometheusFormat.value(x))
        case .string(let t, let s): row("string", t, s)
        case .vector(let samples): for x in samples { row(field(x.labels.description), x.t, PrometheusFormat.value(x.v)) }
        case .matrix(let series):
            for s in series {
                let name = field(s.labels.description)
                for p in s.samples { row(name, p.timestamp, PrometheusFormat.value(p.value)) }
            }
        }
        return out
    }
}
