import TidemarkStorage

/// A PromQL expression: the parser's output, the printer's and planner's input.
///
/// Node structs carry a `PositionRange` (byte offsets into the query text) for error
/// messages; positions take no part in equality, so `parse(print(e)) == e`.
public indirect enum Expr: Sendable, Equatable {
    case number(NumberLiteral)
    case string(StringLiteral)
    case vectorSelector(VectorSelector)
    case matrixSelector(MatrixSelector)
    case subquery(SubqueryExpr)
    case paren(ParenExpr)
    case unary(UnaryExpr)
    case binary(BinaryExpr)
    case aggregate(AggregateExpr)
    case call(Call)

    /// Where the expression is in the query text.
    public var position: PositionRange {
        switch self {
        case .number(let n): return n.position
        case .string(let s): return s.position
        case .vectorSelector(let v): return v.position
        case .matrixSelector(let m): return m.position
        case .subquery(let s): return s.position
        case .paren(let p): return p.position
        case .unary(let u): return u.position
        case .binary(let b): return b.position
        case .aggregate(let a): return a.position
        case .call(let c): return c.position
        }
    }
}

/// The four value types of PromQL.
public enum ValueType: String, Sendable, Equatable, CustomStringConvertible {
    case scalar
    case vector = "instant vector"
    case matrix = "range vector"
    case string

    public var description: String { rawValue }
}

/// Byte offsets `[start, end)` into the query text. Always equal to any other range, so
/// ASTs compare by structure alone.
public struct PositionRange: Sendable, Equatable, CustomStringConvertible {
    public var start: Int
    public var end: Int

    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = end
    }

    public static let none = PositionRange(0, 0)

    public static func == (_: PositionRange, _: PositionRange) -> Bool { true }

    public var description: String { "\(start)..<\(end)" }
}

/// A number literal: `1`, `1.5e3`, `0x1F`, `Inf`, `NaN`, or a duration used as a number.
public struct NumberLiteral: Sendable, Equatable {
    public var value: Double
    public var position: PositionRange
    public init(_ value: Double, position: PositionRange = .none) {
        self.value = value
        self.position = position
    }
    public static func == (a: NumberLiteral, b: NumberLiteral) -> Bool {
        a.value.bitPattern == b.value.bitPattern || (a.value.isNaN && b.value.isNaN)
    }
}

/// A string literal (quotes and escapes removed).
public struct StringLiteral: Sendable, Equatable {
    public var value: String
    public var position: PositionRange
    public init(_ value: String, position: PositionRange = .none) {
        self.value = value
        self.position = position
    }
}

/// `@` modifier: a fixed time, or the query's start or end.
public enum AtModifier: Sendable, Equatable {
    /// Milliseconds since the epoch.
    case timestamp(Int64)
    case start
    case end
}

/// `name{matchers} offset d @ t`. The metric name, when given, is also among `matchers`
/// as `__name__="name"`.
public struct VectorSelector: Sendable, Equatable {
    public var name: String?
    public var matchers: [LabelMatcher]
    /// Offset in milliseconds (negative for `offset -5m`).
    public var offset: Int64
    public var at: AtModifier?
    /// `anchored` / `smoothed`; nil for a plain selector.
    public var modifier: SelectorModifier?
    /// An offset that depends on the query (`offset step()`): when set, `offset` is 0 and
    /// the evaluator computes the offset from this. Constant expressions are folded into
    /// `offset` by the parser and leave this nil.
    public var offsetExpr: DurationExpr?
    public var position: PositionRange

    public init(name: String?, matchers: [LabelMatcher], offset: Int64 = 0, at: AtModifier? = nil,
                modifier: SelectorModifier? = nil, offsetExpr: DurationExpr? = nil, position: PositionRange = .none) {
        self.name = name
        self.matchers = matchers
        self.offset = offset
        self.at = at
        self.modifier = modifier
        self.offsetExpr = offsetExpr
        self.position = position
    }
}

