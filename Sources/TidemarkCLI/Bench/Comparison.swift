import Foundation

/// What `tidemark bench --compare` measured: the same data and queries on Tidemark and
/// its peers over HTTP; the `comparison` key of the JSON report.
struct Comparison: Codable {
    struct System: Codable {
        /// `tidemark`, `prometheus`, `victoriametrics`.
        var name: String
        /// Seconds from the generated data to queryable storage (Tidemark: embedded
        /// ingest + compaction into blocks; Prometheus: promtool create-blocks-from;
        /// VictoriaMetrics: import API + force_flush).
        var ingestSeconds: Double
        /// Bytes on disk (Tidemark's and Prometheus' blocks; VictoriaMetrics' data + indexdb).
        var diskBytes: Int
        var bytesPerSample: Double
        /// How exactly a sample of the series reads back (see `PrecisionCheck`).
        var precision: Precision?
    }
    /// Samples of a few series read back from a system and compared, bit for bit, with
    /// the generated ones.
    struct Precision: Codable {
        /// Series checked and their generated samples.
        var series: Int
        var samples: Int
        /// Samples read back with the same value bits (any NaN matches any NaN: text
        /// exports cannot carry NaN payloads).
        var exact: Int
        /// Samples not read back at all (no sample at that timestamp).
        var missing: Int
        /// The largest |read − written| / max(|read|, |written|) over the samples read
        /// back (1 where one side is ±Inf or NaN and the other is not the same).
        var maxRelativeError: Double

        var isExact: Bool { exact == samples }
        /// `1440 of 1440 (100 %)`, `38 of 1440 (2.6 %)`: the percentage rounded down, so
        /// only all samples make 100 %.
        var summary: String {
            let percent = exact == samples ? "100" : Terminal.fmt((1000 * Double(exact) / Double(max(1, samples))).rounded(.down) / 10, decimals: 1)
            return "\(exact) of \(samples) (\(percent) %)" + (missing > 0 ? ", \(missing) missing" : "")
        }
        /// `0`, `3.1e-13`.
        var errorText: String { maxRelativeError == 0 ? "0" : String(format: "%.2g", maxRelativeError) }
    }
    struct Query: Codable {
        var name: String
        var promql: String
        var kind: String
        var runs: Int
        /// Per system: latency percentiles in ms over HTTP, series in the answer.
        var p50Ms: [String: Double]
        var p90Ms: [String: Double]
        var p99Ms: [String: Double]
        var resultSeries: [String: Int]
        /// p50 of Tidemark / p50 of the peer, per peer.
        var ratioP50: [String: Double]
        /// Per peer: `agrees`, `differs: …` (a failure for Prometheus) or
        /// `differs (MetricsQL): …` (VictoriaMetrics, reported, not a failure).
        var agreement: [String: String]
    }
    var samples: Int
    var systems: [System]
    var queries: [Query]
    /// Tidemark / peer for ingest seconds and bytes per sample, per peer.
    var ratioIngestSeconds: [String: Double]
    var ratioBytesPerSample: [String: Double]
    /// Queries where Tidemark and Prometheus answer differently (must be empty).
    var prometheusMismatches: [String]

    static let labels = ["tidemark": "Tidemark", "prometheus": "Prometheus", "victoriametrics": "VictoriaMetrics"]

    var peers: [String] { systems.map(\.name).filter { $0 != "tidemark" } }

    /// For each system that did not read back every checked sample exactly: a sentence
    /// saying its bytes/sample are for rounded values.
    var roundingNotes: [String] {
        systems.compactMap { s in
            guard let p = s.precision, !p.isExact else { return nil }
            return Self.roundedNote(s.name) + " (sampled values read back exactly: \(p.summary), max relative error \(p.errorText))."
        }
    }

    /// `VictoriaMetrics' bytes/sample are for values it rounded`.
    static func roundedNote(_ system: String) -> String {
        let name = labels[system] ?? system
        return "\(name)\(name.hasSuffix("s") ? "'" : "'s") bytes/sample are for values it rounded"
    }

