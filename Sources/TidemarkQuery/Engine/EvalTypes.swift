import Foundation
import TidemarkStorage

/// A float point of an evaluated series.
struct FPoint: Sendable {
    var t: Int64
    var v: Double
}

/// A series produced during evaluation: labels and points in time order.
struct EvalSeries: Sendable {
    var labels: Labels
    var points: [FPoint]
    /// With delayed name removal: `__name__` is to be removed from the result.
    var dropName: Bool = false
}

typealias EvalMatrix = [EvalSeries]

/// A series as read from storage, decoded. `rts`/`rvs` are the samples without
/// staleness markers (what range selectors see); they share storage with `ts`/`vs`
/// when the series has no markers. `rsts` are the start timestamps of `rts` (0 where a
/// sample has none, as in Prometheus), nil when no sample of the series has one.
struct StoredSeries: Sendable {
    let labels: Labels
    let ts: [Int64]
    let vs: [Double]
    let rts: [Int64]
    let rvs: [Double]
    var rsts: [Int64]? = nil
    /// The points of the fetch's `FusedRangeFunction`, computed while decoding (then the
    /// sample arrays are empty); nil for a series left raw.
    var windows: [FPoint]? = nil
    /// Samples in those windows, summed over the steps (for the query's sample limit).
    var windowSamples = 0
}

let staleNaNBits: UInt64 = 0x7ff0_0000_0000_0002

@inline(__always)
func isStaleNaN(_ v: Double) -> Bool { v.bitPattern == staleNaNBits }

/// The series of one storage select and the range it covers.
struct FetchedRange: Sendable {
    let mint: Int64
    let maxt: Int64
    let series: [StoredSeries]
    /// Set when the series hold the windows of this range function rather than samples.
    var fused: FusedRangeFunction? = nil
}

/// The value of an evaluated node over all steps.
enum EvalValue {
    /// An instant vector at every step (points carry step timestamps).
    case vector(EvalMatrix)
    /// A scalar, one value per step.
    case scalar([Double])
    case string(String)
    /// A range vector (only as an instant query's result: a matrix selector or subquery).
    case range(EvalMatrix)

    var typeName: String {
        switch self {
        case .vector: return "instant vector"
        case .scalar: return "scalar"
        case .string: return "string"
        case .range: return "range vector"
        }
    }
}

/// State shared by the evaluators of one query (subqueries get their own evaluator).
final class QueryContext {
    let data: [String: [FetchedRange]]
    let options: EngineOptions
    let queryStart: Int64
    let queryEnd: Int64
    /// The range query's step (0 for an instant query).
    var queryStep: Int64 = 0
    let deadline: Date
    var warnings: [String] = []
    var infos: [String] = []
    var stats = QueryStats()
    var checkCounter = 0
    /// The rollups the query may use, and the windows fetched for it by rollup key.
    var rollups = RollupCatalog()
    var rollupData: [String: [RollupSeries]] = [:]

    init(data: [String: [FetchedRange]], options: EngineOptions, queryStart: Int64, queryEnd: Int64, began: Date) {
        self.data = data
        self.options = options
        self.queryStart = queryStart
        self.queryEnd = queryEnd
        self.deadline = began.addingTimeInterval(options.timeoutSeconds)
    }

    func warn(_ s: String) { if !warnings.contains(s) { warnings.append(s) } }
    func info(_ s: String) { if !infos.contains(s) { infos.append(s) } }

    /// Throws when the query ran out of time or was canceled (checked cheaply, every
    /// 64th call).
    @inline(__always)
    func check() throws {
        checkCounter &+= 1
        if checkCounter & 63 == 0 {
            if Date() > deadline { throw QueryError(.timeout, "query timed out in query execution") }
            if options.cancellation?.isCancelled == true { throw QueryError(.canceled, "query was canceled in query execution") }
        }
    }

    /// Accounts for `n` samples held by one node; throws past `maxSamples`.
    func hold(_ n: Int) throws {
        if n > stats.peakSamples { stats.peakSamples = n }
        if n > options.maxSamples {
            throw QueryError(.tooManySamples, "query processing would load too many samples into memory in query execution")
        }
    }
}

/// Collects per-step outputs into series keyed by labels, rejecting a label set that
/// appears twice at one step.
struct MatrixBuilder {
    var index: [Labels: Int] = [:]
    var series: [EvalSeries] = []

    @inline(__always)
    mutating func add(_ labels: Labels, _ t: Int64, _ v: Double, dropName: Bool = false) throws {
        if let i = index[labels] {
            if let last = series[i].points.last, last.t == t {
                throw QueryError.exec("vector cannot contain metrics with the same labelset")
            }
            series[i].points.append(FPoint(t: t, v: v))
            if dropName { series[i].dropName = true }
        } else {
            index[labels] = series.count
            series.append(EvalSeries(labels: labels, points: [FPoint(t: t, v: v)], dropName: dropName))
        }
    }

    /// Adds a whole series (points in time order); merges with an existing one of the
    /// same labels, failing where both have a point at the same time.
    mutating func addSeries(_ s: EvalSeries) throws {
        guard !s.points.isEmpty else { return }
        if let i = index[s.labels] {
            var merged: [FPoint] = []
            merged.reserveCapacity(series[i].points.count + s.points.count)
            var a = 0, b = 0
            let x = series[i].points, y = s.points
            while a < x.count || b < y.count {
                if b == y.count || (a < x.count && x[a].t < y[b].t) { merged.append(x[a]); a += 1 }
                else if a == x.count || y[b].t < x[a].t { merged.append(y[b]); b += 1 }
                else { throw QueryError.exec("vector cannot contain metrics with the same labelset") }
            }
            series[i].points = merged
            if s.dropName { series[i].dropName = true }
        } else {
            index[s.labels] = series.count
            series.append(s)
        }
    }
}

extension Labels {
    /// The label set without `__name__` (and the `__type__`/`__unit__` labels that
    /// describe the metric, as Prometheus drops them with the name).
    var droppingName: Labels {
        removing { $0.hasName(metricNameLabel) || $0.hasName("__type__") || $0.hasName("__unit__") }
    }
}

extension Evaluator {
    /// Labels and drop flag of a series whose operation drops `__name__`: removed now, or
    /// only marked with delayed name removal.
    @inline(__always)
    func dropped(_ l: Labels, _ flag: Bool) -> (Labels, Bool) {
        ctx.options.delayedNameRemoval ? (l, true) : (l.droppingName, flag)
    }

    /// A series after an operation that drops `__name__`.
    @inline(__always)
    func droppingName(_ s: EvalSeries, points: [FPoint]) -> EvalSeries {
        let (l, f) = dropped(s.labels, s.dropName)
        return EvalSeries(labels: l, points: points, dropName: f)
    }
}

/// Removes `__name__` from marked series (end of a query with delayed name removal);
/// series that then share a label set are merged, failing where both have a point at
/// the same time.
func cleanupNames(_ m: EvalMatrix) throws -> EvalMatrix {
    guard m.contains(where: \.dropName) else { return m }
    var b = MatrixBuilder()
    for s in m { try b.addSeries(s.dropName ? EvalSeries(labels: s.labels.droppingName, points: s.points) : s) }
    return b.series.map { EvalSeries(labels: $0.labels, points: $0.points) }
}

/// True if two series of the matrix share a label set.
func containsSameLabelset(_ m: EvalMatrix) -> Bool {
    if m.count < 2 { return false }
    var seen = Set<Labels>()
    seen.reserveCapacity(m.count)
    for s in m where !seen.insert(s.labels).inserted { return true }
    return false
}
