import Foundation

/// Evaluation of query-dependent durations (see `DurationExpr`); the parser folds
/// constant ones itself.
extension DurationExpr {
    /// The value in seconds for a query with this step and range (both in seconds).
    public func seconds(step: Double, range: Double) -> Double {
        switch self {
        case .number(let v): return v
        case .step: return step
        case .range: return range
        case .negate(let e): return -e.seconds(step: step, range: range)
        case .paren(let e): return e.seconds(step: step, range: range)
        case .minOf(let a, let b): return Swift.min(a.seconds(step: step, range: range), b.seconds(step: step, range: range))
        case .maxOf(let a, let b): return Swift.max(a.seconds(step: step, range: range), b.seconds(step: step, range: range))
        case .binary(let op, let a, let b):
            return DurationExpr.apply(op, a.seconds(step: step, range: range), b.seconds(step: step, range: range))
        }
    }

    /// The value in milliseconds (rounded) for a query with this step and range (in ms).
    public func milliseconds(step: Int64, range: Int64) -> Int64 {
        let v = (seconds(step: Double(step) / 1000, range: Double(range) / 1000) * 1000).rounded()
        if !v.isFinite || Swift.abs(v) >= 9.2e18 { return v < 0 ? Int64.min : Int64.max }
        return Int64(v)
    }

    static func apply(_ op: BinaryOperator, _ a: Double, _ b: Double) -> Double {
        switch op {
        case .add: return a + b
        case .sub: return a - b
        case .mul: return a * b
        case .div: return a / b
        case .mod: return a.truncatingRemainder(dividingBy: b)
        case .pow: return pow(a, b)
        default: return .nan
        }
    }
}
