import TidemarkQuery
import TidemarkStorage

/// Renders query values as the Prometheus API's JSON, a text table, or CSV.
enum QueryOutput {
    /// The `data` object of `/api/v1/query(_range)`.
    static func json(_ v: QueryValue) -> String {
        var out = "{\"resultType\":\"\(v.resultType)\",\"result\":"
        switch v {
        case .scalar(let t, let x):
            out += point(t, PrometheusFormat.value(x))
        case .string(let t, let s):
            out += point(t, s)
        case .vector(let samples):
            out += "[" + samples.map { "{\"metric\":\(metric($0.labels)),\"value\":\(point($0.t, PrometheusFormat.value($0.v)))}" }.joined(separator: ",") + "]"
        case .matrix(let series):
            out += "[" + series.map { s in
                "{\"metric\":\(metric(s.labels)),\"values\":[" + s.samples.map { point($0.timestamp, PrometheusFormat.value($0.value)) }.joined(separator: ",") + "]}"
            }.joined(separator: ",") + "]"
        }
        return out + "}"
    }

    static func point(_ t: Int64, _ value: String) -> String {
        "[\(PrometheusFormat.timestamp(t)),\(jsonString(value))]"
    }

    static func metric(_ labels: Labels) -> String {
        "{" + labels.map { "\(jsonString($0.name)):\(jsonString($0.value))" }.joined(separator: ",") + "}"
    }

    /// A JSON string literal (escapes `"`, `\`, control characters; `<`, `>`, `&` as
    /// Go's encoder does, so output matches Prometheus byte for byte).
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }

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
