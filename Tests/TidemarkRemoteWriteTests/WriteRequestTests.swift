import Testing
import TidemarkRemoteWrite

/// The hand-written protobuf decoder and snappy wrapper of remote write.
@Suite struct WriteRequestTests {
    /// `WriteRequest{timeseries: [{labels: [{a, b}], samples: [{value: 1.0, timestamp: 1000}]}]}`,
    /// encoded by hand from the protobuf spec (what Go's prompb writes).
    static let handEncoded: [UInt8] = [
        0x0a, 0x16,  // field 1 (timeseries), 22 bytes
        0x0a, 0x06, 0x0a, 0x01, 0x61, 0x12, 0x01, 0x62,  // labels: name "a", value "b"
        0x12, 0x0c, 0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xf0, 0x3f, 0x10, 0xe8, 0x07,  // sample: 1.0 @ 1000
    ]

    @Test func decodesHandEncodedBytes() throws {
        let r = try WriteRequest(decoding: Self.handEncoded)
        #expect(r == WriteRequest(timeseries: [.init(labels: [.init("a", "b")], samples: [.init(value: 1, timestamp: 1000)])]))
        #expect(WriteRequest(timeseries: r.timeseries).serialized() == Self.handEncoded)
    }

    @Test func roundTripKeepsEveryBitPattern() throws {
        let values: [Double] = [0, -0.0, .nan, Double(bitPattern: 0x7ff0_0000_0000_0002), .infinity, -.infinity, 1e-300, .greatestFiniteMagnitude]
        let r = WriteRequest(
            timeseries: [
                .init(labels: [.init("__name__", "x"), .init("ü", "💧\"\n")], samples: values.enumerated().map { .init(value: $0.element, timestamp: Int64($0.offset) - 3) }),
                .init(labels: [.init("__name__", "y")], samples: [.init(value: 1, timestamp: .min), .init(value: 2, timestamp: .max)]),
            ],
            metadata: [.init(type: "counter", metricFamilyName: "x", help: "help", unit: "seconds")])
        let back = try WriteRequest(decoding: r.serialized())
        #expect(back == r)
    }

    @Test func skipsUnknownFieldsExemplarsAndHistograms() throws {
        var ts = ProtobufWriter()
        ts.writeBytes(1, [0x0a, 0x01, 0x61, 0x12, 0x01, 0x62])
        ts.writeBytes(3, [0x0a, 0x00])  // exemplar
        ts.writeBytes(4, [0x08, 0x01])  // native histogram
        ts.writeBytes(11, [1, 2, 3])  // unknown length-delimited field
        ts.writeDouble(10, 1)  // unknown fixed64 field
        var w = ProtobufWriter()
        w.writeBytes(1, ts.bytes)
        w.writeInt64(7, 42)  // unknown varint field
        let r = try WriteRequest(decoding: w.bytes + [])
        #expect(r.timeseries.count == 1)
        #expect(r.timeseries[0].skippedExemplars == 1 && r.timeseries[0].skippedHistograms == 1)
    }

    @Test func everyTruncationFailsCleanly() {
        let full = WriteRequest(timeseries: [.init(labels: [.init("__name__", "up"), .init("job", "a")], samples: [.init(value: 1, timestamp: 5)])]).serialized()
        for n in 1..<full.count {
            // A cut may land between fields (a valid shorter message) or inside one (an error); never a crash.
            _ = try? WriteRequest(decoding: Array(full.prefix(n)))
        }
        #expect(throws: ProtobufError.self) { try WriteRequest(decoding: [0x0a, 0x05, 0x0a]) }
        #expect(throws: ProtobufError.self) { try WriteRequest(decoding: [0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]) }
        #expect(throws: ProtobufError.self) { try WriteRequest(decoding: [0x0b]) }  // wire type 3 (groups)
        #expect(throws: ProtobufError.self) { try WriteRequest(decoding: [0x0a, 0x03, 0x0a, 0x01, 0xff]) }  // label: invalid UTF-8... inside a label message
    }

    @Test func snappyRoundTripAndLimits() throws {
        let input = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let c = Snappy.compress(input)
        #expect(c.count < input.count)
        #expect(try Snappy.decompress(c, maxLength: 1 << 20) == input)
        #expect(throws: SnappyError.tooLarge(length: 100_000, limit: 1000)) { try Snappy.decompress(c, maxLength: 1000) }
        #expect(throws: SnappyError.corrupt) { try Snappy.decompress([0xff, 0xff, 0xff], maxLength: 1 << 20) }
        #expect(try Snappy.decompress(Snappy.compress([]), maxLength: 10) == [])
    }
}
