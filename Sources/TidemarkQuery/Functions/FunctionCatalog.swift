/// The type signature of a PromQL function, as the parser checks it.
///
/// Argument-count rules follow Prometheus (`promql/parser/functions.go`):
/// - `variadic == 0`: exactly `argumentTypes.count` arguments.
/// - `variadic > 0`: the last entry of `argumentTypes` is optional and may be given up to
///   `variadic` times, so between `argumentTypes.count - 1` and
///   `argumentTypes.count - 1 + variadic` arguments (e.g. `round(v)` / `round(v, to)`,
///   `hour()` / `hour(v)`).
/// - `variadic == -1`: at least `argumentTypes.count - 1` arguments, any number more of
///   the last type (e.g. `label_join(v, dst, sep, src...)`).
/// Arguments beyond `argumentTypes.count` take the type of the last entry.
public struct FunctionSignature: Sendable, Equatable {
    public var name: String
    public var argumentTypes: [ValueType]
    public var variadic: Int
    public var returnType: ValueType
    /// Marked experimental in Prometheus 3 (enabled behind a feature flag there; Tidemark
    /// accepts them always).
    public var experimental: Bool
    /// Only meaningful for native histograms (still parsed; the evaluator may reject them).
    public var nativeHistogramOnly: Bool

    public init(name: String, argumentTypes: [ValueType], variadic: Int = 0, returnType: ValueType,
                experimental: Bool = false, nativeHistogramOnly: Bool = false) {
        self.name = name
        self.argumentTypes = argumentTypes
        self.variadic = variadic
        self.returnType = returnType
        self.experimental = experimental
        self.nativeHistogramOnly = nativeHistogramOnly
    }

    /// Fewest arguments accepted.
    public var minArguments: Int { variadic == 0 ? argumentTypes.count : argumentTypes.count - 1 }
    /// Most arguments accepted (nil: unbounded).
    public var maxArguments: Int? {
        switch variadic {
        case 0: return argumentTypes.count
        case ..<0: return nil
        default: return argumentTypes.count - 1 + variadic
        }
    }

    /// The expected type of argument `i` (nil if `i` is past the last accepted argument).
    public func argumentType(at i: Int) -> ValueType? {
        if i < argumentTypes.count { return argumentTypes[i] }
        if let max = maxArguments, i >= max { return nil }
        return argumentTypes.last
    }
}

/// Every PromQL function Tidemark's parser knows, with Prometheus 3's signatures.
public enum FunctionCatalog {
    public static func signature(_ name: String) -> FunctionSignature? { byName[name] }

    /// All signatures, sorted by name.
    public static var all: [FunctionSignature] { byName.values.sorted { $0.name < $1.name } }

    private static let byName: [String: FunctionSignature] = {
        var m: [String: FunctionSignature] = [:]
        func add(_ name: String, _ args: [ValueType], variadic: Int = 0, returns: ValueType = .vector,
                 experimental: Bool = false, nativeOnly: Bool = false) {
            m[name] = FunctionSignature(name: name, argumentTypes: args, variadic: variadic, returnType: returns,
                                        experimental: experimental, nativeHistogramOnly: nativeOnly)
        }
        // Element-wise maths on instant vectors.
        for f in ["abs", "ceil", "floor", "exp", "ln", "log2", "log10", "sqrt", "sgn",
                  "acos", "acosh", "asin", "asinh", "atan", "atanh", "cos", "cosh", "sin", "sinh", "tan", "tanh",
                  "deg", "rad", "timestamp", "sort", "sort_desc", "absent"] {
            add(f, [.vector])
        }
        add("round", [.vector, .scalar], variadic: 1)
        add("clamp", [.vector, .scalar, .scalar])
        add("clamp_max", [.vector, .scalar])
        add("clamp_min", [.vector, .scalar])
        add("scalar", [.vector], returns: .scalar)
        add("vector", [.scalar])
        add("pi", [], returns: .scalar)
        add("time", [], returns: .scalar)
        // Calendar functions: the argument defaults to vector(time()).
        for f in ["day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year"] {
            add(f, [.vector], variadic: 1)
        }
        // Range-vector functions.
        for f in ["rate", "irate", "increase", "delta", "idelta", "deriv", "changes", "resets",
                  "avg_over_time", "count_over_time", "last_over_time", "max_over_time", "min_over_time",
                  "present_over_time", "stddev_over_time", "stdvar_over_time", "sum_over_time", "absent_over_time"] {
            add(f, [.matrix])
        }
        for f in ["mad_over_time", "first_over_time", "ts_of_first_over_time", "ts_of_last_over_time",
                  "ts_of_max_over_time", "ts_of_min_over_time"] {
            add(f, [.matrix], experimental: true)
        }
        add("quantile_over_time", [.scalar, .matrix])
        add("predict_linear", [.matrix, .scalar])
        add("double_exponential_smoothing", [.matrix, .scalar, .scalar], experimental: true)
        add("integral", [.matrix, .scalar], variadic: 1, experimental: true)
        // Labels and sorting.
        add("label_replace", [.vector, .string, .string, .string, .string])
        add("label_join", [.vector, .string, .string, .string], variadic: -1)
        add("sort_by_label", [.vector, .string], variadic: -1, experimental: true)
        add("sort_by_label_desc", [.vector, .string], variadic: -1, experimental: true)
        // Histograms: classic `le` buckets or native histograms.
        add("histogram_quantile", [.scalar, .vector])
        add("histogram_fraction", [.scalar, .scalar, .vector])
        add("histogram_quantiles", [.vector, .string, .scalar, .scalar], variadic: 9, experimental: true)
        for f in ["histogram_avg", "histogram_count", "histogram_sum", "histogram_stddev", "histogram_stdvar"] {
            add(f, [.vector], nativeOnly: true)
        }
        // info() joins info-metric labels; the second argument must be a vector selector.
        add("info", [.vector, .vector], variadic: 1, experimental: true)
        add("min_of", [.scalar, .scalar], returns: .scalar, experimental: true)
        add("max_of", [.scalar, .scalar], returns: .scalar, experimental: true)
        add("start_timestamp", [.vector], experimental: true)
        // Query-parameter functions, used in duration expressions (`foo[step()]`) and as scalars.
        for f in ["step", "range", "start", "end"] {
            add(f, [], returns: .scalar, experimental: true)
        }
        return m
    }()
}
