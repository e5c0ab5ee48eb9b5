import Foundation
import TidemarkStorage

/// Entry point of the PromQL front end.
public enum PromQL {
    /// Parses and type-checks a PromQL expression (Prometheus 3 grammar and rules).
    public static func parse(_ input: String) throws(ParseError) -> Expr {
        var parser = try Parser(input)
        let expr = try parser.parseTop()
        var checker = TypeChecker(input: input)
        var checked = expr
        _ = try checker.check(&checked)
        return checked
    }
}

/// Recursive-descent parser with precedence climbing for binary operators.
struct Parser {
    let input: String
    let tokens: [Token]
    var pos = 0

    static let aggregators: Set<String> = Set(AggregateOperator.allCases.map(\.rawValue))
    /// Keywords that can never start an expression (Prometheus's lexer gives them their own tokens).
    static let reservedKeywords: Set<String> = ["on", "ignoring", "group_left", "group_right", "bool"]
    static let binaryKeywords: [String: BinaryOperator] = ["and": .and, "or": .or, "unless": .unless, "atan2": .atan2]

    init(_ input: String) throws(ParseError) {
        self.input = input
        self.tokens = try Lexer(input).tokenize()
    }

    // MARK: token helpers

    var peek: Token { tokens[pos] }
    var peek2: Token { tokens[min(pos + 1, tokens.count - 1)] }
    var lastEnd: Int { pos > 0 ? tokens[pos - 1].position.end : 0 }

    @discardableResult
    mutating func next() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    func isKeyword(_ t: Token, _ kw: String) -> Bool { t.kind == .identifier && t.text.lowercased() == kw }

    func error(_ message: String, _ range: PositionRange) -> ParseError { ParseError(message, at: range, in: input) }

    func unexpected(_ t: Token, in context: String? = nil, expected: String? = nil) -> ParseError {
        var m = "unexpected \(t.describe)"
        if let c = context { m += " in \(c)" }
        if let e = expected { m += ", expected \(e)" }
        return error(m, t.position)
    }

    mutating func expect(_ kind: TokenKind, in context: String?, expected: String) throws(ParseError) -> Token {
        guard peek.kind == kind else { throw unexpected(peek, in: context, expected: expected) }
        return next()
    }

    // MARK: expressions

    mutating func parseTop() throws(ParseError) -> Expr {
        if peek.kind == .eof { throw error("no expression found in input", PositionRange(0, 0)) }
        let e = try parseExpr(minPrecedence: 0)
        if peek.kind != .eof { throw unexpected(peek) }
        return e
    }

    func binaryOperator(_ t: Token) -> BinaryOperator? {
        switch t.kind {
        case .add: return .add
        case .sub: return .sub
        case .mul: return .mul
        case .div: return .div
        case .mod: return .mod
        case .pow: return .pow
        case .eql: return .eql
        case .neq: return .neq
        case .lss: return .lss
        case .lte: return .lte
        case .gtr: return .gtr
        case .gte: return .gte
        case .trimUpper: return .trimUpper
        case .trimLower: return .trimLower
        case .identifier: return Parser.binaryKeywords[t.text.lowercased()]
        default: return nil
        }
    }

    mutating func parseExpr(minPrecedence: Int) throws(ParseError) -> Expr {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", peek.position)
        }
        var lhs = try parseUnary()
        var spine = 0
        while let op = binaryOperator(peek), op.precedence >= minPrecedence {
            spine += 1
            if depth + spine > Parser.maxDepth {
                throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", peek.position)
            }
            next()
            var returnBool = false
            var matching = VectorMatching()
            if isKeyword(peek, "bool") {
                next()
                returnBool = true
            }
            if isKeyword(peek, "on") || isKeyword(peek, "ignoring") {
                matching.on = isKeyword(next(), "on")
                matching.labels = try parseLabelList(context: "grouping opts")
                if isKeyword(peek, "group_left") || isKeyword(peek, "group_right") {
                    matching.cardinality = isKeyword(next(), "group_left") ? .manyToOne : .oneToMany
                    if peek.kind == .leftParen {
                        matching.include = try parseLabelList(context: "grouping opts")
                    }
                }
            }
            try parseFillModifiers(&matching)
            let rhs = try parseExpr(minPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            lhs = .binary(BinaryExpr(op: op, lhs: lhs, rhs: rhs, returnBool: returnBool, matching: matching,
                                     position: PositionRange(lhs.position.start, rhs.position.end)))
        }
        return lhs
    }

