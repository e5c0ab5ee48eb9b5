import Foundation
import TidemarkStorage
import TidemarkWorkloads

/// `tidemark bench --compare`'s precision check: every sample of a few series (up to
/// `maxSeries`, spread over the workload) read back from each system and compared bit for
/// bit with what the deterministic generator made. VictoriaMetrics stores floats as
/// decimals of limited precision (its FAQ: values with more than about 12 significant
/// digits may change); Tidemark and Prometheus store the bits.
///
/// Read back through `/api/v1/export` from Tidemark (Prometheus text) and
/// VictoriaMetrics (JSON lines), and from Prometheus, which has no export API, as an
/// instant query of a range selector over all the data (raw samples). Each series is
/// asked for by its full label set, one request per series and system.
struct PrecisionCheck {
    struct Checked {
        /// `name{label="value",…}`: the series' exact selector.
        var selector: String
        var samples: [(Int64, Double)]
    }
    let series: [Checked]
    let firstTime: Int64
    let lastTime: Int64

    init(_ w: any BenchWorkload, maxSeries: Int = 20) {
        let labels = w.labels
        let n = min(maxSeries, labels.count)
        // Evenly spread, staggered by one more each time, so a workload that lists each
        // host's metrics together still has every metric checked.
        let spacing = max(1, labels.count / max(1, n))
        let picked = (0..<n).map { $0 * labels.count / n + $0 % spacing }
        var slot = [Int](repeating: -1, count: labels.count)
        for (j, i) in picked.enumerated() { slot[i] = j }
        var samples = [[(Int64, Double)]](repeating: [], count: n)
        let it = w.makeSamples()
        while let s = it.next() {
            if slot[s.series] >= 0 { samples[slot[s.series]].append((s.timestamp, s.value)) }
        }
        series = picked.enumerated().map { j, i in
            Checked(selector: String(decoding: ExpositionWriter.seriesText(labels[i]), as: UTF8.self), samples: samples[j])
        }
        firstTime = w.firstTime
        lastTime = w.lastTime
    }

    /// Reads the series back from `system` (`tidemark`, `prometheus`,
    /// `victoriametrics`) at `base` and compares.
    func check(_ system: String, base: String) throws -> Comparison.Precision {
        var p = Comparison.Precision(series: series.count, samples: 0, exact: 0, missing: 0, maxRelativeError: 0)
        for s in series {
            Self.compare(s.samples, with: try read(system, base: base, selector: s.selector), into: &p)
        }
        return p
    }

    /// The samples of one series as `system` returns them, by timestamp.
    func read(_ system: String, base: String, selector: String) throws -> [Int64: Double] {
        let r: PromQLHTTPClient.Response
        if system == "prometheus" {
            // Evaluated a second after the last sample over a range reaching a second
            // before the first: every sample, whether the window's left end is open or closed.
            let q = BenchQuery(name: "precision", promql: "\(selector)[\((lastTime - firstTime) / 1000 + 2)s]", range: 0, step: 0)
            r = try PromQLHTTPClient.query(base, q, time: lastTime + 1000)
        } else {
            r = try PromQLHTTPClient.get(base, path: "/api/v1/export", [
                "match[]": selector, "start": PromQLHTTPClient.seconds(firstTime - 1000), "end": PromQLHTTPClient.seconds(lastTime + 1000),
            ])
        }
        guard r.status == 200 else {
            throw CLIError("\(system) answered HTTP \(r.status) reading back \(selector): \(String(decoding: r.body.prefix(500), as: UTF8.self))")
        }
        switch system {
        case "prometheus":
            var out: [Int64: Double] = [:]
            for (t, v) in try QueryAnswer(json: r.body).series.values.joined() { out[Int64((t * 1000).rounded())] = v }
            return out
        case "victoriametrics":
            return try Self.victoriaMetricsExport(r.body)
        default:
            return try Self.prometheusText(r.body)
        }
    }

    /// Counts `written` samples read back exactly, missing, and the largest relative error.
    static func compare(_ written: [(Int64, Double)], with read: [Int64: Double], into p: inout Comparison.Precision) {
        for (t, v) in written {
            p.samples += 1
            guard let r = read[t] else {
                p.missing += 1
                continue
            }
            if r.bitPattern == v.bitPattern || (r.isNaN && v.isNaN) {
                p.exact += 1
            } else {
                p.maxRelativeError = max(p.maxRelativeError, relativeError(v, r))
            }
        }
    }

    /// |a − b| / max(|a|, |b|), in [0, 2]; 1 when either is not finite.
    static func relativeError(_ a: Double, _ b: Double) -> Double {
        guard a.isFinite && b.isFinite else { return 1 }
        let m = max(abs(a), abs(b))
        return m == 0 ? 0 : abs(a - b) / m
    }

    /// Samples of VictoriaMetrics' `/api/v1/export` JSON lines
    /// (`{"metric":{…},"values":[…],"timestamps":[…]}`), a series possibly over several
    /// lines. Numbers are parsed from their text, exactly (VictoriaMetrics may also write
    /// `NaN` and `Inf`, which are not JSON).
    static func victoriaMetricsExport(_ data: Data) throws -> [Int64: Double] {
        var out: [Int64: Double] = [:]
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let values = array("values", in: line), let times = array("timestamps", in: line), values.count == times.count else {
                throw CLIError("victoria-metrics export: cannot read the line \(line.prefix(300))")
            }
            for (t, v) in zip(times, values) {
                guard let ts = Int64(t), let value = Double(v) else {
                    throw CLIError("victoria-metrics export: cannot read the sample \(v) @ \(t)")
                }
                out[ts] = value
            }
        }
        return out
    }

    /// The items of the array `"key":[…]` of a JSON line of numbers. Strings in the line
    /// (label values) have their quotes escaped, so `"key":[` is found only as a key.
    static func array(_ key: String, in line: Substring) -> [String]? {
        guard let start = line.range(of: "\"\(key)\":["), let end = line[start.upperBound...].firstIndex(of: "]") else { return nil }
        return line[start.upperBound..<end].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    /// Samples of Prometheus text (Tidemark's `/api/v1/export`).
    static func prometheusText(_ data: Data) throws -> [Int64: Double] {
        var parser = ExpositionParser([UInt8](data), format: .prometheusText, defaultTimestamp: 0)
        var out: [Int64: Double] = [:]
        do {
            while let entry = try parser.next() {
                if case .sample(let s) = entry { out[s.timestamp] = s.value }
            }
        } catch {
            throw CLIError("tidemark export: \(error)")
        }
        return out
    }
}
