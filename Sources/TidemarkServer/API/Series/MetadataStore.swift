import Synchronization

/// Metric metadata (type, help, unit) learned from remote-write requests and imported
/// exposition text, served by `/api/v1/metadata`. In memory only.
final class MetadataStore: Sendable {
    struct Entry: Sendable, Equatable, Hashable {
        var type: String
        var help: String
        var unit: String
    }

    private let entries = Mutex<[String: [Entry]]>([:])

    /// Records metadata for a metric family (each distinct entry once).
    func record(_ metric: String, _ entry: Entry) {
        entries.withLock { e in
            if !(e[metric]?.contains(entry) ?? false) { e[metric, default: []].append(entry) }
        }
    }

    /// Every metric's entries, or one metric's.
    func snapshot(metric: String? = nil) -> [String: [Entry]] {
        entries.withLock { e in
            if let m = metric { return e[m].map { [m: $0] } ?? [:] }
            return e
        }
    }
}
