import Foundation
import Testing

/// `tidemark bench --compare` against the real Prometheus and VictoriaMetrics (Debian
/// packages `prometheus` and `victoria-metrics`, installed by .ci/run): a missing one
/// fails this test loudly.
@Suite("tidemark bench --compare")
struct BenchCompareTests {
    @Test(.timeLimit(.minutes(2)))
    func comparesTidemarkWithPrometheusAndVictoriaMetrics() throws {
        for (program, package) in [("prometheus", "prometheus"), ("promtool", "prometheus"), ("victoria-metrics", "victoria-metrics")] {
            _ = try Peers.program(program, package: package)
        }
        let plots = NSTemporaryDirectory() + "tidemark-compare-plots-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: plots) }
        let (run, json) = try BenchCommandTests.report([
            "--workload", "cpu-only", "--hosts", "2", "--hours", "0.5", "--repeat", "2", "--compare", "prometheus,victoriametrics",
            "--plot", plots,
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let comparison = try #require(json["comparison"] as? [String: Any], "no comparison in the report")
        let systems = try #require(comparison["systems"] as? [[String: Any]])
        #expect(systems.map { $0["name"] as? String ?? "" } == ["tidemark", "prometheus", "victoriametrics"])
        for s in systems {
            #expect((s["bytesPerSample"] as? Double ?? 0) > 0, "\(s)")
            #expect((s["ingestSeconds"] as? Double ?? 0) > 0, "\(s)")
        }
        let queries = try #require(comparison["queries"] as? [[String: Any]])
        #expect(queries.count == 8)
        for q in queries {
            let name = q["name"] as? String ?? "?"
            let agreement = q["agreement"] as? [String: String] ?? [:]
            #expect(agreement["prometheus"]?.hasPrefix("agrees") == true, "\(name): \(agreement["prometheus"] ?? "missing")")
            #expect(agreement["victoriametrics"] != nil, "\(name)")
            let ratios = q["ratioP50"] as? [String: Double] ?? [:]
            #expect(Set(ratios.keys) == ["prometheus", "victoriametrics"], "\(name)")
            #expect(ratios.values.allSatisfy { $0 > 0 && $0.isFinite }, "\(name): \(ratios)")
            let p50 = q["p50Ms"] as? [String: Double] ?? [:]
            #expect(p50.count == 3 && p50.values.allSatisfy { $0 > 0 }, "\(name): \(p50)")
        }
        for key in ["ratioBytesPerSample", "ratioIngestSeconds"] {
            let r = comparison[key] as? [String: Double] ?? [:]
            #expect(r.count == 2 && r.values.allSatisfy { $0 > 0 && $0.isFinite }, "\(key): \(r)")
        }
        #expect(run.stdout.contains("COMPARISON"))

        // Every sample of 20 series read back: Tidemark and Prometheus bit for bit;
        // VictoriaMetrics' figure is reported, whatever it is (it rounds to ~12 digits,
        // which may leave some data exact).
        var precision: [String: [String: Any]] = [:]
        for s in systems { precision[s["name"] as? String ?? "?"] = s["precision"] as? [String: Any] }
        for name in ["tidemark", "prometheus"] {
            let p = try #require(precision[name], "\(name): no precision")
            #expect(p["series"] as? Int == 20 && p["samples"] as? Int == 20 * 180, "\(name): \(p)")
            #expect(p["exact"] as? Int == p["samples"] as? Int && p["missing"] as? Int == 0, "\(name): \(p)")
            #expect(p["maxRelativeError"] as? Double == 0, "\(name): \(p)")
        }
        let vm = try #require(precision["victoriametrics"], "victoriametrics: no precision")
        #expect(vm["samples"] as? Int == 20 * 180 && vm["missing"] as? Int == 0, "\(vm)")
        print("VictoriaMetrics stored \(vm["exact"] ?? "?") of \(vm["samples"] ?? "?") sampled values exactly, max relative error \(vm["maxRelativeError"] ?? "?")")
        #expect(run.stdout.contains("stored exactly (20 series)"))

        // The charts show the three systems.
        let latency = try SVGDocument.parse(try String(contentsOfFile: plots + "/latency.svg", encoding: .utf8))
        #expect(latency.barWidths.count == 3 * 8)
        for name in ["Tidemark", "Prometheus", "VictoriaMetrics"] { #expect(latency.texts.contains(name), "\(name)") }
        let bytes = try SVGDocument.parse(try String(contentsOfFile: plots + "/bytes-per-sample.svg", encoding: .utf8))
        #expect(bytes.barWidths.count == 3)
        #expect(bytes.texts.contains { $0.hasPrefix("Read back bit for bit") })
        #expect(try SVGDocument.parse(try String(contentsOfFile: plots + "/ingest.svg", encoding: .utf8)).barWidths.count == 4)
    }

    @Test func unknownPeerIsAUsageError() throws {
        let run = try tidemark(["bench", "--compare", "influxdb"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--compare"))
    }
}
