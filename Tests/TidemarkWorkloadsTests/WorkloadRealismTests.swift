import Testing
import TidemarkStorage
import TidemarkWorkloads

@Suite("Node workload: realism")
struct WorkloadRealismTests {
    static let workload = NodeWorkload(.init(hosts: 12, scrapes: 360, seed: 99))
    static let bySeries = samplesBySeries(workload)

    static func isCounter(_ w: NodeWorkload, _ i: Int) -> Bool {
        let name = w.series[i].labels.metricName!
        return name.hasSuffix("_total") || name.hasSuffix("_bucket") || name.hasSuffix("_count") || name.hasSuffix("_sum")
    }

    @Test func timestampsStrictlyIncreasePerSeriesWithJitter() {
        let w = Self.workload
        for (i, samples) in Self.bySeries.enumerated() {
            #expect(samples.count == w.configuration.scrapes)
            var deltas = Set<Int64>()
            for (a, b) in zip(samples, samples.dropFirst()) {
                #expect(b.timestamp > a.timestamp, "series \(i)")
                deltas.insert(b.timestamp - a.timestamp)
            }
            #expect(deltas.allSatisfy { abs($0 - 10_000) <= 8 })
            #expect(deltas.count > 1, "no jitter in series \(i)")
        }
    }

    @Test func countersAreMonotonicIntegersExceptTheLatencySum() {
        let w = Self.workload
        var counters = 0
        for i in w.series.indices where Self.isCounter(w, i) {
            counters += 1
            let values = Self.bySeries[i].map(\.value)
            #expect(zip(values, values.dropFirst()).allSatisfy { $1 >= $0 }, "\(w.series[i].labels)")
            #expect(values.last! > values.first!, "\(w.series[i].labels) never moved")
            if !w.series[i].labels.metricName!.hasSuffix("_sum") {
                #expect(values.allSatisfy { $0 == $0.rounded() && $0 >= 0 })
            }
        }
        #expect(counters == 12 * (4 + 2 + 5 + 14))
        for i in seriesIndexes(w, name: "node_disk_read_bytes_total") + seriesIndexes(w, name: "node_disk_written_bytes_total") {
            #expect(Self.bySeries[i].allSatisfy { $0.value.truncatingRemainder(dividingBy: 512) == 0 })
        }
    }

    @Test func cpuModesSumToExactlyOneHundredWithTwoDecimals() {
        let w = Self.workload
        for host in 0..<w.configuration.hosts {
            let modes = seriesIndexes(w, name: "node_cpu_usage_percent").filter { w.series[$0].host == host }
            #expect(modes.count == 8)
            for k in 0..<w.configuration.scrapes {
                var hundredths = 0
                for i in modes {
                    let v = Self.bySeries[i][k].value
                    let h = (v * 100).rounded()
                    #expect(h / 100 == v, "\(v) has more than two decimals")
                    #expect(v >= 0 && v <= 100)
                    hundredths += Int(h)
                }
                #expect(hundredths == 10_000)
            }
            // Slowly wandering: idle moves, but not by more than a few points per scrape.
            let idle = modes.first { w.series[$0].labels["mode"] == "idle" }!
            let values = Self.bySeries[idle].map(\.value)
            #expect(Set(values).count > 20)
            #expect(zip(values, values.dropFirst()).allSatisfy { abs($1 - $0) < 15 })
        }
    }

    @Test func loadAveragesHaveTwoDecimalsAndSmoothOut() {
        let w = Self.workload
        for host in 0..<w.configuration.hosts {
            func values(_ name: String) -> [Double] {
                Self.bySeries[seriesIndexes(w, name: name).first { w.series[$0].host == host }!].map(\.value)
            }
            let l1 = values("node_load1"), l15 = values("node_load15")
            for v in l1 + l15 { #expect(((v * 100).rounded() / 100) == v && v >= 0) }
            func roughness(_ xs: [Double]) -> Double { zip(xs, xs.dropFirst()).map { abs($1 - $0) }.reduce(0, +) }
            #expect(roughness(l15) < roughness(l1))
        }
    }

    @Test func memoryIsPageAlignedConsistentAndChangesALittle() {
        let w = Self.workload
        for host in 0..<w.configuration.hosts {
            func values(_ field: String) -> [Double] {
                Self.bySeries[seriesIndexes(w, name: "node_memory_\(field)_bytes").first { w.series[$0].host == host }!].map(\.value)
            }
            let total = values("MemTotal"), available = values("MemAvailable"), free = values("MemFree")
            let cached = values("Cached"), buffers = values("Buffers")
            #expect(Set(total).count == 1)
            for k in 0..<w.configuration.scrapes {
                for v in [available[k], free[k], cached[k], buffers[k]] { #expect(v.truncatingRemainder(dividingBy: 4096) == 0 && v >= 0) }
                #expect(free[k] + cached[k] + buffers[k] <= available[k] && available[k] <= total[k])
            }
            #expect(Set(available).count > 100)
            #expect(zip(available, available.dropFirst()).allSatisfy { abs($1 - $0) < total[0] * 0.02 })
        }
    }

    @Test func histogramIsConsistentWithTheRequestCounters() {
        let w = Self.workload
        for host in 0..<w.configuration.hosts {
            let mine = { (i: Int) in w.series[i].host == host }
            let requests = seriesIndexes(w, name: "http_requests_total").filter(mine)
            let buckets = seriesIndexes(w, name: "http_request_duration_seconds_bucket").filter(mine)
            let count = seriesIndexes(w, name: "http_request_duration_seconds_count").first(where: mine)!
            let sum = seriesIndexes(w, name: "http_request_duration_seconds_sum").first(where: mine)!
            #expect(requests.count == 5 && buckets.count == 12)
            let bounds = buckets.map { w.series[$0].labels["le"]! }
            #expect(bounds == ["0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"])
            for k in 0..<w.configuration.scrapes {
                let total = requests.map { Self.bySeries[$0][k].value }.reduce(0, +)
                let cumulative = buckets.map { Self.bySeries[$0][k].value }
                #expect(zip(cumulative, cumulative.dropFirst()).allSatisfy { $0 <= $1 })
                #expect(cumulative.last! == Self.bySeries[count][k].value)
                #expect(total == Self.bySeries[count][k].value)
                let mean = Self.bySeries[sum][k].value / Self.bySeries[count][k].value
                #expect(mean > 0.005 && mean < 2)
            }
            // 200s dominate, 500s are rare.
            let byCode = Dictionary(uniqueKeysWithValues: requests.map { (w.series[$0].labels["code"]!, Self.bySeries[$0].last!.value) })
            #expect(byCode["200"]! > 10 * byCode["404"]! && byCode["404"]! > byCode["500"]!)
        }
    }

    @Test func ratesAreRealistic() {
        let w = Self.workload
        for i in seriesIndexes(w, name: "node_network_receive_bytes_total") + seriesIndexes(w, name: "node_disk_written_bytes_total") {
            let s = Self.bySeries[i]
            let perSecond = (s.last!.value - s.first!.value) / (Double(s.last!.timestamp - s.first!.timestamp) / 1000)
            #expect(perSecond > 1_000 && perSecond < 1_000_000_000, "\(w.series[i].labels): \(perSecond) B/s")
        }
    }
}
