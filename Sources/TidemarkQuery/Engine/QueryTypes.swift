import Foundation
import TidemarkStorage

/// Limits and defaults of the query engine.
public struct EngineOptions: Sendable {
    /// How far back an instant selector looks for a sample (ms). Prometheus 3: left-open 5m.
    public var lookbackDelta: Int64 = 300_000
    /// Most samples a query may hold in memory at once.
    public var maxSamples: Int = 50_000_000
    /// Wall-clock limit of one query.
    public var timeoutSeconds: Double = 120
    /// Step of subqueries written without one (`x[5m:]`), in ms.
    public var noStepSubqueryInterval: Int64 = 60_000
    /// Prometheus's `promql-delayed-name-removal` feature (off by default, as in Prometheus 3;
    /// its upstream test scripts run with it on): operations that drop `__name__` only mark
    /// the series, and names are removed when the query's result is produced, so
    /// `label_replace` can still read them and `sum by (__name__)` sees them.
    public var delayedNameRemoval: Bool = false
    /// When set, flipping it stops a running query with `QueryError.Kind.canceled`.
    public var cancellation: QueryCancellation?
    /// Answer range functions from rollup blocks where that gives the raw answer
    /// (docs/rollups.md).
    public var useRollups: Bool = true
    /// Threads that decode a selector's series at once (1: the query's own thread only).
    /// Default: the machine's cores, as VictoriaMetrics does; Prometheus uses one.
    public var fetchParallelism: Int = EngineOptions.cores
    /// Let the decode threads evaluate a range function over its series' windows as they
    /// decode them, where the answer is the same (`FusedRangeFunction`); off, every range
    /// function runs after the decoding, over copies of the samples.
    public var fuseRangeFunctions: Bool = true

    /// Read once: Foundation reads the CPU count from files on every call.
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    public init() {}
}

/// One element of an instant vector.
public struct VectorSample: Sendable, Equatable, CustomStringConvertible {
    public var labels: Labels
    public var t: Int64
    public var v: Double

    public init(labels: Labels, t: Int64, v: Double) {
        self.labels = labels
        self.t = t
        self.v = v
    }

    public static func == (a: VectorSample, b: VectorSample) -> Bool {
        a.labels == b.labels && a.t == b.t && (a.v.bitPattern == b.v.bitPattern || (a.v.isNaN && b.v.isNaN))
    }

    public var description: String { "\(labels) => \(v) @\(t)" }
}

/// One series of a range vector (or of a range query's result).
public struct RangeSeries: Sendable, Equatable, CustomStringConvertible {
    public var labels: Labels
    public var samples: [Sample]

    public init(labels: Labels, samples: [Sample]) {
        self.labels = labels
        self.samples = samples
    }

    public var description: String { "\(labels) => \(samples)" }
}

/// A query's value, one of PromQL's four types.
public enum QueryValue: Sendable, Equatable {
    case scalar(t: Int64, v: Double)
    case string(t: Int64, v: String)
    case vector([VectorSample])
    case matrix([RangeSeries])

    public static func == (a: QueryValue, b: QueryValue) -> Bool {
        switch (a, b) {
        case let (.scalar(t1, v1), .scalar(t2, v2)): return t1 == t2 && (v1.bitPattern == v2.bitPattern || (v1.isNaN && v2.isNaN))
        case let (.string(t1, v1), .string(t2, v2)): return t1 == t2 && v1 == v2
        case let (.vector(x), .vector(y)): return x == y
        case let (.matrix(x), .matrix(y)): return x == y
        default: return false
        }
    }

    /// "scalar", "string", "vector" or "matrix", as the Prometheus API names result types.
    public var resultType: String {
        switch self {
        case .scalar: return "scalar"
        case .string: return "string"
        case .vector: return "vector"
        case .matrix: return "matrix"
        }
    }
}

/// Counters of one query's work.
public struct QueryStats: Sendable, Equatable {
    /// Samples read from storage (inside the selected time ranges).
    public var samplesRead: Int = 0
    /// Series returned by storage selects.
    public var seriesRead: Int = 0
    /// Largest number of samples held at once by any one evaluation node (approximate).
    public var peakSamples: Int = 0
    public init() {}
}

/// A query's answer: its value plus Prometheus-style annotations.
public struct QueryResult: Sendable {
    public var value: QueryValue
    /// "PromQL warning: …" annotations.
    public var warnings: [String]
    /// "PromQL info: …" annotations.
    public var infos: [String]
    public var stats: QueryStats
    /// Where the time went (wall clock).
    public var timings: QueryTimings

    public init(value: QueryValue, warnings: [String] = [], infos: [String] = [], stats: QueryStats = QueryStats(),
                timings: QueryTimings = QueryTimings()) {
        self.value = value
        self.warnings = warnings
        self.infos = infos
        self.stats = stats
        self.timings = timings
    }
}

/// Wall-clock seconds spent in each phase of one query (parsing happens before the
/// engine sees the expression, so the caller times it).
public struct QueryTimings: Sendable {
    /// Resolving durations and planning the storage reads.
    public var planSeconds: Double = 0
    /// Selecting and decoding samples from storage.
    public var fetchSeconds: Double = 0
    /// Evaluating the expression over the fetched samples.
    public var evalSeconds: Double = 0
    public init() {}
}

/// A failed query. `kind` follows Prometheus's error types.
public struct QueryError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Kind: String, Sendable, Equatable {
        /// Evaluation failed (many-to-many matching, duplicate label sets, …).
        case execution
        /// The query ran longer than `EngineOptions.timeoutSeconds`.
        case timeout
        /// The query would hold more than `EngineOptions.maxSamples` samples.
        case tooManySamples
        /// The request itself is invalid (bad step, bad expression type, …).
        case badData
        /// Storage failed underneath.
        case storage
        /// `EngineOptions.cancellation` was triggered while the query ran.
        case canceled
    }

    public var kind: Kind
    public var message: String
    /// Where in the query text the failing node is, when known.
    public var position: PositionRange?

    public init(_ kind: Kind, _ message: String, position: PositionRange? = nil) {
        self.kind = kind
        self.message = message
        self.position = position
    }

    public var description: String { message }

    /// The `errorType` the Prometheus HTTP API reports for this error.
    public var apiErrorType: String {
        switch kind {
        case .execution, .tooManySamples: return "execution"
        case .timeout: return "timeout"
        case .badData: return "bad_data"
        case .storage: return "internal"
        case .canceled: return "canceled"
        }
    }

    /// The query with a caret under the failing node (when the error names one), then
    /// `errorType: message`, like `ParseError.annotated`.
    public func annotated(_ input: String) -> String {
        let text = "\(apiErrorType): \(message)"
        guard let position, position.end > position.start || position.start > 0 else { return text }
        return position.caretLines(in: input) + "\n" + text
    }

    static func exec(_ message: String, _ pos: PositionRange? = nil) -> QueryError {
        QueryError(.execution, message, position: pos)
    }
}
