import Foundation
import TidemarkStorage

/// Go's regexp.Expand for `$1`, `${1}`, `$name`, `${name}` and `$$`.
func expandTemplate(_ template: String, _ match: Regex<AnyRegexOutput>.Match) -> String {
    var out = ""
    let chars = Array(template.unicodeScalars)
    var i = 0
    func group(_ name: String) -> String {
        if let n = Int(name) {
            guard n < match.output.count, let sub = match.output[n].substring else { return "" }
            return String(sub)
        }
        guard let el = match.output[name], let sub = el.substring else { return "" }
        return String(sub)
    }
    func isNameChar(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || c == "_"
    }
    while i < chars.count {
        let c = chars[i]
        if c != "$" || i + 1 >= chars.count {
            out.unicodeScalars.append(c)
            i += 1
            continue
        }
        let next = chars[i + 1]
        if next == "$" {
            out += "$"
            i += 2
        } else if next == "{" {
            var j = i + 2
            var name = ""
            while j < chars.count && isNameChar(chars[j]) { name.unicodeScalars.append(chars[j]); j += 1 }
            if j < chars.count && chars[j] == "}" && !name.isEmpty {
                out += group(name)
                i = j + 1
            } else {
                out += "$"  // malformed: Go copies the text literally
                i += 1
            }
        } else if isNameChar(next) {
            var j = i + 1
            var name = ""
            while j < chars.count && isNameChar(chars[j]) { name.unicodeScalars.append(chars[j]); j += 1 }
            out += group(name)
            i = j
        } else {
            out += "$"
            i += 1
        }
    }
    return out
}

/// Compiles a PromQL (RE2) regex fully anchored, with `.` matching newlines.
func compileAnchoredRegex(_ pattern: String) throws -> Regex<AnyRegexOutput> {
    if let hit = RegexCache.shared.get(pattern) { return hit }
    let p = pattern.replacingOccurrences(of: "(?P<", with: "(?<")
    let re = try Regex("^(?s:" + p + ")$")
    RegexCache.shared.put(pattern, re)
    return re
}

/// Compiled `label_replace` patterns by their text: compiling a Swift `Regex` costs tens
/// of microseconds, and dashboards send the same few patterns in every query. Bounded:
/// emptied when full. A compiled regex is immutable (its program is built once, safely),
/// so sharing it between queries on different threads is safe.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    static let capacity = 512
    private let lock = NSLock()
    private var entries: [String: Regex<AnyRegexOutput>] = [:]

    func get(_ pattern: String) -> Regex<AnyRegexOutput>? { lock.withLock { entries[pattern] } }

    func put(_ pattern: String, _ re: Regex<AnyRegexOutput>) {
        lock.withLock {
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[pattern] = re
        }
    }
}

extension Evaluator {
    func labelReplace(_ c: Call) throws -> EvalMatrix {
        let m = try evalVector(arg(c, 0))
        let dst = try evalString(arg(c, 1))
        let repl = try evalString(arg(c, 2))
        let src = try evalString(arg(c, 3))
        let pattern = try evalString(arg(c, 4))
        let re: Regex<AnyRegexOutput>
        do { re = try compileAnchoredRegex(pattern) } catch {
            throw QueryError.exec("invalid regular expression in label_replace(): \(pattern)", c.position)
        }
        if !LabelNames.isValidLabelName(dst) || dst.contains("\u{FFFD}") {
            throw QueryError.exec("invalid destination label name in label_replace(): \(dst)", c.position)
        }
        var b = MatrixBuilder()
        var cache: [String: String?] = [:]
        for s in m {
            let v = s.labels[src] ?? ""
            let replaced: String?
            if let hit = cache[v] {
                replaced = hit
            } else {
                if let match = try? re.wholeMatch(in: v) { replaced = expandTemplate(repl, match) } else { replaced = nil }
                cache[v] = replaced
            }
            let labels = replaced.map { s.labels.setting(dst, to: $0) } ?? s.labels
            try b.addSeries(EvalSeries(labels: labels, points: s.points, dropName: s.dropName && !(dst == metricNameLabel && replaced != nil)))
        }
        return b.series
    }

    func labelJoin(_ c: Call) throws -> EvalMatrix {
        let m = try evalVector(arg(c, 0))
        let dst = try evalString(arg(c, 1))
        let sep = try evalString(arg(c, 2))
        var srcs: [String] = []
        for i in 3..<max(c.args.count, 3) { srcs.append(try evalString(c.args[i])) }
        if !LabelNames.isValidLabelName(dst) || dst.contains("\u{FFFD}") {
            throw QueryError.exec("invalid destination label name in label_join(): \(dst)", c.position)
        }
        var b = MatrixBuilder()
        for s in m {
            let joined = srcs.map { s.labels[$0] ?? "" }.joined(separator: sep)
            try b.addSeries(EvalSeries(labels: s.labels.setting(dst, to: joined), points: s.points, dropName: s.dropName && dst != metricNameLabel))
        }
        return b.series
    }

