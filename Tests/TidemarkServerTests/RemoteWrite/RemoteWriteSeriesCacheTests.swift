import Testing
import TidemarkRemoteWrite
@testable import TidemarkServer
import TidemarkStorage

/// `/api/v1/write` with the series cache answers and stores exactly what it does
/// without it (Prometheus's semantics), while appending known series by reference.
@Suite struct RemoteWriteSeriesCacheTests {
    typealias Step = (body: [UInt8]?, compact: Bool)

    static func ts(_ labels: [(String, String)], _ t: Int64, _ v: Double) -> WriteRequest.TimeSeries {
        .init(labels: labels.map { .init($0.0, $0.1) }, samples: [.init(value: v, timestamp: t)])
    }

    static let a = [("__name__", "m"), ("job", "a")]
    static let b = [("__name__", "m"), ("job", "b")]

    /// A series whose labels are not adjacent (a sample between them).
    static func interleaved(_ t: Int64) -> [UInt8] {
        var ts = ProtobufWriter()
        ts.writeBytes(1, [0x0a, 0x08] + Array("__name__".utf8) + [0x12, 0x01] + Array("m".utf8))
        var sample = ProtobufWriter()
        sample.writeDouble(1, 8)
        sample.writeInt64(2, t)
        ts.writeBytes(2, sample.bytes)
        ts.writeBytes(1, [0x0a, 0x03] + Array("job".utf8) + [0x12, 0x01] + Array("a".utf8))
        var w = ProtobufWriter()
        w.writeBytes(1, ts.bytes)
        return w.bytes
    }

    static func steps(blockRange: Int64) -> [Step] {
        func req(_ s: WriteRequest.TimeSeries...) -> [UInt8]? { WriteRequest(timeseries: s).serialized() }
        var badUTF8 = WriteRequest(timeseries: [ts(a, 6000, 7)]).serialized()
        badUTF8 += [0x0a, 0x07, 0x0a, 0x05, 0x0a, 0x01, 0xff, 0x12, 0x00]
        let late = 3 * blockRange
        return [
            (req(ts(a, 1000, 1), ts(b, 1000, 2)), false),
            (req(ts(a, 2000, 3)), false),
            (req(ts([("job", "a"), ("__name__", "m")], 3000, 4)), false),  // other order, same series
            (req(ts(a + [("x", "")], 4000, 5)), false),  // an empty value is no label
            (req(ts([("__name__", "m"), ("job", "b"), ("job", "a")], 5000, 6)), false),  // the last duplicate wins
            (req(ts(a, 5000, 6), ts(a, 4500, 1), ts(b, 1000, 9), ts(b, 2000, 10)), false),  // repeat, out of order, duplicate
            (req(ts([("job", "x")], 1, 1), ts([("__name__", "m"), ("", "v")], 1, 1), ts(a, 5500, 2)), false),  // invalid labels
            (badUTF8, false),  // rejected whole, the cached series' sample too
            (interleaved(7000), false),
            (req(ts(a, 7000, 9)), false),  // duplicate of the interleaved one
            (nil, true),  // everything persisted: the head forgets the series
            (req(ts(a, 8000, 1)), false),  // out of bounds now
            (req(ts(a, late, 1), ts(b, late, 1)), false),  // the series again, as new head series
            (req(ts(a, late + 1000, 2), ts(a, late + 500, 3)), false),
        ]
    }

    func run(cacheBytes: Int) async throws -> (answers: [String], stored: [String], fixture: APIFixture, cachedBeforeCompaction: Int) {
        var o = ServerOptions()
        o.remoteWriteCacheBytes = cacheBytes
        let f = try APIFixture("rw-cache-\(cacheBytes)", options: o)
        var answers: [String] = []
        var cachedBeforeCompaction = 0
        for step in Self.steps(blockRange: f.db.options.blockRange) {
            if step.compact {
                // Counted before the head forgets series: afterwards entries go stripe by
                // stripe as lookups sweep them, which depends on the hash seed.
                cachedBeforeCompaction = f.api.remoteWriteSeries?.count ?? 0
                try f.db.compactHead(force: true)
            }
            guard let body = step.body else { continue }
            let r = await f.api.remoteWrite(APIRequest(headers: ["content-encoding": "snappy"], body: Snappy.compress(body)))
            answers.append("\(r.status) \(r.text)")
        }
        let series = try f.db.querier().select([.equal("__name__", "m")], mint: .min, maxt: .max)
        let stored = try series.map { s in "\(s.labels) " + (try s.samples()).map { "\($0.timestamp)=\($0.value)" }.joined(separator: ",") }
        return (answers, stored, f, cachedBeforeCompaction)
    }

    @Test func sameAnswersAndDataWithAndWithoutTheCache() async throws {
        let (cachedAnswers, cachedData, cached, entries) = try await run(cacheBytes: 1 << 20)
        defer { cached.close() }
        let (plainAnswers, plainData, plain, _) = try await run(cacheBytes: 0)
        defer { plain.close() }
        #expect(plain.api.remoteWriteSeries == nil)
        #expect(cachedAnswers == plainAnswers)
        #expect(cachedData == plainData)
        // The expected story, spelled out.
        #expect(cachedAnswers[0...4].allSatisfy { $0 == "204 " })
        #expect(cachedAnswers[5] == "400 out of order sample for series {__name__=\"m\", job=\"a\"}\nduplicate sample for timestamp for series {__name__=\"m\", job=\"b\"}\n")
        #expect(cachedAnswers[6].hasPrefix("400 invalid metric name or labels (no metric name)"))
        #expect(cachedAnswers[7].hasPrefix("400 protobuf: string is not valid UTF-8"))
        #expect(cachedAnswers[10].hasPrefix("400 out of bounds for series {__name__=\"m\", job=\"a\"}"))
        let late = 3 * cached.db.options.blockRange
        #expect(cachedData.contains("m{job=\"a\"} 1000=1.0,2000=3.0,3000=4.0,4000=5.0,5000=6.0,5500=2.0,7000=8.0,\(late)=1.0,\(late + 1000)=2.0"))
        // Known series went by reference: one entry per distinct label encoding seen.
        #expect(entries >= 4)
        #expect(cached.api.remoteWriteSeries!.count >= 2)  // the two series sent again late
    }

    @Test func resentSeriesIsFoundByItsBytes() async throws {
        let f = try APIFixture("rw-cache-resend")
        defer { f.close() }
        let cache = try #require(f.api.remoteWriteSeries)
        for t in stride(from: Int64(1000), through: 5000, by: 1000) {
            let body = WriteRequest(timeseries: [Self.ts(Self.a, t, 1), Self.ts(Self.b, t, 2)]).serialized()
            #expect(await f.api.remoteWrite(APIRequest(body: Snappy.compress(body))).status == 204)
        }
        #expect(cache.count == 2 && f.db.headSeriesCount == 2)
        let flat = try FlatWriteRequest(WriteRequest(timeseries: [Self.ts(Self.a, 1, 1)]).serialized())
        let ref = flat.bytes.withUnsafeBytes { cache.lookup(UnsafeRawBufferPointer(rebasing: $0[flat.series[0].labelBytes!])) }
        #expect(ref?.labels == Labels(["__name__": "m", "job": "a"]))
        let stored = try f.db.querier().select([.equal("job", "a")], mint: .min, maxt: .max)
        #expect(stored.count == 1)
        #expect(try stored[0].samples().count == 5)
    }
}