    /// `fill(v)`, `fill_left(v)`, `fill_right(v)` (experimental in Prometheus 3).
    mutating func parseFillModifiers(_ matching: inout VectorMatching) throws(ParseError) {
        while peek.kind == .identifier, peek2.kind == .leftParen,
              let which = ["fill", "fill_left", "fill_right"].first(where: { isKeyword(peek, $0) }) {
            next()
            next()
            let v = try parseSignedNumber(context: "fill modifier")
            _ = try expect(.rightParen, in: "fill modifier", expected: "\")\"")
            if which != "fill_right" { matching.fillLeft = v }
            if which != "fill_left" { matching.fillRight = v }
        }
    }

    mutating func parseSignedNumber(context: String) throws(ParseError) -> Double {
        var sign = 1.0
        while peek.kind == .add || peek.kind == .sub {
            if next().kind == .sub { sign = -sign }
        }
        let t = next()
        switch t.kind {
        case .number: return sign * t.numberValue
        case .duration: return sign * t.numberValue / 1000
        default: throw unexpected(t, in: context, expected: "number")
        }
    }

    /// Recursion depth, bounded so that a pathological query is an error, not a stack overflow.
    var depth = 0
    /// Counts nesting and the length of left-associative operator chains (each adds a tree
    /// level that the checker, printer and evaluator recurse through).
    static let maxDepth = 256

    mutating func parseUnary() throws(ParseError) -> Expr {
        if peek.kind == .add || peek.kind == .sub {
            let t = next()
            // Unary operators bind like `*`: tighter than `+`, looser than `^`.
            let operand = try parseExpr(minPrecedence: BinaryOperator.pow.precedence)
            let range = PositionRange(t.position.start, operand.position.end)
            if case .number(var n) = operand {
                if t.kind == .sub { n.value = -n.value }
                n.position = range
                return .number(n)
            }
            return .unary(UnaryExpr(t.kind == .sub ? .minus : .plus, operand, position: range))
        }
        let primary = try parsePrimary()
        return try parsePostfix(primary)
    }

    mutating func parsePrimary() throws(ParseError) -> Expr {
        let t = peek
        switch t.kind {
        case .number:
            next()
            return .number(NumberLiteral(t.numberValue, position: t.position))
        case .duration:
            next()
            return .number(NumberLiteral(t.numberValue / 1000, position: t.position))
        case .string:
            next()
            return .string(StringLiteral(t.stringValue, position: t.position))
        case .leftParen:
            next()
            let inner = try parseExpr(minPrecedence: 0)
            _ = try expect(.rightParen, in: "parenthesized expression", expected: "\")\"")
            return .paren(ParenExpr(inner, position: PositionRange(t.position.start, lastEnd)))
        case .leftBrace:
            let (matchers, name) = try parseMatchers()
            return .vectorSelector(VectorSelector(name: name, matchers: matchers, position: PositionRange(t.position.start, lastEnd)))
        case .identifier:
            let lower = t.text.lowercased()
            if Parser.reservedKeywords.contains(lower) { throw unexpected(t) }
            if Parser.aggregators.contains(lower), peek2.kind == .leftParen || isKeyword(peek2, "by") || isKeyword(peek2, "without") {
                return try parseAggregate()
            }
            if peek2.kind == .leftParen {
                return try parseCall()
            }
            if Parser.binaryKeywords[lower] != nil { throw unexpected(t) }
            next()
            var matchers: [LabelMatcher] = [LabelMatcher.equal(metricNameLabel, t.text)]
            if peek.kind == .leftBrace {
                let braceStart = peek.position
                let (inner, bare) = try parseMatchers()
                if bare != nil || inner.contains(where: { $0.name == metricNameLabel }) {
                    let dup = inner.first(where: { $0.name == metricNameLabel })!
                    throw error("metric name must not be set twice: \(quoteForMessage(t.text)) or \(quoteForMessage(dup.value))",
                                PositionRange(t.position.start, max(braceStart.end, lastEnd)))
                }
                matchers += inner
            }
            return .vectorSelector(VectorSelector(name: t.text, matchers: matchers, position: PositionRange(t.position.start, lastEnd)))
        case .eof:
            throw error("unexpected end of input", t.position)
        default:
            throw unexpected(t)
        }
    }

