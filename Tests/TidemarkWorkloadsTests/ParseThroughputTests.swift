#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import TidemarkStorage
import TidemarkWorkloads

/// Parse correctness on large realistic inputs, printing lines/s (never asserted: speed
/// targets are checked by benchmarks, not unit tests). Release figures:
/// `swift test -c release --scratch-path .build-expo --filter ParseThroughputTests`
@Suite("Exposition parse throughput", .serialized)
struct ParseThroughputTests {
    static func seconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// The workload as exposition text, time-major (as scrapes would arrive).
    static func text(_ w: NodeWorkload, _ format: ExpositionFormat) -> (bytes: [UInt8], valueSum: Double) {
        let texts = w.series.map { ExpositionWriter.seriesText($0.labels) }
        var writer = ExpositionWriter(format: format, reserveCapacity: w.sampleCount * 160)
        var sum = 0.0
        for s in w {
            writer.write(seriesText: texts[s.series], timestamp: s.timestamp, value: s.value)
            sum += s.value
        }
        writer.finish()
        return (writer.output, sum)
    }

    /// One test for both formats, so the two measurements never share the CPU.
    @Test func parseOnly() throws {
        for format in ExpositionFormat.allCases { try measureParseOnly(format) }
    }

    func measureParseOnly(_ format: ExpositionFormat) throws {
        #if DEBUG
        let w = NodeWorkload(.init(hosts: 100, scrapes: 10, seed: 5))
        #else
        let w = NodeWorkload(.init(hosts: 1000, scrapes: 25, seed: 5))
        #endif
        let (bytes, expectedSum) = Self.text(w, format)
        var best = 0.0
        for _ in 0..<3 {
            let t0 = Self.seconds()
            var parser = ExpositionParser(bytes, format: format, defaultTimestamp: 0)
            var n = 0
            var sum = 0.0
            while let e = try parser.next() {
                if case .sample(let s) = e { n += 1; sum += s.value }
            }
            let dt = Self.seconds() - t0
            #expect(n == w.sampleCount)
            #expect(sum == expectedSum)
            best = max(best, Double(n) / dt)
        }
        let mb = Double(bytes.count) / 1e6
        print("parse-only \(format): \(w.sampleCount) lines, \(Int(mb)) MB (\(bytes.count / w.sampleCount) B/line): best of 3 \(Int(best / 1000)) k lines/s")
        // Speed is reported, not asserted: targets are checked by benchmarks (house rule).
    }

    /// Parse plus a cache keyed by the raw series bytes, building `Labels` on a miss:
    /// the importer's loop without the storage side.
    @Test func parseAndLabelsOnFirstSight() throws {
        #if DEBUG
        let w = NodeWorkload(.init(hosts: 100, scrapes: 10, seed: 6))
        #else
        let w = NodeWorkload(.init(hosts: 1000, scrapes: 25, seed: 6))
        #endif
        let (bytes, _) = Self.text(w, .prometheusText)
        let t0 = Self.seconds()
        var parser = ExpositionParser(bytes, format: .prometheusText, defaultTimestamp: 0)
        var cache: [Int: [(key: ArraySlice<UInt8>, labels: Labels)]] = [:]
        var n = 0
        var distinct: Set<Labels> = []
        while let e = try parser.next() {
            guard case .sample(let s) = e else { continue }
            n += 1
            let key = parser.seriesBytes(of: s)
            let h = Self.hash(key)
            if cache[h]?.contains(where: { $0.key == key }) != true {
                let labels = try parser.labels(of: s)
                cache[h, default: []].append((key, labels))
                distinct.insert(labels)
            }
        }
        let dt = Self.seconds() - t0
        #expect(n == w.sampleCount)
        #expect(distinct == Set(w.series.map(\.labels)))
        print("parse + raw-bytes cache + labels on miss: \(Int(Double(n) / dt / 1000)) k samples/s (\(distinct.count) series)")
    }

    /// FNV-1a over 8-byte words: cheap enough for a per-sample lookup.
    static func hash(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.withUnsafeBytes { raw in
            var h: UInt64 = 0xCBF2_9CE4_8422_2325
            var i = 0
            while raw.count - i >= 8 {
                h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0x100_0000_01B3
                i += 8
            }
            while i < raw.count { h = (h ^ UInt64(raw[i])) &* 0x100_0000_01B3; i += 1 }
            return Int(truncatingIfNeeded: h ^ (h >> 32))
        }
    }

    @Test func generatorThroughput() {
        let w = NodeWorkload(.init(hosts: 200, scrapes: 60, seed: 8))
        let t0 = Self.seconds()
        var n = 0
        var sum = 0.0
        for s in w { n += 1; sum += s.value }
        let dt = Self.seconds() - t0
        #expect(n == w.sampleCount && sum > 0)
        print("generator: \(Int(Double(n) / dt / 1000)) k samples/s")
    }
}
