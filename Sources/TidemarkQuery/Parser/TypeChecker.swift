import TidemarkStorage

/// Prometheus's `checkAST`: value types of operands and arguments, operator rules, and
/// the normalisation of vector matching (`nil` unless both sides are instant vectors;
/// set operators many-to-many).
struct TypeChecker {
    let input: String

    func error(_ message: String, _ range: PositionRange) -> ParseError { ParseError(message, at: range, in: input) }

    func expectType(_ e: Expr, _ actual: ValueType, _ want: ValueType, _ context: String) throws(ParseError) {
        if actual != want {
            throw error("expected type \(want) in \(context), got \(actual)", e.position)
        }
    }

    /// Range covering a binary operator and its modifiers, without surrounding spaces.
    func operatorRange(_ b: BinaryExpr) -> PositionRange {
        let bytes = Array(input.utf8)
        var s = b.lhs.position.end
        var e = b.rhs.position.start
        guard s >= 0, e <= bytes.count, s < e else { return b.position }
        while s < e, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[s]) { s += 1 }
        while e > s, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[e - 1]) { e -= 1 }
        return PositionRange(s, e)
    }

    func checkSelector(_ v: VectorSelector) throws(ParseError) {
        if v.name == nil, !v.matchers.contains(where: { !$0.matchesEmpty }) {
            throw error("vector selector must contain at least one non-empty matcher", v.position)
        }
    }

    mutating func check(_ e: inout Expr) throws(ParseError) -> ValueType {
        switch e {
        case .number:
            return .scalar
        case .string:
            return .string
        case .vectorSelector(let v):
            try checkSelector(v)
            return .vector
        case .matrixSelector(let m):
            try checkSelector(m.selector)
            return .matrix
        case .subquery(var s):
            let t = try check(&s.expr)
            if t != .vector {
                let goName = [ValueType.matrix: "matrix", .vector: "vector", .scalar: "scalar", .string: "string"][t]!
                throw error("subquery is only allowed on instant vector, got \(goName) instead", s.position)
            }
            e = .subquery(s)
            return .matrix
        case .paren(var p):
            let t = try check(&p.expr)
            e = .paren(p)
            return t
        case .unary(var u):
            let t = try check(&u.expr)
            if t != .scalar && t != .vector {
                throw error("unary expression only allowed on expressions of type scalar or instant vector, got \(quoteForMessage(t.rawValue))", u.position)
            }
            e = .unary(u)
            return t
        case .binary(var b):
            let lt = try check(&b.lhs)
            let rt = try check(&b.rhs)
            let opRange = operatorRange(b)
            if b.returnBool && !b.op.isComparison {
                throw error("bool modifier can only be used on comparison operators", opRange)
            }
            if b.op.isComparison && !b.returnBool && lt == .scalar && rt == .scalar {
                throw error("comparisons between scalars must use BOOL modifier", opRange)
            }
            var matching = b.matching ?? VectorMatching()
            if b.op.isSetOperator && matching.cardinality == .oneToOne {
                matching.cardinality = .manyToMany
            }
            if matching.on {
                for l in matching.labels where matching.include.contains(l) {
                    throw error("label \(quoteForMessage(l)) must not occur in ON and GROUP clause at once", opRange)
                }
            }
            if lt != .scalar && lt != .vector {
                throw error("binary expression must contain only scalar and instant vector types", b.lhs.position)
            }
            if rt != .scalar && rt != .vector {
                throw error("binary expression must contain only scalar and instant vector types", b.rhs.position)
            }
            if lt != .vector || rt != .vector {
                if !matching.labels.isEmpty {
                    throw error("vector matching only allowed between instant vectors", b.position)
                }
                if matching.fillLeft != nil || matching.fillRight != nil {
                    throw error("filling in missing series only allowed between instant vectors", b.position)
                }
                b.matching = nil
            } else {
                if b.op.isSetOperator {
                    if matching.cardinality == .oneToMany || matching.cardinality == .manyToOne {
                        throw error("no grouping allowed for \(quoteForMessage(b.op.rawValue)) operation", b.position)
                    }
                    if matching.fillLeft != nil || matching.fillRight != nil {
                        throw error("filling in missing series not allowed for set operators", b.position)
                    }
                }
                b.matching = matching
            }
            if (lt == .scalar || rt == .scalar) && b.op.isSetOperator {
                throw error("set operator \(quoteForMessage(b.op.rawValue)) not allowed in binary scalar expression", b.position)
            }
            e = .binary(b)
            return lt == .vector || rt == .vector ? .vector : .scalar
        case .aggregate(var a):
            let t = try check(&a.expr)
            try expectType(a.expr, t, .vector, "aggregation expression")
            if var p = a.param {
                let pt = try check(&p)
                try expectType(p, pt, a.op == .count_values ? .string : .scalar, "aggregation parameter")
                a.param = p
            }
            e = .aggregate(a)
            return .vector
        case .call(var c):
            guard let sig = FunctionCatalog.signature(c.function) else {
                throw error("unknown function with name \(quoteForMessage(c.function))", c.position)
            }
            let n = c.args.count
            if sig.variadic == 0 {
                if n != sig.argumentTypes.count {
                    throw error("expected \(sig.argumentTypes.count) argument(s) in call to \(quoteForMessage(sig.name)), got \(n)", c.position)
                }
            } else {
                if n < sig.minArguments {
                    throw error("expected at least \(sig.minArguments) argument(s) in call to \(quoteForMessage(sig.name)), got \(n)", c.position)
                }
                if let mx = sig.maxArguments, n > mx {
                    throw error("expected at most \(mx) argument(s) in call to \(quoteForMessage(sig.name)), got \(n)", c.position)
                }
            }
            if sig.name == "info", n == 2 {
                guard case .vectorSelector(let vs) = c.args[1] else {
                    var arg = c.args[1]
                    let t = try check(&arg)
                    throw error("expected type instant vector in call to function \"info\", got \(t)", c.args[1].position)
                }
                if vs.name != nil {
                    throw error("expected label selectors only, got vector selector instead", vs.position)
                }
            }
            for i in c.args.indices {
                var arg = c.args[i]
                let t: ValueType
                if sig.name == "info", i == 1, case .vectorSelector = arg {
                    t = .vector // the data-label selector may match the empty string
                } else {
                    t = try check(&arg)
                }
                if let want = sig.argumentType(at: i) {
                    try expectType(arg, t, want, "call to function \(quoteForMessage(sig.name))")
                }
                c.args[i] = arg
            }
            e = .call(c)
            return sig.returnType
        }
    }
}