/// `selector[range]`: the selector's samples in the left-open window `(t − range, t]`.
public struct MatrixSelector: Sendable, Equatable {
    public var selector: VectorSelector
    /// Range in milliseconds.
    public var range: Int64
    /// A range that depends on the query (`foo[step()]`): when set, `range` is 0.
    public var rangeExpr: DurationExpr?
    public var position: PositionRange

    public init(selector: VectorSelector, range: Int64, rangeExpr: DurationExpr? = nil, position: PositionRange = .none) {
        self.selector = selector
        self.range = range
        self.rangeExpr = rangeExpr
        self.position = position
    }
}

/// Extended selector modifiers (experimental in Prometheus 3): `foo[5m] anchored`,
/// `foo[5m] smoothed`, `foo smoothed`. Stored on the `VectorSelector` (for a range
/// selector, on its inner selector).
public enum SelectorModifier: String, Sendable, Equatable {
    case anchored, smoothed
}

/// `expr[range:step] offset d @ t`.
public struct SubqueryExpr: Sendable, Equatable {
    public var expr: Expr
    public var range: Int64
    /// Step in ms; nil means the engine's default resolution.
    public var step: Int64?
    public var offset: Int64
    public var at: AtModifier?
    /// Query-dependent range / step / offset (`[range():step()]`); when set, the plain field
    /// is 0 (`step` nil) and the evaluator computes the value from the expression.
    public var rangeExpr: DurationExpr?
    public var stepExpr: DurationExpr?
    public var offsetExpr: DurationExpr?
    public var position: PositionRange

    public init(expr: Expr, range: Int64, step: Int64?, offset: Int64 = 0, at: AtModifier? = nil,
                rangeExpr: DurationExpr? = nil, stepExpr: DurationExpr? = nil, offsetExpr: DurationExpr? = nil,
                position: PositionRange = .none) {
        self.expr = expr
        self.range = range
        self.step = step
        self.offset = offset
        self.at = at
        self.rangeExpr = rangeExpr
        self.stepExpr = stepExpr
        self.offsetExpr = offsetExpr
        self.position = position
    }
}

/// `( expr )`.
public struct ParenExpr: Sendable, Equatable {
    public var expr: Expr
    public var position: PositionRange
    public init(_ expr: Expr, position: PositionRange = .none) {
        self.expr = expr
        self.position = position
    }
}

/// `-expr` or `+expr`.
public struct UnaryExpr: Sendable, Equatable {
    public enum Operator: String, Sendable { case minus = "-", plus = "+" }
    public var op: Operator
    public var expr: Expr
    public var position: PositionRange
    public init(_ op: Operator, _ expr: Expr, position: PositionRange = .none) {
        self.op = op
        self.expr = expr
        self.position = position
    }
}

/// Binary operators, by Prometheus precedence (lowest first): `or`; `and`, `unless`;
/// comparisons; `+ -`; `* / % atan2`; `^` (right-associative).
public enum BinaryOperator: String, Sendable, Equatable, CaseIterable {
    case add = "+", sub = "-", mul = "*", div = "/", mod = "%", pow = "^", atan2
    case eql = "==", neq = "!=", gtr = ">", lss = "<", gte = ">=", lte = "<="
    case and, or, unless
    /// Native-histogram trim operators (experimental): `h </ x` keeps the observations
    /// below x, `h >/ x` those above; comparison precedence.
    case trimUpper = "</", trimLower = ">/"

    public var isComparison: Bool { [.eql, .neq, .gtr, .lss, .gte, .lte].contains(self) }
    public var isSetOperator: Bool { [.and, .or, .unless].contains(self) }

    /// Higher binds tighter.
    public var precedence: Int {
        switch self {
        case .or: return 1
        case .and, .unless: return 2
        case .eql, .neq, .gtr, .lss, .gte, .lte, .trimUpper, .trimLower: return 3
        case .add, .sub: return 4
        case .mul, .div, .mod, .atan2: return 5
        case .pow: return 6
        }
    }

    public var isRightAssociative: Bool { self == .pow }
}

