import Foundation
import Testing
import TidemarkStorage
import TidemarkWorkloads
@testable import TidemarkQuery

/// 10 h of node-workload data for 2 hosts at 15 s: the first 8 h in raw 2 h blocks
/// with 5m and 1h rollups, the last 2 h in the head (never rolled up).
enum RollupFixture {
    static let h: Int64 = 3_600_000
    /// Data starts here (a multiple of 1 day, so windows and blocks align with it).
    static let start: Int64 = 1_699_920_000_000

    static let shared: RollupTestDB = try! RollupTestDB([
        RollupResolution(window: 300_000, minAge: 0, blockSpan: 2 * h),
        RollupResolution(window: h, minAge: 0, blockSpan: 4 * h),
    ]) { db in
        let scrapes = 10 * 240
        let w = NodeWorkload(.init(hosts: 2, scrapes: scrapes, seed: 7, start: start, interval: 15_000, jitter: 3))
        var ts = [[Int64]](repeating: [], count: w.series.count)
        var vs = [[Double]](repeating: [], count: w.series.count)
        for s in w {
            ts[s.series].append(s.timestamp)
            vs[s.series].append(s.value)
        }
        let order = w.series.indices.sorted { w.series[$0].labels < w.series[$1].labels }
        let blockRange: Int64 = 2 * 3_600_000
        let rawEnd: Int64 = start + 4 * blockRange
        var b: Int64 = start
        while b < rawEnd {
            var series: [(labels: Labels, timestamps: [Int64], values: [Double])] = []
            for i in order {
                let r = ts[i].indices.filter { ts[i][$0] >= b && ts[i][$0] < b + blockRange }
                series.append((w.series[i].labels, r.map { ts[i][$0] }, r.map { vs[i][$0] }))
            }
            try db.writeBlock(minTime: b, maxTime: b + blockRange, series: series)
            b += blockRange
        }
        let app = db.appender()
        for i in w.series.indices {
            for k in ts[i].indices where ts[i][k] >= rawEnd { try app.append(w.series[i].labels, ts[i][k], vs[i][k]) }
        }
        try app.commit()
    }
}

@Suite struct RollupEquivalenceTests {
    let f = RollupFixture.shared
    let h = RollupFixture.h
    let s = RollupFixture.start

    static let exactFunctions = ["count_over_time", "min_over_time", "max_over_time", "last_over_time", "first_over_time",
                                 "present_over_time", "ts_of_last_over_time", "ts_of_first_over_time", "resets", "delta"]
    static let selectors = ["node_load1", "node_cpu_usage_percent", "node_memory_MemFree_bytes", "node_disk_read_bytes_total",
                            "node_network_receive_bytes_total{device=\"eth0\"}"]
    static let counters = ["node_disk_read_bytes_total", "node_network_receive_bytes_total"]

    @Test(arguments: ["5m", "15m", "1h", "2h"])
    func rangeFunctionsEqualRawOverManySteps(range: String) throws {
        var points = 0
        for sel in Self.selectors {
            for fn in Self.exactFunctions {
                for step: Int64 in [300_000, 900_000, h] {
                    points += try f.compare("\(fn)(\(sel)[\(range)])", s + 2 * h, s + 10 * h, step)
                }
            }
            for fn in ["sum_over_time", "avg_over_time"] {
                points += try f.compare("\(fn)(\(sel)[\(range)])", s + h, s + 10 * h, 300_000, tolerance: 1e-12)
            }
        }
        for sel in Self.counters {
            for fn in ["rate", "increase"] {
                for step: Int64 in [300_000, h] {
                    points += try f.compare("\(fn)(\(sel)[\(range)])", s + h, s + 10 * h, step)
                }
            }
        }
        #expect(points > 10_000)
    }

    @Test func offsetsAtAndAggregationsEqualRaw() throws {
        try f.compare("max_over_time(node_load1[1h] offset 1h)", s + 3 * h, s + 9 * h, h)
        try f.compare("rate(node_disk_read_bytes_total[30m] offset 5m)", s + h, s + 9 * h, 300_000)
        try f.compare("sum by (instance) (rate(node_network_receive_bytes_total[1h]))", s + 2 * h, s + 10 * h, h, tolerance: 1e-12)
        try f.compare("max by (mode) (max_over_time(node_cpu_usage_percent[2h]))", s + 2 * h, s + 10 * h, 15 * 60_000)
        try f.compare("count_over_time(node_load1[3h] @ \(Double(s + 6 * h) / 1000))", s, s + 10 * h, h)
        try f.compare("max_over_time(max_over_time(node_load5[10m])[2h:10m])", s + 3 * h, s + 9 * h, h)
        try f.compare("increase(node_disk_written_bytes_total[1h]) / 3600 - rate(node_disk_written_bytes_total[1h])", s + 2 * h, s + 8 * h, h)
    }

    @Test func alignedQueriesAreServedFromRollupsAndSayWhich() throws {
        let q = try PromQL.parse("max_over_time(node_load1[1h])")
        let plan = f.rollups.explain(q, start: s + 2 * h, end: s + 10 * h, step: h)
        #expect(plan.contains("rollup selects (1)"))
        #expect(plan.contains("at 1h resolution for 7 of 9 steps; the other 2 read"))
        #expect(plan.contains("at raw resolution"))
        let five = f.rollups.explain(try PromQL.parse("rate(node_disk_read_bytes_total[15m])"), start: s + 2 * h, end: s + 4 * h, step: 300_000)
        #expect(five.contains("at 5m resolution") && !five.contains("raw resolution"))
        // Far fewer values read than raw samples.
        let r1 = try f.rollups.rangeQuery(q, start: s + 2 * h, end: s + 7 * h, step: h)
        let r2 = try f.raw.rangeQuery(q, start: s + 2 * h, end: s + 7 * h, step: h)
        #expect(r1.stats.samplesRead * 50 < r2.stats.samplesRead)
    }

    @Test(arguments: [
        "max_over_time(node_load1[7m])",                    // range not a multiple of a window
        "max_over_time(node_load1[1h] offset 1m)",          // reference times not aligned
        "quantile_over_time(0.5, node_load1[1h])",          // not computable from the summaries
        "stddev_over_time(node_load1[1h])",
        "irate(node_disk_read_bytes_total[1h])",
        "changes(node_load1[1h])",
        "max_over_time(node_load1[1h] anchored)",
        "node_load1",
    ])
    func nonEquivalentQueriesStayRaw(query: String) throws {
        let plan = f.rollups.explain(try PromQL.parse(query), start: s + 2 * h, end: s + 8 * h, step: h)
        #expect(!plan.contains("rollup"), "\(plan)")
        #expect(plan.contains("at raw resolution"))
    }

    @Test func unalignedStepsStayRaw() throws {
        let plan = f.rollups.explain(try PromQL.parse("max_over_time(node_load1[1h])"), start: s + 2 * h, end: s + 8 * h, step: 60_000)
        #expect(!plan.contains("rollup"))
        let shifted = f.rollups.explain(try PromQL.parse("max_over_time(node_load1[1h])"), start: s + 2 * h + 1000, end: s + 8 * h, step: h)
        #expect(!shifted.contains("rollup"))
        try f.compare("max_over_time(node_load1[1h])", s + 2 * h + 1000, s + 8 * h, h)
    }
}