    /// `{ matcher, ... }`, the brace included.
    /// Returns the matchers and the metric name if given as a bare quoted string
    /// (`{"my.metric"}`); its `__name__` matcher is moved to the front.
    mutating func parseMatchers() throws(ParseError) -> ([LabelMatcher], String?) {
        next() // {
        var out: [LabelMatcher] = []
        var bareName: String? = nil
        let ctx = "label matching"
        while true {
            if peek.kind == .rightBrace { next(); break }
            let nameTok = next()
            let name: String
            switch nameTok.kind {
            case .identifier:
                name = nameTok.text
            case .number where nameTok.text.first?.isLetter == true: // `inf`, `nan` as label names
                name = nameTok.text
            case .string:
                if peek.kind == .comma || peek.kind == .rightBrace {
                    if let b = bareName {
                        throw error("metric name must not be set twice: \(quoteForMessage(b)) or \(quoteForMessage(nameTok.stringValue))", nameTok.position)
                    }
                    bareName = nameTok.stringValue
                    out.append(LabelMatcher.equal(metricNameLabel, nameTok.stringValue))
                    if peek.kind == .comma { next() }
                    continue
                }
                name = nameTok.stringValue
            default:
                throw unexpected(nameTok, in: ctx, expected: "identifier or \"}\"")
            }
            let opTok = next()
            let kind: LabelMatcher.Kind
            switch opTok.kind {
            case .assign: kind = .equal
            case .neq: kind = .notEqual
            case .regexMatch: kind = .regexMatch
            case .regexNoMatch: kind = .regexNoMatch
            default: throw unexpected(opTok, in: ctx, expected: "label matching operator")
            }
            let valueTok = next()
            guard valueTok.kind == .string else { throw unexpected(valueTok, in: ctx, expected: "string") }
            do {
                out.append(try LabelMatcher(kind, name, valueTok.stringValue))
            } catch {
                var msg = "\(error)"
                if case .invalidMatcher(let m) = error { msg = m }
                throw self.error(msg, PositionRange(nameTok.position.start, valueTok.position.end))
            }
            switch peek.kind {
            case .comma: next()
            case .rightBrace: next(); return (Parser.nameFirst(out, bareName), bareName)
            default: throw unexpected(peek, in: ctx, expected: "\",\" or \"}\"")
            }
        }
        return (Parser.nameFirst(out, bareName), bareName)
    }

    static func nameFirst(_ matchers: [LabelMatcher], _ name: String?) -> [LabelMatcher] {
        guard let b = name, let i = matchers.firstIndex(where: { $0.name == metricNameLabel && $0.kind == .equal && $0.value == b }) else {
            return matchers
        }
        var out = matchers
        out.insert(out.remove(at: i), at: 0)
        return out
    }

    /// `( label, ... )` for `by`, `without`, `on`, `ignoring`, `group_left`, `group_right`.
    mutating func parseLabelList(context: String) throws(ParseError) -> [String] {
        _ = try expect(.leftParen, in: context, expected: "\"(\"")
        var labels: [String] = []
        while true {
            let t = next()
            switch t.kind {
            case .rightParen:
                return labels
            case .identifier where !t.text.contains(":"):
                labels.append(t.text)
            case .number where t.text.first?.isLetter == true: // `inf`, `nan` as label names
                labels.append(t.text)
            case .string:
                labels.append(t.stringValue)
            default:
                throw unexpected(t, in: context, expected: labels.isEmpty ? "label" : "label")
            }
            switch peek.kind {
            case .comma: next()
            case .rightParen: next(); return labels
            default: throw unexpected(peek, in: context, expected: "\",\" or \")\"")
            }
        }
    }

