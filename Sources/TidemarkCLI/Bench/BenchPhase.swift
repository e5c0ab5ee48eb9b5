import Foundation
import ArgumentParser

/// The parts of a `tidemark bench` run, chosen with `--phases`; they run in this order.
enum BenchPhase: String, CaseIterable, Sendable {
    /// Ingest through the embedded API, then cut blocks (bytes per sample).
    case embedded
    /// The query set, on the embedded phase's data.
    case queries
    /// A `tidemark serve` child fed remote write 1.0 requests.
    case remoteWrite = "remote-write"
    /// A `tidemark serve` child fed `/api/v1/import/prometheus` text chunks.
    case textImport = "import"

    static let names = allCases.map(\.rawValue).joined(separator: ", ")

    /// A comma-separated list of phase names; unknown names, an empty list and queries
    /// without the embedded ingest are usage errors.
    static func parse(_ text: String) throws -> Set<BenchPhase> {
        var out: Set<BenchPhase> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let name = part.trimmingCharacters(in: .whitespaces).lowercased()
            guard let phase = BenchPhase(rawValue: name) else {
                throw ValidationError("--phases: unknown phase '\(name)'; expected a comma-separated list of \(names)")
            }
            out.insert(phase)
        }
        guard out.contains(.embedded) || !out.contains(.queries) else {
            throw ValidationError("--phases: queries run on the embedded phase's data; add embedded")
        }
        return out
    }
}
