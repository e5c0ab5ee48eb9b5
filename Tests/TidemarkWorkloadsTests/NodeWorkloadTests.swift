import Testing
import TidemarkStorage
import TidemarkWorkloads

@Suite("Node workload: determinism and shape")
struct NodeWorkloadTests {
    static let config = NodeWorkload.Configuration(hosts: 7, scrapes: 60, seed: 1234)

    @Test func sameSeedSameSamples() {
        let a = Array(NodeWorkload(Self.config))
        let b = Array(NodeWorkload(Self.config))
        #expect(a.count == NodeWorkload(Self.config).sampleCount)
        #expect(a == b)
        #expect(NodeWorkload(Self.config).series.map(\.labels) == NodeWorkload(Self.config).series.map(\.labels))
    }

    @Test func differentSeedDifferentSamples() {
        var other = Self.config
        other.seed = 1235
        let a = Array(NodeWorkload(Self.config)).map(\.value)
        let b = Array(NodeWorkload(other)).map(\.value)
        #expect(a != b)
    }

    @Test func moreHostsDoNotChangeExistingHosts() {
        var bigger = Self.config
        bigger.hosts = 9
        let small = NodeWorkload(Self.config), big = NodeWorkload(bigger)
        let a = samplesBySeries(small)
        let b = samplesBySeries(big)
        #expect(Array(b.prefix(a.count)) == a)
    }

    @Test func sizes() {
        let w = NodeWorkload(Self.config)
        #expect(NodeWorkload.seriesPerHost == 41)
        #expect(w.series.count == 7 * 41)
        #expect(w.sampleCount == 7 * 41 * 60)
        #expect(Set(w.series.map(\.labels)).count == w.series.count)
        #expect(w.families.map(\.name) == [
            "node_cpu_usage_percent", "node_load1", "node_load5", "node_load15",
            "node_memory_MemTotal_bytes", "node_memory_MemAvailable_bytes", "node_memory_MemFree_bytes",
            "node_memory_Cached_bytes", "node_memory_Buffers_bytes",
            "node_disk_read_bytes", "node_disk_written_bytes", "node_network_receive_bytes", "node_network_transmit_bytes",
            "http_requests", "http_request_duration_seconds",
        ])
        #expect(Array(NodeWorkload(.init(hosts: 0, scrapes: 10))).isEmpty)
        #expect(Array(NodeWorkload(.init(hosts: 3, scrapes: 0))).isEmpty)
    }

    @Test func labelsLookLikeNodeExporterWithTSBSTags() {
        let w = NodeWorkload(NodeWorkload.Configuration(hosts: 50, scrapes: 1, seed: 3))
        for s in w.series {
            let l = s.labels
            #expect(l["instance"] == "host-" + String(repeating: "0", count: 4 - String(s.host).count) + "\(s.host):9100")
            #expect(l["job"] == "node")
            let region = l["region"] ?? ""
            #expect(["us-east-1", "us-west-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1",
                     "ap-southeast-2", "ap-northeast-1", "sa-east-1"].contains(region))
            #expect(l["datacenter"].map { $0.count == region.count + 1 && $0.hasPrefix(region) } == true)
            #expect(l["rack"].flatMap { Int($0) }.map { (0..<100).contains($0) } == true)
            #expect(w.families[s.family].type == .histogram || l.metricName!.hasPrefix(w.families[s.family].name))
        }
        #expect(w.series.filter { $0.labels.metricName == "node_cpu_usage_percent" }.count == 50 * 8)
        #expect(seriesIndexes(w, name: "http_request_duration_seconds_bucket", "le", "+Inf").count == 50)
    }

    @Test func streamIsTimeMajorAndScrapesAreOnSchedule() {
        let w = NodeWorkload(Self.config)
        let c = Self.config
        var round = 0
        var seen = 0
        var lastRoundStart = Int64.min
        for s in w {
            let host = s.series / NodeWorkload.seriesPerHost
            let scheduled = c.start + Int64(round) * c.interval
            let offset = s.timestamp - scheduled
            #expect(offset >= -c.jitter && offset < c.interval + c.jitter, "sample \(seen): host \(host) offset \(offset)")
            #expect(s.timestamp == w.timestamp(host: host, scrape: round))
            seen += 1
            if seen % (c.hosts * NodeWorkload.seriesPerHost) == 0 {
                #expect(scheduled > lastRoundStart)
                lastRoundStart = scheduled
                round += 1
            }
        }
        #expect(round == c.scrapes)
    }
}