    mutating func parseArguments(context: String) throws(ParseError) -> [Expr] {
        _ = try expect(.leftParen, in: context, expected: "\"(\"")
        var args: [Expr] = []
        if peek.kind == .rightParen { next(); return args }
        while true {
            args.append(try parseExpr(minPrecedence: 0))
            switch peek.kind {
            case .comma:
                let comma = next()
                if peek.kind == .rightParen {
                    throw error("trailing commas not allowed in function call args", comma.position)
                }
            case .rightParen: next(); return args
            default: throw unexpected(peek, in: context, expected: "\",\" or \")\"")
            }
        }
    }

    mutating func parseAggregate() throws(ParseError) -> Expr {
        let opTok = next()
        let op = AggregateOperator(rawValue: opTok.text.lowercased())!
        var grouping: [String] = []
        var without = false
        var grouped = false
        if isKeyword(peek, "by") || isKeyword(peek, "without") {
            without = isKeyword(next(), "without")
            grouping = try parseLabelList(context: "grouping opts")
            grouped = true
        }
        guard peek.kind == .leftParen else { throw unexpected(peek, in: "aggregation", expected: "\"(\"") }
        let args = try parseArguments(context: "aggregation")
        if !grouped, isKeyword(peek, "by") || isKeyword(peek, "without") {
            without = isKeyword(next(), "without")
            grouping = try parseLabelList(context: "grouping opts")
        }
        let range = PositionRange(opTok.position.start, lastEnd)
        if args.isEmpty { throw error("no arguments for aggregate expression provided", range) }
        let want = op.takesParameter ? 2 : 1
        if args.count != want {
            throw error("wrong number of arguments for aggregate expression provided, expected \(want), got \(args.count)", range)
        }
        return .aggregate(AggregateExpr(op: op, expr: args[want - 1], param: want == 2 ? args[0] : nil,
                                        grouping: grouping, without: without, position: range))
    }

    mutating func parseCall() throws(ParseError) -> Expr {
        let nameTok = next()
        guard FunctionCatalog.signature(nameTok.text) != nil else {
            throw error("unknown function with name \(quoteForMessage(nameTok.text))", nameTok.position)
        }
        let args = try parseArguments(context: "function call")
        return .call(Call(function: nameTok.text, args: args, position: PositionRange(nameTok.position.start, lastEnd)))
    }

    // MARK: postfix: ranges, subqueries, offset, @

