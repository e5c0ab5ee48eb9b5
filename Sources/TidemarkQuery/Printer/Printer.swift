import TidemarkStorage

extension Expr {
    /// Canonical PromQL for the expression; `PromQL.parse(e.promql) == e` for every parsed `e`.
    public var promql: String { PromQLPrinter.print(self) }
}

/// Turns an AST back into PromQL text, in Prometheus's canonical spelling
/// (`sum by (job) (rate(x[5m]))`, `a + on (x) group_left (y) b`, `x @ 10.000 offset 5m`).
public enum PromQLPrinter {
    public static func print(_ e: Expr) -> String {
        switch e {
        case .number(let n): return formatNumber(n.value)
        case .string(let s): return quote(s.value)
        case .vectorSelector(let v):
            return selector(v) + (v.modifier.map { " " + $0.rawValue } ?? "") + modifiers(at: v.at, offset: v.offset, v.offsetExpr)
        case .matrixSelector(let m):
            let range = m.rangeExpr.map(durationExpr) ?? formatDuration(m.range)
            return selector(m.selector) + "[" + range + "]" + (m.selector.modifier.map { " " + $0.rawValue } ?? "")
                + modifiers(at: m.selector.at, offset: m.selector.offset, m.selector.offsetExpr)
        case .subquery(let s):
            let range = s.rangeExpr.map(durationExpr) ?? formatDuration(s.range)
            let step = s.stepExpr.map(durationExpr) ?? s.step.map(formatDuration) ?? ""
            return print(s.expr) + "[" + range + ":" + step + "]" + modifiers(at: s.at, offset: s.offset, s.offsetExpr)
        case .paren(let p): return "(" + print(p.expr) + ")"
        case .unary(let u): return u.op.rawValue + print(u.expr)
        case .binary(let b):
            var s = print(b.lhs) + " " + b.op.rawValue
            if b.returnBool { s += " bool" }
            if let m = b.matching {
                let grouped = m.cardinality == .manyToOne || m.cardinality == .oneToMany
                if m.on || !m.labels.isEmpty || grouped {
                    s += (m.on ? " on" : " ignoring") + " (" + m.labels.map(labelName).joined(separator: ", ") + ")"
                }
                if grouped {
                    s += (m.cardinality == .manyToOne ? " group_left" : " group_right")
                        + " (" + m.include.map(labelName).joined(separator: ", ") + ")"
                }
                switch (m.fillLeft, m.fillRight) {
                case let (l?, r?) where l.bitPattern == r.bitPattern || (l.isNaN && r.isNaN):
                    s += " fill(" + formatNumber(l) + ")"
                default:
                    if let l = m.fillLeft { s += " fill_left(" + formatNumber(l) + ")" }
                    if let r = m.fillRight { s += " fill_right(" + formatNumber(r) + ")" }
                }
            }
            return s + " " + print(b.rhs)
        case .aggregate(let a):
            var s = a.op.rawValue
            if a.without || !a.grouping.isEmpty {
                s += (a.without ? " without" : " by") + " (" + a.grouping.map(labelName).joined(separator: ", ") + ") "
            }
            s += "("
            if let p = a.param { s += print(p) + ", " }
            return s + print(a.expr) + ")"
        case .call(let c):
            return c.function + "(" + c.args.map(print).joined(separator: ", ") + ")"
        }
    }

    /// A query-dependent duration expression (numbers in seconds).
    public static func durationExpr(_ d: DurationExpr) -> String {
        switch d {
        case .number(let v): return v < 0 || (v == 0 && v.sign == .minus) ? "(" + formatNumber(v) + ")" : formatNumber(v)
        case .step: return "step()"
        case .range: return "range()"
        case .negate(let e): return "-" + durationExpr(e)
        case .paren(let e): return "(" + durationExpr(e) + ")"
        case .binary(let op, let a, let b): return durationExpr(a) + " " + op.rawValue + " " + durationExpr(b)
        case .minOf(let a, let b): return "min_of(" + durationExpr(a) + ", " + durationExpr(b) + ")"
        case .maxOf(let a, let b): return "max_of(" + durationExpr(a) + ", " + durationExpr(b) + ")"
        }
    }

    static func modifiers(at: AtModifier?, offset: Int64, _ offsetExpr: DurationExpr?) -> String {
        var s = ""
        switch at {
        case .none: break
        case .start: s += " @ start()"
        case .end: s += " @ end()"
        case .timestamp(let ms):
            let mag = ms.magnitude
            let frac = String(mag % 1000)
            s += " @ " + (ms < 0 ? "-" : "") + String(mag / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
        }
        if let e = offsetExpr {
            switch e {
            case .step, .range, .minOf, .maxOf, .paren: s += " offset " + durationExpr(e)
            default: s += " offset (" + durationExpr(e) + ")"
            }
        } else if offset != 0 {
            s += " offset " + formatDuration(offset)
        }
        return s
    }

    static func selector(_ v: VectorSelector) -> String {
        var rest = v.matchers
        var head = ""
        var items: [String] = []
        if let name = v.name,
           let i = rest.firstIndex(where: { $0.name == metricNameLabel && $0.kind == .equal && $0.value == name }) {
            rest.remove(at: i)
            if isMetricName(name) { head = name } else { items.append(quote(name)) }
        }
        items += rest.map { labelName($0.name) + $0.kind.rawValue + quote($0.value) }
        if items.isEmpty && !head.isEmpty { return head }
        return head + "{" + items.joined(separator: ",") + "}"
    }

    /// A name the lexer reads back as a plain metric identifier.
    static func isMetricName(_ s: String) -> Bool {
        guard LabelNames.isLegacyMetricName(s) else { return false }
        let lower = s.lowercased()
        return lower != "inf" && lower != "nan" && !Parser.aggregators.contains(lower) && !Parser.reservedKeywords.contains(lower)
            && Parser.binaryKeywords[lower] == nil
    }

    static func labelName(_ s: String) -> String {
        LabelNames.isLegacyLabelName(s) ? s : quote(s)
    }

    /// Shortest text that parses back to the same value.
    public static func formatNumber(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "Inf" }
        if v == v.rounded(), abs(v) < 1e15 {
            if v == 0 { return v.sign == .minus ? "-0" : "0" }
            return String(Int64(v))
        }
        return v.description
    }

    /// Prometheus's duration spelling: `1h30m`, `5m`, `1d`, `2w`, `500ms`, `0s`.
    public static func formatDuration(_ ms: Int64) -> String {
        if ms == 0 { return "0s" }
        var rest = ms.magnitude
        var out = ms < 0 ? "-" : ""
        let units: [(String, UInt64, Bool)] = [
            ("y", 31_536_000_000, true), ("w", 604_800_000, true), ("d", 86_400_000, false),
            ("h", 3_600_000, false), ("m", 60_000, false), ("s", 1000, false), ("ms", 1, false),
        ]
        for (name, size, exactOnly) in units {
            if exactOnly && rest % size != 0 { continue }
            let n = rest / size
            if n > 0 {
                out += String(n) + name
                rest -= n * size
            }
        }
        return out
    }

    /// A double-quoted string literal with Go-style escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if c.value < 0x20 || c.value == 0x7F {
                    let h = String(c.value, radix: 16)
                    out += "\\x" + (h.count < 2 ? "0" : "") + h
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
