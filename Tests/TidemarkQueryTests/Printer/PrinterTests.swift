import Testing
import TidemarkStorage
@testable import TidemarkQuery
import TidemarkWorkloads

@Suite struct PrinterTests {
    @Test(arguments: [
        ("foo", "foo"),
        ("foo{ a = \"b\" ,c=~'d'}", "foo{a=\"b\",c=~\"d\"}"),
        ("{__name__=\"foo\", a=\"b\"}", "{__name__=\"foo\",a=\"b\"}"),
        ("{\"my.metric\", \"a.b\"=\"c\"}", "{\"my.metric\",\"a.b\"=\"c\"}"),
        ("{\"ok_name\"}", "ok_name"),
        ("foo[90m]", "foo[1h30m]"),
        ("foo[300]", "foo[5m]"),
        ("foo[1500ms]", "foo[1s500ms]"),
        ("foo[14d]", "foo[2w]"),
        ("foo[90d]", "foo[90d]"),
        ("foo[365d]", "foo[1y]"),
        ("foo offset 1m @ 100", "foo @ 100.000 offset 1m"),
        ("foo @ 1.5", "foo @ 1.500"),
        ("foo @ -0.5", "foo @ -0.500"),
        ("foo offset -5m", "foo offset -5m"),
        ("foo[5m] @ end() offset 1h", "foo[5m] @ end() offset 1h"),
        ("foo @ start()", "foo @ start()"),
        ("rate(foo[5m])[30m:1m]", "rate(foo[5m])[30m:1m]"),
        ("foo[30m:]", "foo[30m:]"),
        ("foo[1m] anchored", "foo[1m] anchored"),
        ("foo smoothed offset 1m", "foo smoothed offset 1m"),
        ("foo[step()+1ms]", "foo[step() + 0.001]"),
        ("foo offset -step()", "foo offset (-step())"),
        ("foo offset (step())", "foo offset step()"),
        ("foo offset min_of(step(), 1s)", "foo offset min_of(step(), 1)"),
        ("foo[(-5)^step():range()]", "foo[(-5) ^ step():range()]"),
        ("sum(foo) by (a,b)", "sum by (a, b) (foo)"),
        ("sum without() (foo)", "sum without () (foo)"),
        ("sum by() (foo)", "sum(foo)"),
        ("topk(5,foo)", "topk(5, foo)"),
        ("count_values without(a)(\"v\",foo)", "count_values without (a) (\"v\", foo)"),
        ("sum by (\"a.b\") (foo)", "sum by (\"a.b\") (foo)"),
        ("a+on(x)group_left(y)b", "a + on (x) group_left (y) b"),
        ("a * ignoring(x) group_right b", "a * ignoring (x) group_right () b"),
        ("a and on() b", "a and on () b"),
        ("a and b", "a and b"),
        ("a>bool b", "a > bool b"),
        ("a + fill(0) b", "a + fill(0) b"),
        ("a + fill_left(1) fill_right(NaN) b", "a + fill_left(1) fill_right(NaN) b"),
        ("1 + 2 * 3", "1 + 2 * 3"),
        ("(1 + 2) * 3", "(1 + 2) * 3"),
        ("-1 ^ 2", "-1 ^ 2"),
        ("(-1) ^ 2", "(-1) ^ 2"),
        ("2 ^ -1", "2 ^ -1"),
        ("- foo", "-foo"),
        ("+foo", "+foo"),
        ("-(-foo)", "-(-foo)"),
        ("1e3", "1000"),
        ("1.5e-7", "1.5e-07"),
        ("0x10", "16"),
        ("-0", "-0"),
        ("+Inf", "Inf"),
        ("-inf", "-Inf"),
        ("nan", "NaN"),
        ("1h", "3600"),
        ("\"a\\tb\\\"c\"", "\"a\\tb\\\"c\""),
        ("'it\\'s'", "\"it's\""),
        ("`x\\y`", "\"x\\\\y\""),
        ("time()", "time()"),
        ("label_replace(up,\"a\",\"$1\",\"b\",\"(.*)\")", "label_replace(up, \"a\", \"$1\", \"b\", \"(.*)\")"),
        ("sum by (le) (rate(b_bucket[5m]))", "sum by (le) (rate(b_bucket[5m]))"),
    ])
    func canonicalForm(input: String, printed: String) throws {
        let e = try PromQL.parse(input)
        #expect(e.promql == printed)
        #expect(try PromQL.parse(e.promql) == e)
    }

    @Test func formatting() {
        #expect(PromQLPrinter.formatDuration(0) == "0s")
        #expect(PromQLPrinter.formatDuration(-90_000) == "-1m30s")
        #expect(PromQLPrinter.formatDuration(Int64.min).hasPrefix("-"))
        #expect(PromQLPrinter.formatNumber(0.1) == "0.1")
        #expect(PromQLPrinter.formatNumber(1e20) == "1e+20")
        #expect(PromQLPrinter.formatNumber(-1e-300) == "-1e-300")
        #expect(PromQLPrinter.quote("a\u{01}\n") == "\"a\\x01\\n\"")
    }

    @Test func awkwardNamesAreQuoted() throws {
        for name in ["sum", "on", "bool", "inf", "NaN", "and", "a-b", "日本", "1abc"] {
            let e = Expr.vectorSelector(VectorSelector(name: name, matchers: [.equal("__name__", name)]))
            #expect(try PromQL.parse(e.promql) == e, "\(name): \(e.promql)")
        }
        let odd = Expr.vectorSelector(VectorSelector(name: "x", matchers: [.equal("__name__", "x"), .equal("a b", "c\"d\\e\u{7f}")]))
        #expect(try PromQL.parse(odd.promql) == odd, "\(odd.promql)")
    }

