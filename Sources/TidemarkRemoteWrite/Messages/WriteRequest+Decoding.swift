extension WriteRequest {
    /// Decodes a serialized `WriteRequest` (already snappy-decompressed).
    public init(decoding bytes: [UInt8]) throws(ProtobufError) {
        try self.init(FlatWriteRequest(bytes))
    }

    /// The request `flat` holds, every label decoded (and checked).
    public init(_ flat: FlatWriteRequest) throws(ProtobufError) {
        var series: [TimeSeries] = []
        series.reserveCapacity(flat.series.count)
        for s in flat.series {
            var ts = TimeSeries(labels: try flat.labels(of: s), samples: Array(flat.samples(of: s)))
            ts.skippedExemplars = s.skippedExemplars
            ts.skippedHistograms = s.skippedHistograms
            series.append(ts)
        }
        self.init(timeseries: series, metadata: flat.metadata)
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