    /// histogram_quantile, histogram_quantiles and histogram_fraction over classic buckets.
    func histogramQuantile(_ c: Call) throws -> EvalMatrix {
        var qs: [[Double]] = []
        var m: EvalMatrix
        var vectorArg = 1
        var qLabel = ""
        var lowerUpper: ([Double], [Double])? = nil
        switch c.function {
        case "histogram_quantiles":
            vectorArg = 0
            m = try evalVector(arg(c, 0))
            qLabel = try evalString(arg(c, 1))
            for i in 2..<max(c.args.count, 2) { qs.append(try evalScalar(c.args[i])) }
        case "histogram_fraction":
            vectorArg = 2
            lowerUpper = (try evalScalar(arg(c, 0)), try evalScalar(arg(c, 1)))
            m = try evalVector(arg(c, 2))
        default:
            qs = [try evalScalar(arg(c, 0))]
            m = try evalVector(arg(c, 1))
        }
        // Per series: its group (labels without `le` and `__name__`) and bucket bound.
        // Groups are keyed by the labels without `le` (so two histograms differing only in
        // name stay apart and then collide in the output, as in Prometheus).
        var groupIndex: [Labels: Int] = [:]
        var groups: [Labels] = []
        var groupName: [String] = []
        var seriesGroup = [Int](repeating: -1, count: m.count)
        var upper = [Double](repeating: 0, count: m.count)
        for (k, s) in m.enumerated() {
            guard let le = s.labels["le"], let u = parseGoFloat(le) else {
                ctx.warn("PromQL warning: bucket label \"le\" is missing or has a malformed value of \(LabelNames.quote(s.labels["le"] ?? "")) for metric name \(LabelNames.quote(s.labels.metricName ?? ""))" + Evaluator.posSuffix(c.args[vectorArg].position))
                continue
            }
            upper[k] = u
            let key = s.labels.removing(["le"])
            if let g = groupIndex[key] {
                seriesGroup[k] = g
            } else {
                groupIndex[key] = groups.count
                seriesGroup[k] = groups.count
                groups.append(ctx.options.delayedNameRemoval ? key : key.droppingName)
                groupName.append(s.labels.metricName ?? "")
            }
        }
        let steps = byStep(m)
        var b = MatrixBuilder()
        var buckets = [[(Double, Double)]](repeating: [], count: groups.count)
        var warnedQ = false
        for (qi, q) in qs.enumerated() {
            for qv in q where qv.isNaN || qv < 0 || qv > 1 {
                warnedQ = true
                let pos = c.function == "histogram_quantiles" ? c.args[2 + qi].position : c.args[0].position
                ctx.warn("PromQL warning: quantile value should be between 0 and 1, got \(formatG(qv))" + Evaluator.posSuffix(pos))
                break
            }
        }
        for i in 0..<numSteps where !steps[i].isEmpty {
            for g in buckets.indices { buckets[g].removeAll(keepingCapacity: true) }
            for (k, v) in steps[i] where seriesGroup[k] >= 0 { buckets[seriesGroup[k]].append((upper[k], v)) }
            for g in buckets.indices where !buckets[g].isEmpty {
                if let (lo, hi) = lowerUpper {
                    try b.add(groups[g], time(i), bucketFraction(lo[i], hi[i], &buckets[g]), dropName: true)
                    continue
                }
                for (qi, q) in qs.enumerated() {
                    let qv = q[i]
                    if !warnedQ && (qv.isNaN || qv < 0 || qv > 1) {
                        warnedQ = true
                        let pos = c.function == "histogram_quantiles" ? c.args[2 + qi].position : c.args[0].position
                        ctx.warn("PromQL warning: quantile value should be between 0 and 1, got \(formatG(qv))" + Evaluator.posSuffix(pos))
                    }
                    var bk = buckets[g]
                    let (v, forced, _) = bucketQuantile(qv, &bk)
                    if forced {
                        ctx.info("PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name \(LabelNames.quote(groupName[g]))" + Evaluator.posSuffix(c.args[vectorArg].position))
                    }
                    let labels = qLabel.isEmpty ? groups[g] : groups[g].setting(qLabel, to: qv.isNaN ? "NaN" : qv.isInfinite ? (qv > 0 ? "+Inf" : "-Inf") : "\(qv)")
                    try b.add(labels, time(i), v, dropName: true)
                }
            }
        }
        return b.series
    }
}

