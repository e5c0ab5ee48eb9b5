import TidemarkStorage
@testable import TidemarkQuery

/// A tiny stand-in engine for runner tests: queries are a number literal, `"string"`, or a
/// bare metric name (instant lookup with 5m lookback; stale markers end a series).
/// Anything else fails with "unsupported query". `warn_me` returns a warning.
struct FakeScriptBackend: PromQLScriptBackend {
    let db: DB

    func parse(_ query: String) throws(ScriptQueryFailure) -> Expr {
        let q = query.trimmed(" ")
        if let v = Double(q) { return .number(NumberLiteral(v)) }
        if q.hasPrefix("\""), q.hasSuffix("\""), q.count >= 2 { return .string(StringLiteral(String(q.dropFirst().dropLast()))) }
        if !q.isEmpty, q.allSatisfy({ $0.isLetter || $0 == "_" || $0.isNumber }) {
            return .vectorSelector(VectorSelector(name: q, matchers: [.equal(metricNameLabel, q)]))
        }
        throw ScriptQueryFailure("unsupported query \(q)")
    }

    func instantQuery(_ expr: Expr, at t: Int64) throws(ScriptQueryFailure) -> ScriptQueryOutput {
        switch expr {
        case .number(let n): return ScriptQueryOutput(value: .scalar(t: t, v: n.value))
        case .string(let s): return ScriptQueryOutput(value: .string(t: t, v: s.value))
        case .vectorSelector(let vs):
            let at: Int64
            if case .timestamp(let x)? = vs.at { at = x } else { at = t }
            var out: [VectorSample] = []
            do {
                for s in try db.querier().select(vs.matchers, mint: at - 300_000 + 1, maxt: at) {
                    if let last = try s.samples().last, !SequenceValue.isStale(last.value) {
                        out.append(VectorSample(labels: s.labels.removing([metricNameLabel]).setting(metricNameLabel, to: vs.name!), t: t, v: last.value))
                    }
                }
            } catch {
                throw ScriptQueryFailure("\(error)")
            }
            return ScriptQueryOutput(value: .vector(out), warnings: vs.name == "warn_me" ? ["PromQL warning: you were warned"] : [])
        default:
            throw ScriptQueryFailure("unsupported")
        }
    }

    func rangeQuery(_ expr: Expr, start: Int64, end: Int64, step: Int64) throws(ScriptQueryFailure) -> ScriptQueryOutput {
        var series: [Labels: [Sample]] = [:]
        var t = start
        while t <= end {
            let r = try instantQuery(expr, at: t)
            switch r.value {
            case .vector(let v): for s in v { series[s.labels, default: []].append(Sample(t, s.v)) }
            case .scalar(_, let v): series[Labels.empty, default: []].append(Sample(t, v))
            default: throw ScriptQueryFailure("bad range type")
            }
            t += step
        }
        return ScriptQueryOutput(value: .matrix(series.keys.sorted().map { RangeSeries(labels: $0, samples: series[$0]!) }))
    }
}
