import TidemarkStorage

/// Appends batches of series from remote write and import the way Prometheus's
/// remote-write receiver does: a series whose sample is out of order, a duplicate or
/// out of bounds keeps its earlier samples, loses the rest, and is reported; every
/// other series of the batch is still committed.
struct Ingest {
    private let app: any Appender
    private(set) var accepted = 0
    private(set) var rejected = 0
    /// Prometheus-worded messages for the client (`out of order sample for series {…}`).
    private(set) var badRequest: [String] = []

    init(_ db: DB) {
        app = db.appender()
    }

    /// Appends one series' samples (in time order). Returns the series' reference when
    /// the labels are valid and a sample got as far as the series (nil otherwise).
    @discardableResult
    mutating func append(_ labels: Labels, _ samples: some Collection<(Int64, Double)>) -> SeriesRef? {
        guard let problem = Self.invalid(labels) else {
            return appendValid(nil, labels, samples)
        }
        rejected += samples.count
        badRequest.append("invalid metric name or labels (\(problem)), got \(Self.promString(labels))")
        return nil
    }

    /// Appends samples (in time order) to a series known by reference, one whose labels
    /// passed `invalid` when it was looked up by them.
    mutating func append(_ ref: SeriesRef, _ samples: some Collection<(Int64, Double)>) {
        appendValid(ref, nil, samples)
    }

    /// Appends by `known`, else by `labels` (one of them is given).
    @discardableResult
    private mutating func appendValid(_ known: SeriesRef?, _ labels: Labels?, _ samples: some Collection<(Int64, Double)>) -> SeriesRef? {
        var ref = known
        var n = 0
        for (t, v) in samples {
            do {
                if let r = ref { try app.append(r, t, v) } else { ref = try app.append(labels!, t, v) }
                n += 1
            } catch {
                accepted += n
                rejected += samples.count - n
                badRequest.append("\(Self.reason(error)) for series \(Self.promString(labels ?? ref?.labels ?? .empty))")
                return ref
            }
        }
        accepted += n
        return ref
    }

    /// Commits what was accepted and reports the counts.
    func commit() throws(StorageError) -> IngestSummary {
        try app.commit()
        return IngestSummary(accepted: accepted, rejected: rejected, badRequest: badRequest)
    }

    /// Why a label set cannot name a series, or nil.
    static func invalid(_ labels: Labels) -> String? {
        guard let name = labels.metricName, !name.isEmpty else { return "no metric name" }
        if labels.contains(where: { $0.name.isEmpty }) { return "empty label name" }
        return nil
    }

    /// Prometheus's sentinel error text for a rejected sample.
    static func reason(_ e: StorageError) -> String {
        switch e {
        case .outOfOrderSample: return "out of order sample"
        case .duplicateSampleForTimestamp: return "duplicate sample for timestamp"
        case .outOfBounds: return "out of bounds"
        default: return e.description
        }
    }

    /// A label set as Prometheus's `labels.String()` writes it: `{__name__="up", job="a"}`.
    static func promString(_ labels: Labels) -> String {
        "{" + labels.map { "\($0.name)=\(goQuote($0.value))" }.joined(separator: ", ") + "}"
    }
}

/// What an ingest batch did.
struct IngestSummary: Sendable {
    var accepted: Int
    var rejected: Int
    var badRequest: [String]
}