    mutating func parsePostfix(_ base: Expr) throws(ParseError) -> Expr {
        var e = base
        var offsetSet = false
        var atSet = false
        while true {
            let t = peek
            if t.kind == .leftBracket {
                next()
                let range = try parseDurationExpr(context: "range")
                if peek.kind == .colon {
                    next()
                    var step: Duration? = nil
                    if peek.kind != .rightBracket {
                        step = try parseDurationExpr(context: "subquery step")
                    }
                    _ = try expect(.rightBracket, in: "subquery selector", expected: "\"]\"")
                    if range.isConstant, range.ms <= 0 { throw error("duration must be greater than 0", range.position) }
                    if let s = step, s.isConstant, s.ms <= 0 { throw error("duration must be greater than 0", s.position) }
                    e = .subquery(SubqueryExpr(expr: e, range: range.isConstant ? range.ms : 0,
                                               step: step.flatMap { $0.isConstant ? $0.ms : nil },
                                               rangeExpr: range.storedExpr, stepExpr: step?.storedExpr,
                                               position: PositionRange(e.position.start, lastEnd)))
                } else {
                    _ = try expect(.rightBracket, in: "matrix selector", expected: "\"]\" or \":\"")
                    guard case .vectorSelector(let vs) = e else {
                        throw error("ranges only allowed for vector selectors", PositionRange(e.position.start, lastEnd))
                    }
                    if offsetSet || atSet || vs.modifier != nil {
                        throw error("no offset modifiers allowed before range", PositionRange(e.position.start, lastEnd))
                    }
                    if range.isConstant, range.ms <= 0 { throw error("duration must be greater than 0", range.position) }
                    e = .matrixSelector(MatrixSelector(selector: vs, range: range.isConstant ? range.ms : 0, rangeExpr: range.storedExpr,
                                                       position: PositionRange(e.position.start, lastEnd)))
                }
                offsetSet = false
                atSet = false
            } else if isKeyword(t, "offset") {
                next()
                let d = try parseDurationPrimary(context: "offset")
                if offsetSet { throw error("offset may not be set multiple times", PositionRange(e.position.start, t.position.start)) }
                let off = d.isConstant ? d.ms : 0
                switch e {
                case .vectorSelector(var v): v.offset = off; v.offsetExpr = d.storedExpr; v.position.end = lastEnd; e = .vectorSelector(v)
                case .matrixSelector(var m):
                    m.selector.offset = off; m.selector.offsetExpr = d.storedExpr; m.position.end = lastEnd; e = .matrixSelector(m)
                case .subquery(var s): s.offset = off; s.offsetExpr = d.storedExpr; s.position.end = lastEnd; e = .subquery(s)
                default:
                    throw error("offset modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                                e.position)
                }
                offsetSet = true
            } else if t.kind == .at {
                next()
                let at: AtModifier
                if (isKeyword(peek, "start") || isKeyword(peek, "end")), peek2.kind == .leftParen {
                    let which = next()
                    next()
                    _ = try expect(.rightParen, in: "@ modifier", expected: "\")\"")
                    at = isKeyword(which, "start") ? .start : .end
                } else {
                    let d = try parseDurationPrimary(context: "@ modifier", allowNonPositive: true)
                    guard d.isConstant else { throw error("@ modifier must be a constant", d.position) }
                    guard d.seconds.isFinite, abs(d.seconds) < 9.2e15 else {
                        throw error("timestamp out of bounds for @ modifier: \(formatGoFloat(d.seconds))", e.position)
                    }
                    at = .timestamp(d.ms)
                }
                if atSet { throw error("@ <timestamp> may not be set multiple times", PositionRange(e.position.start, t.position.start)) }
                switch e {
                case .vectorSelector(var v): v.at = at; v.position.end = lastEnd; e = .vectorSelector(v)
                case .matrixSelector(var m): m.selector.at = at; m.position.end = lastEnd; e = .matrixSelector(m)
                case .subquery(var s): s.at = at; s.position.end = lastEnd; e = .subquery(s)
                default:
                    throw error("@ modifier must be preceded by an instant vector selector or range vector selector or a subquery",
                                e.position)
                }
                atSet = true
            } else if isKeyword(t, "anchored") || isKeyword(t, "smoothed") {
                let mod: SelectorModifier = isKeyword(t, "anchored") ? .anchored : .smoothed
                switch e {
                case .vectorSelector(var v):
                    if v.modifier != nil { throw error("anchored or smoothed may only be set once", t.position) }
                    next()
                    v.modifier = mod; v.position.end = lastEnd; e = .vectorSelector(v)
                case .matrixSelector(var m):
                    if m.selector.modifier != nil { throw error("anchored or smoothed may only be set once", t.position) }
                    next()
                    m.selector.modifier = mod; m.position.end = lastEnd; e = .matrixSelector(m)
                default:
                    throw error("\(mod.rawValue) modifier must be preceded by an instant vector selector or range vector selector", t.position)
                }
            } else {
                break
            }
        }
        return e
    }

    // MARK: duration expressions

    struct Duration {
        var expr: DurationExpr
        var position: PositionRange

        /// The folded value, if the expression does not depend on the query.
        var constantSeconds: Double? {
            if case .number(let v) = expr { return v }
            return nil
        }
        var seconds: Double { constantSeconds ?? .nan }
        var ms: Int64 { DurationExpr.number(seconds).milliseconds(step: 0, range: 0) }
        var isConstant: Bool { constantSeconds != nil }
        /// The expression to store in the AST: nil when constant; top-level parentheses dropped.
        var storedExpr: DurationExpr? {
            if isConstant { return nil }
            var e = expr
            while case .paren(let inner) = e { e = inner }
            return e
        }
    }

    static func fold(_ e: DurationExpr) -> DurationExpr {
        switch e {
        case .negate(.number(let v)): return .number(-v)
        case .paren(.number(let v)): return .number(v)
        case .binary(let op, .number(let a), .number(let b)): return .number(DurationExpr.apply(op, a, b))
        case .minOf(.number(let a), .number(let b)): return .number(Swift.min(a, b))
        case .maxOf(.number(let a), .number(let b)): return .number(Swift.max(a, b))
        default: return e
        }
    }

    /// A duration in `[...]`: a duration or number literal, or (Prometheus 3 duration
    /// expressions) arithmetic on them; constant parts are folded.
    mutating func parseDurationExpr(context: String, minPrecedence: Int = 0) throws(ParseError) -> Duration {
        var lhs = try parseDurationUnary(context: context)
        while let op = binaryOperator(peek), [.add, .sub, .mul, .div, .mod, .pow].contains(op), op.precedence >= minPrecedence {
            let opTok = next()
            let rhs = try parseDurationExpr(context: context, minPrecedence: op.isRightAssociative ? op.precedence : op.precedence + 1)
            if let b = rhs.constantSeconds, b == 0, op == .div || op == .mod {
                throw error(op == .div ? "division by zero" : "modulo by zero", opTok.position)
            }
            lhs = Duration(expr: Parser.fold(.binary(op, lhs.expr, rhs.expr)),
                           position: PositionRange(lhs.position.start, rhs.position.end))
        }
        return lhs
    }

    mutating func parseDurationUnary(context: String) throws(ParseError) -> Duration {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", peek.position)
        }
        if peek.kind == .add || peek.kind == .sub {
            let t = next()
            let d = try parseDurationExpr(context: context, minPrecedence: BinaryOperator.pow.precedence)
            return Duration(expr: t.kind == .sub ? Parser.fold(.negate(d.expr)) : d.expr,
                            position: PositionRange(t.position.start, d.position.end))
        }
        return try parseDurationAtom(context: context)
    }

