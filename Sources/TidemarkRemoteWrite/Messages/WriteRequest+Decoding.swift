extension WriteRequest {
    /// Decodes a serialized `WriteRequest` (already snappy-decompressed).
    public init(decoding bytes: [UInt8]) throws(ProtobufError) {
        // withUnsafeBytes rethrows untyped errors, so the typed result travels out in a Result.
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(ProtobufError) -> WriteRequest in try WriteRequest(raw) }
        }
        self = try decoded.get()
    }

    /// Decodes the message in `raw`.
    init(_ raw: UnsafeRawBufferPointer) throws(ProtobufError) {
        var series: [TimeSeries] = []
        var metadata: [Metadata] = []
        var r = ProtobufReader(raw)
        while !r.isAtEnd {
            let (field, wt) = try r.readTag()
            switch (field, wt) {
            case (1, .lengthDelimited):
                let range = try r.readLengthDelimited()
                var sub = r.subReader(range)
                series.append(try TimeSeries(&sub, byteCount: range.count))
            case (3, .lengthDelimited):
                var sub = r.subReader(try r.readLengthDelimited())
                metadata.append(try Metadata(&sub))
            default:
                try r.skip(wt)
            }
        }
        self.init(timeseries: series, metadata: metadata)
    }
}

extension WriteRequest.TimeSeries {
    init(_ r: inout ProtobufReader, byteCount: Int) throws(ProtobufError) {
        self.init(labels: [], samples: [])
        // One allocation each in the common case: a sample takes at least 11 bytes on the wire.
        labels.reserveCapacity(8)
        samples.reserveCapacity(byteCount / 11)
        while !r.isAtEnd {
            let (field, wt) = try r.readTag()
            switch (field, wt) {
            case (1, .lengthDelimited):
                var sub = r.subReader(try r.readLengthDelimited())
                labels.append(try WriteRequest.Label(&sub))
            case (2, .lengthDelimited):
                var sub = r.subReader(try r.readLengthDelimited())
                samples.append(try WriteRequest.Sample(&sub))
            case (3, _):
                skippedExemplars += 1
                try r.skip(wt)
            case (4, _):
                skippedHistograms += 1
                try r.skip(wt)
            default:
                try r.skip(wt)
            }
        }
    }
}

extension WriteRequest.Label {
    init(_ r: inout ProtobufReader) throws(ProtobufError) {
        self.init("", "")
        while !r.isAtEnd {
            let (field, wt) = try r.readTag()
            switch (field, wt) {
            case (1, .lengthDelimited): name = try r.readString()
            case (2, .lengthDelimited): value = try r.readString()
            default: try r.skip(wt)
            }
        }
    }
}

extension WriteRequest.Sample {
    init(_ r: inout ProtobufReader) throws(ProtobufError) {
        self.init(value: 0, timestamp: 0)
        while !r.isAtEnd {
            let (field, wt) = try r.readTag()
            switch (field, wt) {
            case (1, .fixed64): value = Double(bitPattern: try r.readFixed64())
            case (2, .varint): timestamp = Int64(bitPattern: try r.readVarint())
            default: try r.skip(wt)
            }
        }
    }
}

extension WriteRequest.Metadata {
    init(_ r: inout ProtobufReader) throws(ProtobufError) {
        self.init(type: "unknown", metricFamilyName: "", help: "", unit: "")
        while !r.isAtEnd {
            let (field, wt) = try r.readTag()
            switch (field, wt) {
            case (1, .varint):
                let t = try r.readVarint()
                type = t < UInt64(Self.typeNames.count) ? Self.typeNames[Int(t)] : "unknown"
            case (2, .lengthDelimited): metricFamilyName = try r.readString()
            case (4, .lengthDelimited): help = try r.readString()
            case (5, .lengthDelimited): unit = try r.readString()
            default: try r.skip(wt)
            }
        }
    }
}
