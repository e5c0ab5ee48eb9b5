import Foundation
import Testing
@testable import TidemarkCLI
import TidemarkWorkloads

@Suite("tidemark bench")
struct BenchCommandTests {
    static func report(_ args: [String]) throws -> (run: TidemarkRun, json: [String: Any]) {
        let file = NSTemporaryDirectory() + "tidemark-bench-\(UUID().uuidString).json"
        defer { try? FileManager.default.removeItem(atPath: file) }
        let run = try tidemark(["bench"] + args + ["--json", file])
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return (run, json)
    }

    @Test func cpuOnlyRunsEveryTSBSQueryTypeAndReportsTheFigures() throws {
        let (run, json) = try Self.report(["--workload", "cpu-only", "--hosts", "4", "--hours", "1", "--repeat", "3"])
        #expect(run.status == 0, "\(run.stderr)")
        let ingest = try #require(json["ingest"] as? [String: Any])
        #expect(ingest["samples"] as? Int == 4 * 10 * 360)
        #expect(ingest["series"] as? Int == 40)
        #expect((ingest["samplesPerSecond"] as? Double ?? 0) > 0)
        let storage = try #require(json["storage"] as? [String: Any])
        #expect((storage["bytesPerSample"] as? Double ?? 0) > 0)
        #expect((json["peakRSSBytes"] as? Int ?? 0) > 0)
        let queries = try #require(json["queries"] as? [[String: Any]])
        #expect(queries.map { $0["name"] as? String ?? "" } == [
            "single-groupby-1-1-1", "single-groupby-1-1-12", "single-groupby-5-1-12", "cpu-max-all-8",
            "double-groupby-all", "high-cpu-all", "lastpoint", "groupby-orderby-limit",
        ])
        for q in queries {
            #expect(q["runs"] as? Int == 3)
            #expect((q["p50Ms"] as? Double ?? -1) > 0, "\(q["name"] ?? "")")
            #expect((q["p99Ms"] as? Double ?? 0) >= (q["p50Ms"] as? Double ?? 0))
        }
        // Every query but the threshold one has answers on any data; the table says so too.
        let series = Dictionary(uniqueKeysWithValues: queries.map { ($0["name"] as! String, $0["resultSeries"] as! Int) })
        #expect(series["single-groupby-5-1-12"] == 5)
        #expect(series["cpu-max-all-8"] == 40)
        #expect(series["double-groupby-all"] == 40)
        #expect(series["lastpoint"] == 40)
        #expect(run.stdout.contains("samples/s (wall)") && run.stdout.contains("P99 ms"))
        // The default phases include both HTTP ingest phases.
        for key in ["remoteWrite", "import"] {
            let phase = json[key] as? [String: Any]
            #expect(phase?["verified"] as? Bool == true, "\(key): \(phase ?? [:])")
            #expect(phase?["storedSamples"] as? Int == 4 * 10 * 360, "\(key)")
        }
    }

    @Test(arguments: ["node", "high-cardinality"])
    func otherWorkloadsRun(workload: String) throws {
        let (run, json) = try Self.report(["--workload", workload, "--hosts", "2", "--series", "500", "--hours", "0.5", "--repeat", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let queries = try #require(json["queries"] as? [[String: Any]])
        #expect(queries.count >= 4)
        #expect(queries.allSatisfy { ($0["resultSeries"] as? Int ?? 0) > 0 }, "\(queries.map { ($0["name"] ?? "", $0["resultSeries"] ?? "") })")
    }

    @Test func badArgumentsAreUsageErrors() throws {
        let run = try tidemark(["bench", "--workload", "nope"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--workload"))
    }

    @Test func workloadsAreDeterministic() {
        let a = CPUOnlyWorkload(hosts: 3, rounds: 5, seed: 7, start: 0)
        let b = CPUOnlyWorkload(hosts: 3, rounds: 5, seed: 7, start: 0)
        #expect(a.labels == b.labels)
        #expect(Array(a.makeSamples()) == Array(b.makeSamples()))
        #expect(Array(a.makeSamples()).allSatisfy { $0.value >= 0 && $0.value <= 100 })
        #expect(a.labels.first?["hostname"] == "host_0" && a.labels.count == 30)
        let hc = HighCardinalityWorkload(series: 10, rounds: 3, start: 0)
        #expect(Array(hc.makeSamples()).count == 30)
    }
}