/// Fraction of observations between `lower` and `upper` (Prometheus's BucketFraction for
/// classic buckets; infinite-width buckets are not interpolated).
func bucketFraction(_ lower: Double, _ upper: Double, _ buckets: inout [(Double, Double)]) -> Double {
    buckets.sort { $0.0 < $1.0 }
    guard let last = buckets.last, last.0 == .infinity else { return .nan }
    var merged: [(Double, Double)] = []
    for b in buckets {
        if let l = merged.last, l.0 == b.0 { merged[merged.count - 1].1 += b.1 } else { merged.append(b) }
    }
    let count = merged[merged.count - 1].1
    if count == 0 || lower.isNaN || upper.isNaN { return .nan }
    if lower >= upper { return 0 }
    var rank = 0.0, lowerRank = 0.0, upperRank = 0.0
    var lowerSet = false, upperSet = false
    for (i, b) in merged.enumerated() {
        let lowerBound = i > 0 ? merged[i - 1].0 : (b.0 > 0 ? 0 : -Double.infinity)
        let upperBound = b.0
        func interpolate(_ v: Double) -> Double {
            if lowerBound == -.infinity { return b.1 }
            if upperBound == .infinity { return rank }
            return rank + (b.1 - rank) * (v - lowerBound) / (upperBound - lowerBound)
        }
        if !lowerSet && lowerBound >= lower { lowerRank = rank; lowerSet = true }
        if !upperSet && lowerBound >= upper { upperRank = rank; upperSet = true }
        if lowerSet && upperSet { break }
        if !lowerSet && lowerBound < lower && upperBound > lower { lowerRank = interpolate(lower); lowerSet = true }
        if !upperSet && lowerBound < upper && upperBound > upper { upperRank = interpolate(upper); upperSet = true }
        if lowerSet && upperSet { break }
        rank = b.1
    }
    if !lowerSet || lowerRank > count { lowerRank = count }
    if !upperSet || upperRank > count { upperRank = count }
    return (upperRank - lowerRank) / count
}

/// Go's strconv.ParseFloat for label values: decimal, exponent, hex, ±Inf, NaN.
func parseGoFloat(_ s: String) -> Double? {
    let t = s.trimmingCharacters(in: .whitespaces)
    if t != s || t.isEmpty { return nil }
    switch t.lowercased() {
    case "inf", "+inf", "infinity", "+infinity": return .infinity
    case "-inf", "-infinity": return -.infinity
    case "nan": return .nan
    default: break
    }
    return Double(t.replacingOccurrences(of: "_", with: ""))
}

@inline(__always)
func almostEqual(_ a: Double, _ b: Double, _ epsilon: Double) -> Bool {
    if a == b { return true }
    let absSum = abs(a) + abs(b)
    let diff = abs(a - b)
    let minNormal = Double.leastNormalMagnitude
    if a == 0 || b == 0 || absSum < minNormal { return diff < epsilon * minNormal }
    return diff / min(absSum, Double.greatestFiniteMagnitude) < epsilon
}

/// Quantile over classic buckets (upper bound, cumulative count), as Prometheus's
/// BucketQuantile: sorts, merges equal bounds, forces monotonicity, interpolates linearly.
/// Returns the value and whether monotonicity / precision had to be fixed.
func bucketQuantile(_ q: Double, _ buckets: inout [(Double, Double)]) -> (Double, Bool, Bool) {
    if q.isNaN { return (.nan, false, false) }
    if q < 0 { return (-.infinity, false, false) }
    if q > 1 { return (.infinity, false, false) }
    buckets.sort { $0.0 < $1.0 }
    guard let last = buckets.last, last.0 == .infinity else { return (.nan, false, false) }
    // Coalesce equal upper bounds.
    var merged: [(Double, Double)] = []
    merged.reserveCapacity(buckets.count)
    for b in buckets {
        if let l = merged.last, l.0 == b.0 { merged[merged.count - 1].1 += b.1 } else { merged.append(b) }
    }
    var forced = false, fixedPrecision = false
    var prev = merged[0].1
    for i in 1..<merged.count {
        let cur = merged[i].1
        if cur == prev { continue }
        if almostEqual(prev, cur, 1e-12) {
            merged[i].1 = prev
            fixedPrecision = true
            continue
        }
        if cur < prev {
            merged[i].1 = prev
            forced = true
            continue
        }
        prev = cur
    }
    if merged.count < 2 { return (.nan, forced, fixedPrecision) }
    let observations = merged[merged.count - 1].1
    if observations == 0 { return (.nan, forced, fixedPrecision) }
    var rank = q * observations
    // First bucket (among all but the last) whose count reaches the rank.
    var b = merged.count - 1
    var lo = 0, hi = merged.count - 1
    while lo < hi {
        let mid = (lo + hi) / 2
        if merged[mid].1 >= rank { hi = mid } else { lo = mid + 1 }
    }
    b = lo
    if b == merged.count - 1 { return (merged[merged.count - 2].0, forced, fixedPrecision) }
    if b == 0 && merged[0].0 <= 0 { return (merged[0].0, forced, fixedPrecision) }
    var bucketStart = 0.0
    let bucketEnd = merged[b].0
    var count = merged[b].1
    if b > 0 {
        bucketStart = merged[b - 1].0
        count -= merged[b - 1].1
        rank -= merged[b - 1].1
    }
    return (bucketStart + (bucketEnd - bucketStart) * (rank / count), forced, fixedPrecision)
}
