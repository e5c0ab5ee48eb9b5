import Testing
import TidemarkStorage
@testable import TidemarkQuery

/// Helpers to build expected ASTs (positions are ignored by equality).
enum AST {
    static func sel(_ name: String, _ matchers: LabelMatcher..., offset: Int64 = 0, at: AtModifier? = nil) -> VectorSelector {
        VectorSelector(name: name, matchers: [.equal("__name__", name)] + matchers, offset: offset, at: at)
    }
    static func v(_ name: String, _ matchers: LabelMatcher..., offset: Int64 = 0, at: AtModifier? = nil) -> Expr {
        .vectorSelector(VectorSelector(name: name, matchers: [.equal("__name__", name)] + matchers, offset: offset, at: at))
    }
    static func n(_ x: Double) -> Expr { .number(NumberLiteral(x)) }
    static func s(_ x: String) -> Expr { .string(StringLiteral(x)) }
    static func m(_ name: String, _ range: Int64) -> Expr { .matrixSelector(MatrixSelector(selector: sel(name), range: range)) }
    static func bin(_ op: BinaryOperator, _ l: Expr, _ r: Expr, bool: Bool = false, _ matching: VectorMatching? = nil) -> Expr {
        .binary(BinaryExpr(op: op, lhs: l, rhs: r, returnBool: bool, matching: matching))
    }
    static func vv(_ card: VectorMatching.Cardinality = .oneToOne) -> VectorMatching { VectorMatching(cardinality: card) }
    static func call(_ f: String, _ args: Expr...) -> Expr { .call(Call(function: f, args: args)) }
    static func paren(_ e: Expr) -> Expr { .paren(ParenExpr(e)) }
    static let minute: Int64 = 60_000
}

@Suite struct ParserTests {
    func parse(_ s: String) throws -> Expr { try PromQL.parse(s) }

    func expectError(_ input: String, _ description: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let e = try PromQL.parse(input)
            Issue.record("parsed \(input) as \(e.promql)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.description == description, "\(input)", sourceLocation: sourceLocation)
        }
    }

    // MARK: literals

    @Test func numberAndStringLiterals() throws {
        #expect(try parse("1") == AST.n(1))
        #expect(try parse("-1.5e3") == AST.n(-1500))
        #expect(try parse("+0x1F") == AST.n(31))
        #expect(try parse("-Inf") == AST.n(-.infinity))
        #expect(try parse("NaN") == AST.n(.nan))
        #expect(try parse("- - 2") == AST.n(2))
        #expect(try parse("1h30m") == AST.n(5400))
        #expect(try parse("\"a\\tb\"") == AST.s("a\tb"))
        #expect(try parse("'single'") == AST.s("single"))
        #expect(try parse("`raw\\d`") == AST.s("raw\\d"))
    }

    // MARK: selectors