/// How the two sides of a vector/vector operation are matched.
public struct VectorMatching: Sendable, Equatable {
    public enum Cardinality: Sendable, Equatable { case oneToOne, manyToOne, oneToMany, manyToMany }
    public var cardinality: Cardinality
    /// `on(...)` (when `on` is true) or `ignoring(...)` labels.
    public var labels: [String]
    public var on: Bool
    /// Extra labels of `group_left(...)` / `group_right(...)`.
    public var include: [String]

    /// `fill(v)` / `fill_left(v)` (experimental): value used for a missing left-hand sample.
    public var fillLeft: Double?
    /// `fill(v)` / `fill_right(v)` (experimental): value used for a missing right-hand sample.
    public var fillRight: Double?

    public init(cardinality: Cardinality = .oneToOne, labels: [String] = [], on: Bool = false, include: [String] = [],
                fillLeft: Double? = nil, fillRight: Double? = nil) {
        self.cardinality = cardinality
        self.labels = labels
        self.on = on
        self.include = include
        self.fillLeft = fillLeft
        self.fillRight = fillRight
    }

    public static func == (a: VectorMatching, b: VectorMatching) -> Bool {
        func same(_ x: Double?, _ y: Double?) -> Bool {
            switch (x, y) {
            case (nil, nil): return true
            case let (x?, y?): return x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)
            default: return false
            }
        }
        return a.cardinality == b.cardinality && a.labels == b.labels && a.on == b.on && a.include == b.include
            && same(a.fillLeft, b.fillLeft) && same(a.fillRight, b.fillRight)
    }
}

/// `lhs op [bool] [on|ignoring(...)] [group_left|group_right(...)] rhs`.
public struct BinaryExpr: Sendable, Equatable {
    public var op: BinaryOperator
    public var lhs: Expr
    public var rhs: Expr
    /// `bool` modifier of comparisons.
    public var returnBool: Bool
    /// Matching for vector/vector operations (nil when either side is a scalar).
    public var matching: VectorMatching?
    public var position: PositionRange

    public init(op: BinaryOperator, lhs: Expr, rhs: Expr, returnBool: Bool = false, matching: VectorMatching? = nil, position: PositionRange = .none) {
        self.op = op
        self.lhs = lhs
        self.rhs = rhs
        self.returnBool = returnBool
        self.matching = matching
        self.position = position
    }
}

/// Aggregation operators.
public enum AggregateOperator: String, Sendable, Equatable, CaseIterable {
    case sum, avg, min, max, count, group, stddev, stdvar
    case topk, bottomk, quantile, count_values, limitk, limit_ratio

    /// Operators that take a parameter before the expression.
    public var takesParameter: Bool { [.topk, .bottomk, .quantile, .count_values, .limitk, .limit_ratio].contains(self) }
}

/// `op [by|without (labels)] ([param,] expr)`.
public struct AggregateExpr: Sendable, Equatable {
    public var op: AggregateOperator
    public var expr: Expr
    public var param: Expr?
    public var grouping: [String]
    public var without: Bool
    public var position: PositionRange

    public init(op: AggregateOperator, expr: Expr, param: Expr? = nil, grouping: [String] = [], without: Bool = false, position: PositionRange = .none) {
        self.op = op
        self.expr = expr
        self.param = param
        self.grouping = grouping
        self.without = without
        self.position = position
    }
}

/// A function call: `rate(x[5m])`.
public struct Call: Sendable, Equatable {
    public var function: String
    public var args: [Expr]
    public var position: PositionRange

    public init(function: String, args: [Expr], position: PositionRange = .none) {
        self.function = function
        self.args = args
        self.position = position
    }
}

/// A Prometheus 3 duration expression that depends on the query: `step()` (the range
/// query's step; 0 for instant queries), `range()` (end − start; 0 for instant queries),
/// arithmetic, `min_of`, `max_of`. Values are in seconds. Constant sub-expressions are
/// folded by the parser into `.number`.
public indirect enum DurationExpr: Sendable, Equatable {
    case number(Double)
    case step
    case range
    case negate(DurationExpr)
    case paren(DurationExpr)
    /// `+ - * / % ^` only.
    case binary(BinaryOperator, DurationExpr, DurationExpr)
    case minOf(DurationExpr, DurationExpr)
    case maxOf(DurationExpr, DurationExpr)
}
