import Testing
@testable import TidemarkCLI
import TidemarkRemoteWrite
import TidemarkStorage
import TidemarkWorkloads

/// The request bodies of the HTTP ingest phases decode back to exactly the workload,
/// each series on one connection in time order.
@Suite("bench request bodies")
struct ShardedBodiesTests {
    let workload = CPUOnlyWorkload(hosts: 3, rounds: 7, seed: 3, start: 1_700_000_000_000)

    /// Every sample of every wave, decoded, per shard in sending order.
    func decoded<E: BodyEncoder>(_ encoders: [E], budget: Int, _ decode: ([UInt8]) throws -> [(Labels, Int64, Double)]) throws -> (shards: [[(Labels, Int64, Double)]], waves: Int) {
        var bodies = ShardedBodies(workload, encoders: encoders, budget: budget)
        var shards = [[(Labels, Int64, Double)]](repeating: [], count: encoders.count)
        var waves = 0
        while let wave = bodies.nextWave() {
            waves += 1
            #expect(wave.count == encoders.count)
            for (i, list) in wave.enumerated() {
                for body in list {
                    let samples = try decode(body.bytes)
                    #expect(samples.count == body.samples)
                    shards[i] += samples
                }
            }
        }
        return (shards, waves)
    }

    func check(_ shards: [[(Labels, Int64, Double)]]) {
        let all = shards.flatMap { $0 }
        #expect(all.count == workload.sampleCount)
        var expected: [Labels: [(Int64, Double)]] = [:]
        for s in workload.makeSamples() { expected[workload.labels[s.series], default: []].append((s.timestamp, s.value)) }
        var got: [Labels: [(Int64, Double)]] = [:]
        for (shard, samples) in shards.enumerated() {
            for (l, t, v) in samples {
                got[l, default: []].append((t, v))
                let index = workload.labels.firstIndex(of: l) ?? -1
                #expect(index % shards.count == shard, "\(l) on shard \(shard)")
            }
        }
        #expect(got.keys.count == expected.keys.count)
        for (l, points) in expected {
            #expect(got[l]?.map(\.0) == points.map(\.0), "\(l): timestamps, in order")
            #expect(got[l]?.map(\.1.bitPattern) == points.map(\.1.bitPattern), "\(l): values")
        }
    }

    @Test func remoteWriteBodiesDecodeToTheWorkload() throws {
        let (shards, waves) = try decoded(RemoteWriteBodyEncoder.shards(workload, count: 2, batch: 25), budget: 1 << 20) { bytes in
            let request = try WriteRequest(decoding: try Snappy.decompress(bytes, maxLength: 1 << 24))
            #expect(request.timeseries.count <= 25)
            return request.timeseries.map { ts in
                #expect(ts.samples.count == 1)
                return (Labels(ts.labels.map { Label($0.name, $0.value) }), ts.samples[0].timestamp, ts.samples[0].value)
            }
        }
        #expect(waves == 1)
        check(shards)
    }

    @Test func importChunksParseToTheWorkloadInSmallWaves() throws {
        let (shards, waves) = try decoded(ImportBodyEncoder.shards(workload, count: 3, chunkBytes: 1024), budget: 4096) { bytes in
            #expect(bytes.count < 1024 + 512 && bytes.last == UInt8(ascii: "\n"))
            var parser = ExpositionParser(bytes, format: .prometheusText, defaultTimestamp: 0)
            var out: [(Labels, Int64, Double)] = []
            while let entry = try parser.next() {
                if case .sample(let s) = entry { out.append((try parser.labels(of: s), s.timestamp, s.value)) }
            }
            return out
        }
        #expect(waves > 1)
        check(shards)
    }
}
