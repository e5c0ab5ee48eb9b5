extension WriteRequest {
    /// The protobuf encoding (not compressed): what a remote-write sender posts after
    /// snappy compression.
    public func serialized() -> [UInt8] {
        var w = ProtobufWriter()
        for ts in timeseries {
            var t = ProtobufWriter()
            for l in ts.labels {
                var lw = ProtobufWriter()
                lw.writeString(1, l.name)
                lw.writeString(2, l.value)
                t.writeBytes(1, lw.bytes)
            }
            for s in ts.samples {
                var sw = ProtobufWriter()
                sw.writeDouble(1, s.value)
                sw.writeInt64(2, s.timestamp)
                t.writeBytes(2, sw.bytes)
            }
            w.writeBytes(1, t.bytes)
        }
        for m in metadata {
            var mw = ProtobufWriter()
            let t = Metadata.typeNames.firstIndex(of: m.type) ?? 0
            mw.writeTag(1, .varint)
            mw.writeVarint(UInt64(t))
            mw.writeString(2, m.metricFamilyName)
            mw.writeString(4, m.help)
            mw.writeString(5, m.unit)
            w.writeBytes(3, mw.bytes)
        }
        return w.bytes
    }
}
