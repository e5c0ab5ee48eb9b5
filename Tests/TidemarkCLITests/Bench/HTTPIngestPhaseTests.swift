import Foundation
import Testing

/// `tidemark bench --phases remote-write,import`: small real runs against `tidemark
/// serve` children, and the usage errors of `--phases`.
@Suite("tidemark bench HTTP ingest phases")
struct HTTPIngestPhaseTests {
    @Test(.timeLimit(.minutes(2)), arguments: [("remote-write", "remoteWrite"), ("import", "import")])
    func phaseStoresEveryWorkloadSample(phase: String, key: String) throws {
        let (run, json) = try BenchCommandTests.report(["--workload", "cpu-only", "--hosts", "2", "--hours", "0.2", "--phases", phase])
        #expect(run.status == 0, "\(run.stderr)")
        let samples = 2 * 10 * 72, series = 20
        let r = try #require(json[key] as? [String: Any], "no \(key) section: \(json.keys.sorted())")
        #expect(r["expectedSamples"] as? Int == samples)
        #expect(r["samples"] as? Int == samples)
        #expect(r["storedSamples"] as? Int == samples)
        #expect(r["storedSeries"] as? Int == series)
        #expect(r["verified"] as? Bool == true)
        #expect(r["failedRequests"] as? Int == 0)
        #expect((r["requests"] as? Int ?? 0) >= 1)
        for figure in ["samplesPerSecond", "megabytesPerSecond", "p50Ms", "seconds"] {
            #expect((r[figure] as? Double ?? 0) > 0, "\(figure)")
        }
        #expect((r["serverCPUSeconds"] as? Double ?? -1) >= 0)
        #expect((r["encoding"] as? String ?? "").isEmpty == false)
        // Only the chosen phase ran.
        #expect(json["ingest"] == nil && json["storage"] == nil)
        #expect((json["queries"] as? [Any])?.isEmpty == true)
        #expect(json[key == "import" ? "remoteWrite" : "import"] == nil)
        #expect(run.stdout.contains("INGEST over HTTP") && run.stdout.contains(phase.uppercased() + " tidemark"))
    }

    /// `--ingest-peers`: the same bodies into Prometheus's remote-write receiver and
    /// VictoriaMetrics (Debian packages, installed by .ci/run; a missing one fails loudly).
    @Test(.timeLimit(.minutes(2)))
    func peersStoreTheSameSamples() throws {
        _ = try Peers.program("prometheus")
        _ = try Peers.program("victoria-metrics", package: "victoria-metrics")
        let (run, json) = try BenchCommandTests.report([
            "--hosts", "2", "--hours", "0.2", "--phases", "remote-write,import", "--ingest-peers", "prometheus,victoriametrics",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        let peers = try #require(json["peerIngest"] as? [[String: Any]])
        #expect(peers.map { "\($0["phase"] ?? "") \($0["system"] ?? "")" } == [
            "remote-write prometheus", "remote-write victoriametrics", "import victoriametrics",
        ])
        for p in peers {
            #expect(p["verified"] as? Bool == true, "\(p)")
            #expect(p["storedSamples"] as? Int == 2 * 10 * 72 && p["storedSeries"] as? Int == 20, "\(p)")
        }
        #expect(run.stdout.contains("Tidemark ÷ this"))
    }

    @Test(arguments: ["embedded,nope", "", "queries", "remote-write,queries"])
    func badPhasesAreUsageErrors(phases: String) throws {
        let run = try tidemark(["bench", "--phases", phases])
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--phases"))
    }

    @Test(arguments: [["--ingest-peers", "influxdb"], ["--ingest-peers", "prometheus", "--phases", "embedded,queries"]])
    func badIngestPeersAreUsageErrors(args: [String]) throws {
        let run = try tidemark(["bench"] + args)
        #expect(run.status == 2, "\(run.stderr)")
        #expect(run.stderr.contains("--ingest-peers"))
    }

    @Test func compareWithoutTheEmbeddedPhasesIsAUsageError() throws {
        let run = try tidemark(["bench", "--phases", "remote-write", "--compare", "prometheus"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--compare"))
    }
}