    /// Random well-typed ASTs: print, parse, compare.
    @Test func randomExpressionsRoundTrip() throws {
        var rng = SplitMix64(seed: 0x5EED)
        for i in 0..<2000 {
            let e = randomVector(&rng, depth: 4)
            let text = e.promql
            do {
                let back = try PromQL.parse(text)
                #expect(back == e, "#\(i): \(text)")
                #expect(back.promql == text, "#\(i): \(text)")
            } catch {
                Issue.record("#\(i): \(text): \(error)")
            }
        }
    }

    // MARK: random generator


    func randomSelector(_ r: inout SplitMix64) -> VectorSelector {
        let name = r.pick(["foo", "bar:baz", "my.metric", "x_total", "by", "offset"])
        var ms: [LabelMatcher] = [.equal("__name__", name)]
        for _ in 0..<r.below(3) {
            let kind = r.pick([LabelMatcher.Kind.equal, .notEqual, .regexMatch, .regexNoMatch])
            ms.append(try! LabelMatcher(kind, r.pick(["a", "job", "on", "a.b"]), r.pick(["", "x", "a|b", "\"q\"\n", "é"])))
        }
        var v = VectorSelector(name: name, matchers: ms)
        if r.below(4) == 0 { v.offset = Int64(r.below(100_000) - 50_000) * 1000 }
        if r.below(5) == 0 { v.at = r.pick([.start, .end, .timestamp(Int64(r.below(10_000_000)) - 10)]) }
        return v
    }

    func randomScalar(_ r: inout SplitMix64, depth: Int) -> Expr {
        switch depth <= 0 ? 0 : r.below(4) {
        case 0: return .number(NumberLiteral(r.pick([0, 1, -1, 0.5, 1e-9, 12345678, .infinity, -.infinity, .nan, -0.0])))
        case 1: return .call(Call(function: r.pick(["time", "pi"]), args: []))
        case 2: return .paren(ParenExpr(randomScalar(&r, depth: depth - 1)))
        default: return .call(Call(function: "scalar", args: [randomVector(&r, depth: depth - 1)]))
        }
    }

    func randomVector(_ r: inout SplitMix64, depth: Int) -> Expr {
        switch depth <= 0 ? 0 : r.below(8) {
        case 0: return .vectorSelector(randomSelector(&r))
        case 1:
            let m = MatrixSelector(selector: randomSelector(&r), range: Int64(1 + r.below(100_000)) * 1000)
            return .call(Call(function: r.pick(["rate", "sum_over_time", "changes"]), args: [.matrixSelector(m)]))
        case 2:
            let op = r.pick(AggregateOperator.allCases)
            let param: Expr? = op == .count_values ? .string(StringLiteral("v")) : (op.takesParameter ? randomScalar(&r, depth: 1) : nil)
            let grouping = Array(["a", "job", "a.b"].prefix(r.below(4)))
            return .aggregate(AggregateExpr(op: op, expr: randomVector(&r, depth: depth - 1), param: param, grouping: grouping, without: r.below(3) == 0))
        case 3:
            let op = r.pick(BinaryOperator.allCases)
            let lhs = wrapForBinary(randomVector(&r, depth: depth - 1), op, right: false)
            let rhs = wrapForBinary(randomVector(&r, depth: depth - 1), op, right: true)
            var m = VectorMatching(cardinality: op.isSetOperator ? .manyToMany : .oneToOne)
            if r.below(2) == 0 {
                m.on = r.below(2) == 0
                m.labels = Array(["a", "b"].prefix(r.below(3)))
                if !op.isSetOperator, r.below(2) == 0 {
                    m.cardinality = r.pick([.manyToOne, .oneToMany])
                    m.include = m.on ? [] : Array(["c", "d"].prefix(r.below(3)))
                }
            }
            return .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, returnBool: op.isComparison && r.below(2) == 0, matching: m))
        case 4:
            return .subquery(SubqueryExpr(expr: .paren(ParenExpr(randomVector(&r, depth: depth - 1))), range: Int64(1 + r.below(1000)) * 60_000,
                                          step: r.below(2) == 0 ? nil : Int64(1 + r.below(600)) * 1000))
            .wrappedInCall("max_over_time")
        case 5: return .unary(UnaryExpr(r.pick([.minus, .plus]), .paren(ParenExpr(randomVector(&r, depth: depth - 1)))))
        case 6:
            let op = r.pick([BinaryOperator.add, .mul, .pow, .sub, .div])
            return .binary(BinaryExpr(op: op, lhs: wrapForBinary(randomVector(&r, depth: depth - 1), op, right: false),
                                      rhs: wrapForBinary(randomScalar(&r, depth: depth - 1), op, right: true)))
        default:
            return .call(Call(function: r.pick(["abs", "sort", "timestamp"]), args: [randomVector(&r, depth: depth - 1)]))
        }
    }

    /// Parenthesise an operand that would otherwise bind differently (as a parser would have).
    func wrapForBinary(_ e: Expr, _ op: BinaryOperator, right: Bool) -> Expr {
        switch e {
        case .binary(let b) where b.op.precedence < op.precedence || (b.op.precedence == op.precedence && (right != op.isRightAssociative)):
            return .paren(ParenExpr(e))
        case .unary where op == .pow && !right:
            return .paren(ParenExpr(e))
        case .number(let n) where op == .pow && !right && n.value.sign == .minus:
            return .paren(ParenExpr(e))
        default:
            return e
        }
    }
}

extension Expr {
    func wrappedInCall(_ f: String) -> Expr { .call(Call(function: f, args: [self])) }
}

extension SplitMix64 {
    /// A uniformly chosen element of a non-empty array.
    mutating func pick<T>(_ a: [T]) -> T { a[below(a.count)] }
}