    /// What follows `offset` or `@`: a signed literal, a parenthesised duration
    /// expression or a duration function; binary operators after it belong to the
    /// enclosing expression (`x offset 1m + 2` is `(x offset 1m) + 2`).
    mutating func parseDurationPrimary(context: String, allowNonPositive: Bool = true) throws(ParseError) -> Duration {
        depth += 1
        defer { depth -= 1 }
        if depth > Parser.maxDepth {
            throw error("expression nested too deeply (more than \(Parser.maxDepth) levels)", peek.position)
        }
        if peek.kind == .add || peek.kind == .sub {
            let t = next()
            let d = try parseDurationPrimary(context: context)
            return Duration(expr: t.kind == .sub ? Parser.fold(.negate(d.expr)) : d.expr,
                            position: PositionRange(t.position.start, d.position.end))
        }
        return try parseDurationAtom(context: context)
    }

    mutating func parseDurationAtom(context: String) throws(ParseError) -> Duration {
        let t = peek
        switch t.kind {
        case .number:
            next()
            return Duration(expr: .number(t.numberValue), position: t.position)
        case .duration:
            next()
            return Duration(expr: .number(t.numberValue / 1000), position: t.position)
        case .leftParen:
            next()
            let d = try parseDurationExpr(context: context)
            _ = try expect(.rightParen, in: context, expected: "\")\"")
            return Duration(expr: Parser.fold(.paren(d.expr)), position: PositionRange(t.position.start, lastEnd))
        case .identifier where peek2.kind == .leftParen:
            let name = t.text.lowercased()
            next()
            next()
            if name == "min_of" || name == "max_of" {
                let a = try parseDurationExpr(context: context)
                _ = try expect(.comma, in: context, expected: "\",\"")
                let b = try parseDurationExpr(context: context)
                _ = try expect(.rightParen, in: context, expected: "\")\"")
                return Duration(expr: Parser.fold(name == "min_of" ? .minOf(a.expr, b.expr) : .maxOf(a.expr, b.expr)),
                                position: PositionRange(t.position.start, lastEnd))
            }
            if name == "step" || name == "range" {
                _ = try expect(.rightParen, in: context, expected: "\")\"")
                return Duration(expr: name == "step" ? .step : .range, position: PositionRange(t.position.start, lastEnd))
            }
            throw error("function \(quoteForMessage(t.text)) not allowed in duration expression", PositionRange(t.position.start, lastEnd))
        default:
            throw unexpected(t, in: context, expected: "number or duration")
        }
    }
}

/// Formats a float like Go's `strconv.FormatFloat(f, 'f', -1, 64)` for messages.
func formatGoFloat(_ v: Double) -> String {
    if v.isNaN { return "NaN" }
    if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
    return PromQLPrinter.formatNumber(v)
}
