import TidemarkStorage

/// The AST as `/api/v1/parse_query` returns it: Prometheus's `translateAST` shape
/// (`type`, `op`, `expr`, `matchers`, …), keys sorted as Go's map encoding sorts them.
public enum ASTJSON {
    /// The JSON text of `e`.
    public static func render(_ e: Expr) -> String {
        var out = ""
        node(e).write(to: &out)
        return out
    }

    /// A JSON value with objects written in key order.
    indirect enum Value {
        case null
        case bool(Bool)
        case int(Int64)
        case string(String)
        case array([Value])
        case object([String: Value])

        func write(to out: inout String) {
            switch self {
            case .null: out += "null"
            case .bool(let b): out += b ? "true" : "false"
            case .int(let i): out += String(i)
            case .string(let s): PrometheusJSON.appendString(s, to: &out)
            case .array(let items):
                out += "["
                for (i, v) in items.enumerated() {
                    if i > 0 { out += "," }
                    v.write(to: &out)
                }
                out += "]"
            case .object(let fields):
                out += "{"
                for (i, k) in fields.keys.sorted().enumerated() {
                    if i > 0 { out += "," }
                    PrometheusJSON.appendString(k, to: &out)
                    out += ":"
                    fields[k]!.write(to: &out)
                }
                out += "}"
            }
        }
    }

    static func node(_ e: Expr) -> Value {
        switch e {
        case .number(let n):
            let v = n.value
            let text = v.isNaN ? "NaN" : v.isInfinite ? (v > 0 ? "+Inf" : "-Inf") : PrometheusFormat.plain(v)
            return .object(["type": .string("numberLiteral"), "val": .string(text)])
        case .string(let s):
            return .object(["type": .string("stringLiteral"), "val": .string(s.value)])
        case .vectorSelector(let vs):
            var o = selector(vs)
            o["type"] = .string("vectorSelector")
            return .object(o)
        case .matrixSelector(let m):
            var o = selector(m.selector)
            o["type"] = .string("matrixSelector")
            o["range"] = .int(m.range)
            return .object(o)
        case .subquery(let s):
            return .object([
                "type": .string("subquery"), "expr": node(s.expr), "range": .int(s.range), "offset": .int(s.offset),
                "step": .int(s.step ?? 0), "timestamp": timestamp(s.at), "startOrEnd": startOrEnd(s.at),
            ])
        case .paren(let p):
            return .object(["type": .string("parenExpr"), "expr": node(p.expr)])
        case .unary(let u):
            return .object(["type": .string("unaryExpr"), "op": .string(u.op.rawValue), "expr": node(u.expr)])
        case .binary(let b):
            var matching = Value.null
            if let m = b.matching {
                let card: String
                switch m.cardinality {
                case .oneToOne: card = "one-to-one"
                case .manyToOne: card = "many-to-one"
                case .oneToMany: card = "one-to-many"
                case .manyToMany: card = "many-to-many"
                }
                matching = .object(["card": .string(card), "labels": strings(m.labels), "on": .bool(m.on), "include": strings(m.include)])
            }
            return .object([
                "type": .string("binaryExpr"), "op": .string(b.op.rawValue), "lhs": node(b.lhs), "rhs": node(b.rhs),
                "matching": matching, "bool": .bool(b.returnBool),
            ])
        case .aggregate(let a):
            return .object([
                "type": .string("aggregation"), "op": .string(a.op.rawValue), "expr": node(a.expr),
                "param": a.param.map(node) ?? .null, "grouping": strings(a.grouping), "without": .bool(a.without),
            ])
        case .call(let c):
            let sig = FunctionCatalog.signature(c.function)
            return .object([
                "type": .string("call"),
                "func": .object([
                    "name": .string(c.function),
                    "argTypes": .array((sig?.argumentTypes ?? []).map { .string(goTypeName($0)) }),
                    "variadic": .int(Int64(sig?.variadic ?? 0)),
                    "returnType": .string(goTypeName(sig?.returnType ?? .vector)),
                ]),
                "args": .array(c.args.map(node)),
            ])
        }
    }

    static func selector(_ vs: VectorSelector) -> [String: Value] {
        // Prometheus's parser appends the metric-name matcher after the braces' matchers.
        var matchers = vs.matchers
        if let name = vs.name, let i = matchers.firstIndex(where: { $0.name == metricNameLabel && $0.kind == .equal && $0.value == name }) {
            matchers.append(matchers.remove(at: i))
        }
        return [
            "name": .string(vs.name ?? ""), "offset": .int(vs.offset),
            "matchers": .array(matchers.map { .object(["name": .string($0.name), "value": .string($0.value), "type": .string($0.kind.rawValue)]) }),
            "timestamp": timestamp(vs.at), "startOrEnd": startOrEnd(vs.at),
        ]
    }

    static func timestamp(_ at: AtModifier?) -> Value {
        if case .timestamp(let t)? = at { return .int(t) }
        return .null
    }

    static func startOrEnd(_ at: AtModifier?) -> Value {
        switch at {
        case .start?: return .string("start")
        case .end?: return .string("end")
        default: return .null
        }
    }

    static func strings(_ s: [String]) -> Value { .array(s.map { .string($0) }) }

    /// Go's `parser.ValueType` names.
    static func goTypeName(_ t: ValueType) -> String {
        switch t {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }
}
