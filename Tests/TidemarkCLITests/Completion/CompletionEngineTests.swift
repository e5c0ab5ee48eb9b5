import Testing
@testable import TidemarkCLI

/// The completion engine against a fixed index (no storage, no terminal).
@Suite struct CompletionEngineTests {
    struct FixedIndex: CompletionIndex {
        func metricNames() -> [String] { ["http_requests_total", "node_load1", "node_load15", "node_load5", "up"] }
        func labelNames(metric: String?) -> [String] {
            metric == "up" ? ["instance", "job"] : ["code", "instance", "job", "mode"]
        }
        func labelValues(_ label: String, metric: String?) -> [String] {
            switch (label, metric) {
            case ("job", "up"): return ["api", "node"]
            case ("job", _): return ["api", "node", "web"]
            case ("instance", _): return ["host-1:9100", "host-2:9100", "my host"]
            default: return []
            }
        }
    }

    let engine = CompletionEngine(index: FixedIndex())

    @Test func metricNamesFunctionsAndKeywords() {
        #expect(engine.complete("node_lo") == .init(word: "node_lo", candidates: ["node_load1", "node_load15", "node_load5"]))
        #expect(engine.complete("sum(rat").candidates == ["rate"])
        #expect(engine.complete("sum(rate(ht") == .init(word: "ht", candidates: ["http_requests_total"]))
        #expect(engine.complete("topk(3, u").candidates == ["unless", "up"])
        #expect(engine.complete("histogram_q").candidates == ["histogram_quantile", "histogram_quantiles"])
        #expect(engine.complete("sum by (job) (x) wi").candidates == ["without"])
        #expect(engine.complete("count_v").candidates == ["count_values"])
        // Candidates never contain "(" (libedit would backslash-escape it).
        #expect(engine.complete("").candidates.allSatisfy { !$0.contains("(") })
    }

    @Test func labelNamesInsideBracesAndGroupings() {
        #expect(engine.complete("up{") == .init(word: "", candidates: ["instance", "job"]))
        #expect(engine.complete("up{j") == .init(word: "j", candidates: ["job"]))
        #expect(engine.complete("rate(http_requests_total{job=\"api\", c").candidates == ["code"])
        #expect(engine.complete("{mo").candidates == ["mode"])
        #expect(engine.complete("sum by (jo").candidates == ["job"])
        #expect(engine.complete("sum without(mode, inst").candidates == ["instance"])
        #expect(engine.complete("a / on (co").candidates == ["code"])
        #expect(engine.complete("sum(x) by (").candidates == ["code", "instance", "job", "mode"])
    }

    @Test func labelValuesInsideQuotes() {
        #expect(engine.complete("up{job=\"") == .init(word: "", candidates: ["api", "node"], terminator: "\""))
        #expect(engine.complete("node_load1{job=~\"n") == .init(word: "n", candidates: ["node"], terminator: "\""))
        #expect(engine.complete("node_load1{job=\"node\", instance!='host-").candidates == ["host-1:9100", "host-2:9100"])
        #expect(engine.complete("{instance=\"my h").candidates == ["my host"])
    }

    @Test func nothingInDurationsNumbersAndClosedStrings() {
        #expect(engine.complete("rate(up[5").candidates.isEmpty)
        #expect(engine.complete("rate(up[5m").candidates.isEmpty)
        #expect(engine.complete("up{job=\"api\"").candidates.isEmpty)
        #expect(engine.complete("up{job=\"api\" ").candidates.isEmpty)
        #expect(engine.complete("label_replace(up, \"dst").candidates.isEmpty)
        #expect(engine.complete("1 + 2").candidates.isEmpty)
    }

    @Test func commandsAndTheirArguments() {
        #expect(engine.complete(":") .candidates.contains(":help"))
        #expect(engine.complete(":ra").candidates == [":range"])
        #expect(engine.complete(":format j").candidates == ["json"])
        #expect(engine.complete(":timing o").candidates == ["off", "on"])
        #expect(engine.complete(":labels m").candidates == ["mode"])
        #expect(engine.complete(":series up{jo").candidates == ["job"])
        #expect(engine.complete(":explain rate(node_load1").candidates == ["node_load1", "node_load15"])
        #expect(engine.complete(":plot sum by (").candidates.count == 4)
        #expect(engine.complete(":load fi").candidates.isEmpty)
    }

    @Test func contextScanner() {
        #expect(CompletionContext.at(endOf: "sum(rate(x{a=\"b\"}[5m])) by (").context == .labelName(metric: nil))
        #expect(CompletionContext.at(endOf: "x{a=\"b\\\"c").context == .labelValue(label: "a", metric: "x", quote: "\""))
        #expect(CompletionContext.at(endOf: "by {").context == .labelName(metric: nil))
        #expect(CompletionContext.at(endOf: "foo:bar:rate5m{").context == .labelName(metric: "foo:bar:rate5m"))
    }
}