    /// The comparison as one terminal table.
    var text: String {
        let names = systems.map(\.name)
        func label(_ n: String) -> String { Self.labels[n] ?? n }
        var header = ["QUERY"] + names.map { label($0) + " p50 ms" }
        header += peers.map { "TM/" + label($0) } + peers.map { "vs " + label($0) }
        var rows: [[String]] = queries.map { q in
            names.map { Terminal.fmt(q.p50Ms[$0] ?? 0, decimals: 3) }
                .reduce(into: [q.name]) { $0.append($1) }
                + peers.map { Terminal.fmt(q.ratioP50[$0] ?? 0, decimals: 2) }
                + peers.map { q.agreement[$0].map { $0.hasPrefix("agrees") ? "agrees" : String($0.prefix(while: { $0 != ":" })) } ?? "" }
        }
        let byName = Dictionary(uniqueKeysWithValues: systems.map { ($0.name, $0) })
        rows.append(["bytes/sample on disk"] + names.map { Terminal.fmt(byName[$0]!.bytesPerSample, decimals: 3) + (byName[$0]!.precision?.isExact ?? true ? "" : " *") }
                    + peers.map { Terminal.fmt(ratioBytesPerSample[$0] ?? 0, decimals: 2) } + peers.map { _ in "" })
        rows.append(["ingest s"] + names.map { Terminal.fmt(byName[$0]!.ingestSeconds, decimals: 2) }
                    + peers.map { Terminal.fmt(ratioIngestSeconds[$0] ?? 0, decimals: 2) } + peers.map { _ in "" })
        if let checked = systems.compactMap(\.precision).first {
            let blank = peers.map { _ in "" } + peers.map { _ in "" }
            rows.append(["stored exactly (\(checked.series) series)"] + names.map { byName[$0]!.precision?.summary ?? "" } + blank)
            rows.append(["max relative error"] + names.map { byName[$0]!.precision?.errorText ?? "" } + blank)
        }
        var out = "\nCOMPARISON over HTTP on 127.0.0.1 (\(samples) samples; ratios are Tidemark/peer, below 1 is Tidemark faster/smaller)\n"
        out += TextTable.render(header: header, rows: rows)
        for note in roundingNotes { out += "* " + note + "\n" }
        if queries.contains(where: { $0.agreement.values.contains("agrees (ties)") }) {
            out += "* agrees (ties): the same values at every step, but topk/bottomk kept other series among equal values "
                + "(which one is kept depends on the order series are fed in; Prometheus's range evaluation uses Go map order)\n"
        }
        let differing = queries.flatMap { q in q.agreement.sorted { $0.key < $1.key }.filter { !$0.value.hasPrefix("agrees") }.map { "  \(q.name) vs \(label($0.key)): \($0.value)" } }
        if !differing.isEmpty { out += "Answers that differ:\n" + differing.joined(separator: "\n") + "\n" }
        return out
    }
}

/// A Prometheus API answer reduced to comparable form: series (sorted label text) →
/// samples (seconds, value).
struct QueryAnswer {
    var series: [String: [(Double, Double)]]

    init(json data: Data) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              obj["status"] as? String == "success", let d = obj["data"] as? [String: Any] else {
            throw CLIError("not a successful Prometheus API answer: \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        func point(_ p: Any?) -> (Double, Double)? {
            guard let a = p as? [Any], a.count == 2, let v = a[1] as? String else { return nil }
            let t = (a[0] as? Double) ?? Double((a[0] as? Int) ?? 0)
            return (t, Double(v) ?? .nan)
        }
        series = [:]
        switch d["resultType"] as? String {
        case "scalar", "string":
            series[""] = point(d["result"]).map { [$0] } ?? []
        default:
            for s in d["result"] as? [[String: Any]] ?? [] {
                let metric = (s["metric"] as? [String: String] ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
                var points: [(Double, Double)] = []
                if let v = point(s["value"]) { points.append(v) }
                for p in s["values"] as? [Any] ?? [] { if let v = point(p) { points.append(v) } }
                series["{\(metric)}", default: []] += points
            }
        }
    }

    var seriesCount: Int { series.count }

    /// nil when `other` has the same series, timestamps and values (within `relative`);
    /// otherwise what differs first.
    func difference(from other: QueryAnswer, relative: Double = 1e-9) -> String? {
        let mine = Set(series.keys), theirs = Set(other.series.keys)
        if mine != theirs {
            let only = mine.subtracting(theirs).sorted().prefix(2), missing = theirs.subtracting(mine).sorted().prefix(2)
            return "\(mine.count) vs \(theirs.count) series; only in Tidemark: \(Array(only)), only in peer: \(Array(missing))"
        }
        for key in series.keys.sorted() {
            let a = series[key]!, b = other.series[key]!
            guard a.count == b.count else { return "\(key): \(a.count) vs \(b.count) points" }
            for (p, q) in zip(a, b) {
                guard abs(p.0 - q.0) < 1e-6 else { return "\(key): timestamp \(p.0) vs \(q.0)" }
                guard Self.close(p.1, q.1, relative) else { return "\(key) at \(p.0): \(p.1) vs \(q.1)" }
            }
        }
        return nil
    }

    /// nil when, at every timestamp, both answers hold the same values (as multisets),
    /// whichever series carry them. That is what `topk`/`bottomk` define when values
    /// tie: which of the tied series is kept depends on the order series reach the
    /// heap, and Prometheus's range evaluation hands them over in Go map order, which
    /// changes from run to run.
    func valueDifference(from other: QueryAnswer, relative: Double = 1e-9) -> String? {
        func byTime(_ a: QueryAnswer) -> [Double: [Double]] {
            var out: [Double: [Double]] = [:]
            for points in a.series.values { for (t, v) in points { out[t, default: []].append(v) } }
            return out.mapValues { $0.sorted { $0.isNaN ? false : ($1.isNaN ? true : $0 < $1) } }
        }
        let mine = byTime(self), theirs = byTime(other)
        guard Set(mine.keys) == Set(theirs.keys) else { return "timestamps differ (\(mine.count) vs \(theirs.count))" }
        for t in mine.keys.sorted() {
            let a = mine[t]!, b = theirs[t]!
            guard a.count == b.count, zip(a, b).allSatisfy({ Self.close($0, $1, relative) }) else {
                return "at \(t): values \(a) vs \(b)"
            }
        }
        return nil
    }

    static func close(_ a: Double, _ b: Double, _ relative: Double) -> Bool {
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a == b { return true }
        return abs(a - b) <= relative * max(abs(a), abs(b))
    }
}