    @Test func vectorSelectors() throws {
        #expect(try parse("foo") == AST.v("foo"))
        #expect(try parse("job:rate5m:sum") == AST.v("job:rate5m:sum"))
        let all = try parse(#"foo{a="b", c!="d", e=~"f.*", g!~'h',}"#)
        #expect(all == AST.v("foo", .equal("a", "b"), try LabelMatcher(.notEqual, "c", "d"),
                             try LabelMatcher(.regexMatch, "e", "f.*"), try LabelMatcher(.regexNoMatch, "g", "h")))
        #expect(try parse(#"{__name__="foo"}"#) == .vectorSelector(VectorSelector(name: nil, matchers: [.equal("__name__", "foo")])))
        // Keywords are fine as label names.
        #expect(try parse(#"foo{on="x", by="y", offset="z"}"#) == AST.v("foo", .equal("on", "x"), .equal("by", "y"), .equal("offset", "z")))
        #expect(try parse(#"foo{inf="x", NaN="y"}"#) == AST.v("foo", .equal("inf", "x"), .equal("NaN", "y")))
        #expect(try parse("sum by (inf, bool, on) (foo)") == .aggregate(AggregateExpr(op: .sum, expr: AST.v("foo"), grouping: ["inf", "bool", "on"])))
    }

    @Test func utf8QuotedNames() throws {
        let e = try parse(#"{"my.metric", "a.b"="c"}"#)
        #expect(e == .vectorSelector(VectorSelector(name: "my.metric", matchers: [.equal("__name__", "my.metric"), .equal("a.b", "c")])))
        // The name may come anywhere inside the braces.
        #expect(try parse(#"{"a.b"="c", "my.metric"}"#) == e)
        #expect(try parse(#"{"my.metric"}[5m]"#) == .matrixSelector(MatrixSelector(
            selector: VectorSelector(name: "my.metric", matchers: [.equal("__name__", "my.metric")]), range: 5 * AST.minute)))
        #expect(try parse(#"sum by ("a.b", c) (x)"#) == .aggregate(AggregateExpr(op: .sum, expr: AST.v("x"), grouping: ["a.b", "c"])))
    }

    @Test func rangeSelectorsAndDurations() throws {
        #expect(try parse("foo[5m]") == AST.m("foo", 5 * AST.minute))
        #expect(try parse("foo[1h30m]") == AST.m("foo", 90 * AST.minute))
        #expect(try parse("foo[300]") == AST.m("foo", 5 * AST.minute))
        #expect(try parse("foo[1.5]") == AST.m("foo", 1500))
        #expect(try parse("foo[26m+4m]") == AST.m("foo", 30 * AST.minute))
        #expect(try parse("foo[2m*(10+5)]") == AST.m("foo", 30 * AST.minute))
        #expect(try parse("foo[max_of(1m, min_of(10m, 5m))]") == AST.m("foo", 5 * AST.minute))
    }

    @Test func offsetAndAtInEitherOrder() throws {
        let both = AST.v("foo", offset: 5 * AST.minute, at: .timestamp(100_000))
        #expect(try parse("foo offset 5m @ 100") == both)
        #expect(try parse("foo @ 100 offset 5m") == both)
        #expect(try parse("foo offset -5m") == AST.v("foo", offset: -5 * AST.minute))
        #expect(try parse("foo OFFSET 1h") == AST.v("foo", offset: 60 * AST.minute))
        #expect(try parse("foo @ start()") == AST.v("foo", at: .start))
        #expect(try parse("foo @ end() offset 1m") == AST.v("foo", offset: AST.minute, at: .end))
        #expect(try parse("foo @ 1.5") == AST.v("foo", at: .timestamp(1500)))
        #expect(try parse("foo @ -10") == AST.v("foo", at: .timestamp(-10_000)))
        let m = try parse("foo[5m] offset 1m @ 10")
        #expect(m == .matrixSelector(MatrixSelector(selector: AST.sel("foo", offset: AST.minute, at: .timestamp(10_000)), range: 5 * AST.minute)))
        // The offset takes a primary only: `offset 100 + 2` is `(foo offset 100) + 2`.
        #expect(try parse("foo offset 100 + 2") == AST.bin(.add, AST.v("foo", offset: 100_000), AST.n(2)))
        #expect(try parse("foo offset (100 + 2)") == AST.v("foo", offset: 102_000))
    }

    @Test func queryDependentDurations() throws {
        guard case .matrixSelector(let m) = try parse("foo[step() + 1ms]") else { Issue.record("not a matrix"); return }
        #expect(m.range == 0)
        #expect(m.rangeExpr == .binary(.add, .step, .number(0.001)))
        #expect(m.rangeExpr?.milliseconds(step: 10_000, range: 0) == 10_001)
        guard case .binary(let b) = try parse("foo offset -step() * 2"), case .vectorSelector(let v) = b.lhs else {
            Issue.record("not a binary"); return
        }
        #expect(v.offsetExpr == .negate(.step))
        guard case .subquery(let s) = try parse("foo[range():min_of(step(), 1m)]") else { Issue.record("not a subquery"); return }
        #expect(s.rangeExpr == .range && s.stepExpr == .minOf(.step, .number(60)) && s.step == nil)
    }

    @Test func subqueries() throws {
        let inner = AST.call("rate", AST.m("foo", 5 * AST.minute))
        #expect(try parse("rate(foo[5m])[30m:1m]") == .subquery(SubqueryExpr(expr: inner, range: 30 * AST.minute, step: AST.minute)))
        #expect(try parse("foo[30m:]") == .subquery(SubqueryExpr(expr: AST.v("foo"), range: 30 * AST.minute, step: nil)))
        #expect(try parse("(a + b)[1h:5m] offset 10m @ end()") == .subquery(SubqueryExpr(
            expr: AST.paren(AST.bin(.add, AST.v("a"), AST.v("b"), AST.vv())), range: 60 * AST.minute, step: 5 * AST.minute,
            offset: 10 * AST.minute, at: .end)))
        #expect(try parse("foo offset 5m [10m:]") == .subquery(SubqueryExpr(expr: AST.v("foo", offset: 5 * AST.minute), range: 10 * AST.minute, step: nil)))
        // Nested subqueries.
        #expect(try parse("max_over_time(foo[10m:1m])[1h:]") == .subquery(SubqueryExpr(
            expr: AST.call("max_over_time", .subquery(SubqueryExpr(expr: AST.v("foo"), range: 10 * AST.minute, step: AST.minute))),
            range: 60 * AST.minute, step: nil)))
    }

    @Test func extendedSelectorModifiers() throws {
        guard case .call(let c) = try parse("increase(foo[1m] anchored)"), case .matrixSelector(let m) = c.args[0] else {
            Issue.record("not a call"); return
        }
        #expect(m.selector.modifier == .anchored)
        guard case .vectorSelector(let v) = try parse("foo smoothed offset 1m") else { Issue.record("not a selector"); return }
        #expect(v.modifier == .smoothed && v.offset == AST.minute)
    }

    // MARK: operators

    @Test func precedenceAndAssociativity() throws {
        let one = AST.n(1), two = AST.n(2), three = AST.n(3)
        #expect(try parse("1 + 2 * 3") == AST.bin(.add, one, AST.bin(.mul, two, three)))
        #expect(try parse("1 - 2 - 3") == AST.bin(.sub, AST.bin(.sub, one, two), three))
        #expect(try parse("1 ^ 2 ^ 3") == AST.bin(.pow, one, AST.bin(.pow, two, three)))
        #expect(try parse("-1 ^ 2") == .unary(UnaryExpr(.minus, AST.bin(.pow, one, two))))
        #expect(try parse("2 ^ -1") == AST.bin(.pow, two, AST.n(-1)))
        #expect(try parse("-a * b") == AST.bin(.mul, .unary(UnaryExpr(.minus, AST.v("a"))), AST.v("b"), AST.vv()))
        #expect(try parse("-a + b") == AST.bin(.add, .unary(UnaryExpr(.minus, AST.v("a"))), AST.v("b"), AST.vv()))
        #expect(try parse("+a") == .unary(UnaryExpr(.plus, AST.v("a"))))
        #expect(try parse("1 * 2 atan2 3") == AST.bin(.atan2, AST.bin(.mul, one, two), three))
        let a = AST.v("a"), b = AST.v("b"), c = AST.v("c"), d = AST.v("d")
        let mm = AST.vv(.manyToMany)
        #expect(try parse("a or b and c unless d") == AST.bin(.or, a, AST.bin(.unless, AST.bin(.and, b, c, mm), d, mm), mm))
        #expect(try parse("a > b + 1") == AST.bin(.gtr, a, AST.bin(.add, b, AST.n(1)), AST.vv()))
        #expect(try parse("a == b and c != d") == AST.bin(.and, AST.bin(.eql, a, b, AST.vv()), AST.bin(.neq, c, d, AST.vv()), mm))
        #expect(try parse("a </ 1 + 2") == AST.bin(.trimUpper, a, AST.bin(.add, AST.n(1), AST.n(2))))
        #expect(try parse("a >/ b == c") == AST.bin(.eql, AST.bin(.trimLower, a, b, AST.vv()), c, AST.vv()))
        #expect(try parse("a AND b Or c") == AST.bin(.or, AST.bin(.and, a, b, mm), c, mm))
    }

    @Test func vectorMatchingAndBool() throws {
        let a = AST.v("a"), b = AST.v("b")
        #expect(try parse("a > bool b") == AST.bin(.gtr, a, b, bool: true, AST.vv()))
        #expect(try parse("1 >= bool 2") == AST.bin(.gte, AST.n(1), AST.n(2), bool: true))
        #expect(try parse("a + on(x, y) b") == AST.bin(.add, a, b, VectorMatching(labels: ["x", "y"], on: true)))
        #expect(try parse("a + on() b") == AST.bin(.add, a, b, VectorMatching(on: true)))
        #expect(try parse("a * ignoring(x) group_left(y) b") == AST.bin(.mul, a, b, VectorMatching(cardinality: .manyToOne, labels: ["x"], include: ["y"])))
        #expect(try parse("a * on(x) group_right b") == AST.bin(.mul, a, b, VectorMatching(cardinality: .oneToMany, labels: ["x"], on: true)))
        #expect(try parse("a and on(x) b") == AST.bin(.and, a, b, VectorMatching(cardinality: .manyToMany, labels: ["x"], on: true)))
        #expect(try parse("a - 1") == AST.bin(.sub, a, AST.n(1)))
        #expect(try parse("a + fill(0) b") == AST.bin(.add, a, b, VectorMatching(fillLeft: 0, fillRight: 0)))
        #expect(try parse("a + on(x) fill_left(1) fill_right(-2) b") == AST.bin(.add, a, b, VectorMatching(labels: ["x"], on: true, fillLeft: 1, fillRight: -2)))
    }

    // MARK: aggregations and calls

    @Test(arguments: AggregateOperator.allCases)
    func everyAggregation(op: AggregateOperator) throws {
        let param: Expr? = op == .count_values ? AST.s("v") : (op.takesParameter ? AST.n(5) : nil)
        let args = (param.map { $0.promql + ", " } ?? "") + "x"
        let want = Expr.aggregate(AggregateExpr(op: op, expr: AST.v("x"), param: param, grouping: ["a", "b"]))
        #expect(try parse("\(op.rawValue) by (a, b) (\(args))") == want)
        #expect(try parse("\(op.rawValue)(\(args)) by (a, b,)") == want)
        #expect(try parse("\(op.rawValue.uppercased()) BY (a, b) (\(args))") == want)
        let without = Expr.aggregate(AggregateExpr(op: op, expr: AST.v("x"), param: param, grouping: ["a"], without: true))
        #expect(try parse("\(op.rawValue) without (a) (\(args))") == without)
        #expect(try parse("\(op.rawValue)(\(args)) without (a)") == without)
    }

    @Test func functionCalls() throws {
        #expect(try parse("time()") == AST.call("time"))
        #expect(try parse("rate(foo[5m])") == AST.call("rate", AST.m("foo", 5 * AST.minute)))
        #expect(try parse("label_join(up, \"d\", \",\", \"a\", \"b\", \"c\")") == AST.call("label_join", AST.v("up"), AST.s("d"), AST.s(","), AST.s("a"), AST.s("b"), AST.s("c")))
        #expect(try parse("round(foo)") == AST.call("round", AST.v("foo")))
        #expect(try parse("hour()") == AST.call("hour"))
        #expect(try parse("histogram_quantile(0.9, sum by (le) (rate(b_bucket[5m])))") == AST.call("histogram_quantile", AST.n(0.9),
            .aggregate(AggregateExpr(op: .sum, expr: AST.call("rate", AST.m("b_bucket", 5 * AST.minute)), grouping: ["le"]))))
        // A function or aggregation name without parentheses is a metric name, and so are most keywords.
        #expect(try parse("rate") == AST.v("rate"))
        #expect(try parse("foo * sum") == AST.bin(.mul, AST.v("foo"), AST.v("sum"), AST.vv()))
        #expect(try parse("offset{step=\"1s\"}[5m]") == .matrixSelector(MatrixSelector(selector: AST.sel("offset", .equal("step", "1s")), range: 5 * AST.minute)))
        #expect(try parse("anchored{job=\"test\"}") == AST.v("anchored", .equal("job", "test")))
        #expect(try parse("foo - time() + 1h") == AST.bin(.add, AST.bin(.sub, AST.v("foo"), AST.call("time")), AST.n(3600)))
    }

    @Test func commentsAndLayout() throws {
        #expect(try parse("sum(\n  rate(foo[5m]) # per second\n) # total") == .aggregate(AggregateExpr(op: .sum, expr: AST.call("rate", AST.m("foo", 5 * AST.minute)))))
    }

    @Test func positionsAreRecorded() throws {
        let e = try parse("  sum(rate(foo[5m]))  ")
        #expect(e.position.start == 2 && e.position.end == 20)
        guard case .aggregate(let a) = e, case .call(let c) = a.expr, case .matrixSelector(let m) = c.args[0] else { return }
        #expect(c.position.start == 6 && c.position.end == 19)
        #expect(m.position.start == 11 && m.position.end == 18)
    }

    // MARK: errors

    @Test func syntaxErrors() {
        expectError("", "1:1: parse error: no expression found in input")
        expectError("foo{a=}", "1:7: parse error: unexpected \"}\" in label matching, expected string")
        expectError("foo{a}", "1:6: parse error: unexpected \"}\" in label matching, expected label matching operator")
        expectError("foo{a=\"b\" c=\"d\"}", "1:11: parse error: unexpected identifier \"c\" in label matching, expected \",\" or \"}\"")
        expectError("foo{1=\"b\"}", "1:5: parse error: unexpected number \"1\" in label matching, expected identifier or \"}\"")
        expectError("up{, namespace}", "1:4: parse error: unexpected \",\" in label matching, expected identifier or \"}\"")
        expectError("some_metric{a=b}", "1:15: parse error: unexpected identifier \"b\" in label matching, expected string")
        expectError("foo{a*\"b\"}", "1:6: parse error: unexpected character inside braces: '*'")
        expectError("foo{a=\"b\"[5m]}", "1:10: parse error: unexpected character inside braces: '['")
        expectError("1 +", "1:4: parse error: unexpected end of input")
        expectError("foo bar", "1:5: parse error: unexpected identifier \"bar\"")
        expectError("sum foo", "1:5: parse error: unexpected identifier \"foo\"")
        expectError("*1", "1:1: parse error: unexpected <op:*>")
        expectError("foo by", "1:5: parse error: unexpected <by>")
        expectError("@@", "1:1: parse error: unexpected <op:@>")
        expectError("1 !~ 1", "1:3: parse error: unexpected character after '!': '~'")
        expectError("1 =~ 1", "1:3: parse error: unexpected character after '=': '~'")
        expectError("1 offset 1d", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        expectError("a - on(b) ignoring(c) d", "1:11: parse error: unexpected <ignoring>")
        expectError("a:b c:d", "1:5: parse error: unexpected metric identifier \"c:d\"")
        expectError(".", "1:1: parse error: unexpected character: '.'")
        expectError("1e999", "1:1: parse error: error parsing number: \"1e999\": value out of range")
        expectError("sum by (a) foo", "1:12: parse error: unexpected identifier \"foo\" in aggregation, expected \"(\"")
        expectError("sum by a (foo)", "1:8: parse error: unexpected identifier \"a\" in grouping opts, expected \"(\"")
        expectError("rate(foo[5m]", "1:13: parse error: unclosed left parenthesis")
        expectError("foo[5m:1m:1m]", "1:10: parse error: unexpected \":\" in subquery selector, expected \"]\"")
        expectError("unknown_fn(x)", "1:1: parse error: unknown function with name \"unknown_fn\"")
        expectError("foo[0s]", "1:5: parse error: duration must be greater than 0")
        expectError("foo[1m/0]", "1:7: parse error: division by zero")
        expectError("foo @ 1 @ 2", "1:1: parse error: @ <timestamp> may not be set multiple times")
        expectError("foo offset 1m offset 2m", "1:1: parse error: offset may not be set multiple times")
        expectError("foo @ Inf", "1:1: parse error: timestamp out of bounds for @ modifier: +Inf")
        expectError("foo @ -Inf", "1:1: parse error: timestamp out of bounds for @ modifier: -Inf")
        expectError("foo @ NaN", "1:1: parse error: timestamp out of bounds for @ modifier: NaN")
        expectError("sum(foo) offset 1m", "1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery")
        expectError("(foo)[5m]", "1:1: parse error: ranges only allowed for vector selectors")
        expectError("foo offset 1m [5m]", "1:1: parse error: no offset modifiers allowed before range")
        expectError("foo + group_left bar", "1:7: parse error: unexpected <group_left>")
        expectError("rate(foo[5m],)", "1:13: parse error: trailing commas not allowed in function call args")
        expectError("a and or b", "1:7: parse error: unexpected <op:or>")
        expectError("foo{a=\"b\"}{c=\"d\"}", "1:11: parse error: unexpected \"{\"")
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        let deep = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        #expect(throws: ParseError.self) { try PromQL.parse(deep) }
        #expect(throws: ParseError.self) { try PromQL.parse(String(repeating: "-", count: 5000) + "1") }
        #expect(throws: ParseError.self) { try PromQL.parse("foo[" + String(repeating: "(", count: 5000) + "1m" + String(repeating: ")", count: 5000) + "]") }
        let ok = String(repeating: "(", count: 100) + "1" + String(repeating: ")", count: 100)
        #expect(try PromQL.parse(ok).promql == ok)
        // Long operator chains build deep trees too: 200 terms are fine, 1000 are refused.
        let flat = (0..<200).map { "x\($0)" }.joined(separator: " + ")
        #expect(try PromQL.parse(flat).promql == flat)
        let long = (0..<1000).map { "x\($0)" }.joined(separator: " + ")
        #expect(throws: ParseError.self) { try PromQL.parse(long) }
        let right = (0..<1000).map { "x\($0)" }.joined(separator: " ^ ")
        #expect(throws: ParseError.self) { try PromQL.parse(right) }
    }

    @Test func errorPositionsAcrossLines() {
        expectError("sum(\n  foo{a=}\n)", "2:9: parse error: unexpected \"}\" in label matching, expected string")
        expectError("foo +\n\n   rate(bar)", "3:9: parse error: expected type range vector in call to function \"rate\", got instant vector")
        expectError("{a=\"é\", b=}", "1:12: parse error: unexpected \"}\" in label matching, expected string")
        do {
            _ = try PromQL.parse("x +\n  foo{a=}")
        } catch {
            #expect(error.line == 2 && error.column == 9)
            #expect(error.position.start == 12 && error.position.end == 13)
            #expect(error.message == "unexpected \"}\" in label matching, expected string")
        }
    }

    @Test func annotatedErrorsPointAtTheOffendingText() {
        let query = "x +\n  sum(rate(foo{\"é\"=}[5m]))"
        do {
            _ = try PromQL.parse(query)
            Issue.record("parsed")
        } catch {
            // Column 21 counts bytes (é is two); the caret is padded by characters.
            #expect(error.annotated(query) == "  sum(rate(foo{\"é\"=}[5m]))\n" + String(repeating: " ", count: 19) + "^\n"
                    + "2:21: parse error: unexpected \"}\" in label matching, expected string")
        }
        do {
            _ = try PromQL.parse("rate(foo)")
            Issue.record("parsed")
        } catch {
            #expect(error.annotated("rate(foo)") == "rate(foo)\n     ^~~\n1:6: parse error: expected type range vector in call to function \"rate\", got instant vector")
        }
    }

    @Test func selectorRules() {
        expectError("{}", "1:1: parse error: vector selector must contain at least one non-empty matcher")
        expectError("{a=\"\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher")
        expectError("{a=~\".*\"}[5m]", "1:1: parse error: vector selector must contain at least one non-empty matcher")
        expectError("{a!=\"x\"}", "1:1: parse error: vector selector must contain at least one non-empty matcher")
        #expect((try? PromQL.parse("{a=~\".+\"}")) != nil)
        #expect((try? PromQL.parse("{a=\"\", b=\"x\"}")) != nil)
        expectError("foo{__name__=\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\"")
        expectError("foo{\"bar\"}", "1:1: parse error: metric name must not be set twice: \"foo\" or \"bar\"")
        expectError("{\"foo\", \"bar\"}", "1:9: parse error: metric name must not be set twice: \"foo\" or \"bar\"")
        #expect(throws: ParseError.self) { try PromQL.parse("foo{a=~\"(\"}") }
    }

    @Test func typeErrors() {
        expectError("rate(foo)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector")
        expectError("abs(foo[5m])", "1:5: parse error: expected type instant vector in call to function \"abs\", got range vector")
        expectError("sum(foo[5m])", "1:5: parse error: expected type instant vector in aggregation expression, got range vector")
        expectError("topk(foo, bar)", "1:6: parse error: expected type scalar in aggregation parameter, got instant vector")
        expectError("count_values(1, bar)", "1:14: parse error: expected type string in aggregation parameter, got scalar")
        expectError("topk(bar)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1")
        expectError("sum(a, b)", "1:1: parse error: wrong number of arguments for aggregate expression provided, expected 1, got 2")
        expectError("sum()", "1:1: parse error: no arguments for aggregate expression provided")
        expectError("1 < 2", "1:3: parse error: comparisons between scalars must use BOOL modifier")
        expectError("a + bool b", "1:3: parse error: bool modifier can only be used on comparison operators")
        expectError("foo and 1", "1:1: parse error: set operator \"and\" not allowed in binary scalar expression")
        expectError("1 + on(a) foo", "1:1: parse error: vector matching only allowed between instant vectors")
        expectError("a and on(x) group_left b", "1:1: parse error: no grouping allowed for \"and\" operation")
        expectError("a + on(x) group_left(x) b", "1:3: parse error: label \"x\" must not occur in ON and GROUP clause at once")
        expectError("foo[5m] + 1", "1:1: parse error: binary expression must contain only scalar and instant vector types")
        expectError("1 + \"a\"", "1:5: parse error: binary expression must contain only scalar and instant vector types")
        expectError("-\"a\"", "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"string\"")
        expectError("-foo[5m]", "1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got \"range vector\"")
        expectError("foo[5m][10m:]", "1:1: parse error: subquery is only allowed on instant vector, got matrix instead")
        expectError("(1)[5m:]", "1:1: parse error: subquery is only allowed on instant vector, got scalar instead")
        #expect((try? parse("sum(sum)")) == .aggregate(AggregateExpr(op: .sum, expr: AST.v("sum"))))
        expectError("time(1)", "1:1: parse error: expected 0 argument(s) in call to \"time\", got 1")
        expectError("label_join(foo)", "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 1")
        expectError("round(foo, 1, 2)", "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3")
        expectError("label_replace(foo, 1, \"a\", \"b\", \"c\")", "1:20: parse error: expected type string in call to function \"label_replace\", got scalar")
        expectError("info(foo, target_info)", "1:11: parse error: expected label selectors only, got vector selector instead")
        #expect((try? PromQL.parse("info(foo, {data=~\".*\"})")) != nil)
        // Misused anchored/smoothed modifiers parse; Prometheus (and the engine) reject them at evaluation.
        #expect((try? PromQL.parse("deriv(foo[3m] smoothed)")) != nil)
        #expect((try? PromQL.parse("max_over_time(foo[3m] anchored)")) != nil)
    }

    @Test func everyCatalogueFunctionParsesWithItsSignature() throws {
        for sig in FunctionCatalog.all {
            let args = (0..<sig.minArguments).map { i -> String in
                switch sig.argumentType(at: i)! {
                case .scalar: return "1"
                case .vector: return "foo"
                case .matrix: return "foo[5m]"
                case .string: return "\"s\""
                }
            }
            let e = try PromQL.parse("\(sig.name)(\(args.joined(separator: ", ")))")
            #expect(e == (try PromQL.parse(e.promql)), "\(sig.name)")
        }
    }
}
