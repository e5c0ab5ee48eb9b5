import Testing
import TidemarkRemoteWrite

/// `FlatWriteRequest`: samples decoded, labels kept as bytes (a cache key) until asked for.
@Suite struct FlatWriteRequestTests {
    static func series(_ labels: [(String, String)], _ samples: [(Int64, Double)]) -> WriteRequest.TimeSeries {
        .init(labels: labels.map { .init($0.0, $0.1) }, samples: samples.map { .init(value: $0.1, timestamp: $0.0) })
    }

    func key(_ flat: FlatWriteRequest, _ i: Int) -> [UInt8]? {
        flat.series[i].labelBytes.map { Array(flat.bytes[$0]) }
    }

    @Test func labelBytesAreTheSameForTheSameLabelsInAnyRequest() throws {
        let a = Self.series([("__name__", "up"), ("job", "a")], [(1000, 1)])
        let b = Self.series([("__name__", "up"), ("job", "b")], [(1000, 2), (2000, 3)])
        let first = try FlatWriteRequest(WriteRequest(timeseries: [a, b]).serialized())
        let second = try FlatWriteRequest(WriteRequest(timeseries: [b, a, b]).serialized())
        #expect(key(first, 0) != nil && key(first, 0) != key(first, 1))
        #expect(key(first, 0) == key(second, 1))
        #expect(key(first, 1) == key(second, 0) && key(second, 0) == key(second, 2))
        #expect(first.samples(of: first.series[1]).map(\.timestamp) == [1000, 2000])
        #expect(second.samples.count == 5)
        // The key is exactly the label fields: decoding it alone gives the labels.
        #expect(try first.labels(of: first.series[1]) == b.labels)
        #expect(try WriteRequest(first) == WriteRequest(timeseries: [a, b]))
    }

    @Test func labelOrderAndEmptyValuesGiveOtherBytes() throws {
        let sorted = Self.series([("__name__", "up"), ("job", "a")], [(1, 1)])
        let reversed = Self.series([("job", "a"), ("__name__", "up")], [(1, 1)])
        let withEmpty = Self.series([("__name__", "up"), ("job", "a"), ("x", "")], [(1, 1)])
        let flat = try FlatWriteRequest(WriteRequest(timeseries: [sorted, reversed, withEmpty]).serialized())
        #expect(Set([key(flat, 0), key(flat, 1), key(flat, 2)]).count == 3)
        #expect(try flat.labels(of: flat.series[1]) == reversed.labels)
    }

    @Test func interleavedLabelsHaveNoKeyButStillDecode() throws {
        // labels, a sample, then another label: not adjacent.
        var ts = ProtobufWriter()
        ts.writeBytes(1, [0x0a, 0x01, 0x61, 0x12, 0x01, 0x62])
        ts.writeBytes(2, [0x10, 0x05])
        ts.writeBytes(1, [0x0a, 0x01, 0x63, 0x12, 0x01, 0x64])
        var w = ProtobufWriter()
        w.writeBytes(1, ts.bytes)
        let flat = try FlatWriteRequest(w.bytes)
        #expect(flat.series[0].labelBytes == nil)
        #expect(try flat.labels(of: flat.series[0]) == [.init("a", "b"), .init("c", "d")])
        #expect(flat.samples == [.init(value: 0, timestamp: 5)])
        // An unknown field between labels also breaks adjacency; one after them does not.
        var between = ProtobufWriter()
        between.writeBytes(1, [0x0a, 0x01, 0x61])
        between.writeInt64(9, 1)
        between.writeBytes(1, [0x0a, 0x01, 0x63])
        var after = ProtobufWriter()
        after.writeBytes(1, [0x0a, 0x01, 0x61])
        after.writeInt64(9, 1)
        var req = ProtobufWriter()
        req.writeBytes(1, between.bytes)
        req.writeBytes(1, after.bytes)
        req.writeBytes(1, [])
        let two = try FlatWriteRequest(req.bytes)
        #expect(two.series[0].labelBytes == nil)
        #expect(two.series[1].labelBytes.map { Array(two.bytes[$0]) } == [0x0a, 0x03, 0x0a, 0x01, 0x61])
        #expect(two.series[2].labelBytes == nil && two.series[2].samples.isEmpty)
    }

    @Test func malformedLabelsFailOnlyWhenDecoded() throws {
        // A label whose name is not UTF-8, then a good series.
        var w = ProtobufWriter()
        w.writeBytes(1, [0x0a, 0x03, 0x0a, 0x01, 0xff])
        w.writeBytes(1, Self.series([("__name__", "up")], [(1, 1)]).encodedForTest())
        let flat = try FlatWriteRequest(w.bytes)
        #expect(flat.series.count == 2)
        #expect(throws: ProtobufError.self) { try flat.labels(of: flat.series[0]) }
        #expect(try flat.labels(of: flat.series[1]) == [.init("__name__", "up")])
        #expect(throws: ProtobufError.self) { try WriteRequest(decoding: w.bytes) }
        // A truncated label message inside the series fails at once.
        #expect(throws: ProtobufError.self) { try FlatWriteRequest([0x0a, 0x04, 0x0a, 0x05, 0x0a, 0x01]) }
    }
}

extension WriteRequest.TimeSeries {
    /// This series' `TimeSeries` message alone.
    func encodedForTest() -> [UInt8] {
        let whole = WriteRequest(timeseries: [self]).serialized()
        let payload = whole.withUnsafeBytes { raw in
            var reader = ProtobufReader(raw)
            _ = try! reader.readTag()
            return try! reader.readLengthDelimited()
        }
        return Array(whole[payload])
    }
}
