import TidemarkEncoding

/// A decoded WAL record.
///
/// Payload layouts (docs/format/wal.md):
/// - series: repeated { uvarint id, uvarint label count, (uvarint len, bytes) name, value … }
/// - samples: uvarint count, uvarint base id, varint base time, then per sample
///   { varint id − base id, varint t − base time, 8 bytes value bits LE }
public enum WALRecord: Equatable, Sendable {
    /// Series definitions: id → labels. Written before any sample that uses the id.
    case series([WALSeries])
    /// Samples of series defined earlier in the WAL.
    case samples([WALSample])

    /// The record type byte.
    public enum Kind: UInt8, Sendable {
        case series = 1
        case samples = 2
    }

    public var kind: Kind {
        switch self {
        case .series: return .series
        case .samples: return .samples
        }
    }

    /// Encodes the payload (without the frame).
    public func encodePayload(into out: inout [UInt8]) {
        switch self {
        case .series(let list):
            for s in list {
                Varint.append(s.id, to: &out)
                Varint.append(UInt64(s.labels.count), to: &out)
                for l in s.labels {
                    Self.appendString(l.name, to: &out)
                    Self.appendString(l.value, to: &out)
                }
            }
        case .samples(let list):
            Self.encodeSamples(list[...], into: &out)
        }
    }

    static func encodeSamples(_ list: ArraySlice<WALSample>, into out: inout [UInt8]) {
        Varint.append(UInt64(list.count), to: &out)
        guard let first = list.first else { return }
        Varint.append(first.id, to: &out)
        Varint.appendSigned(first.t, to: &out)
        for s in list {
            Varint.appendSigned(Int64(bitPattern: s.id &- first.id), to: &out)
            Varint.appendSigned(s.t &- first.t, to: &out)
            withUnsafeBytes(of: s.v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        }
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        var s = s
        s.withUTF8 { u in
            Varint.append(UInt64(u.count), to: &out)
            out.append(contentsOf: u)
        }
    }

    /// Decodes a payload of the given kind; `reader` covers exactly the payload.
    public static func decode(kind: UInt8, _ reader: inout ByteReader) throws(ByteReader.Truncated) -> WALRecord? {
        switch Kind(rawValue: kind) {
        case .series:
            var list: [WALSeries] = []
            while !reader.isAtEnd {
                let id = try reader.uvarint("series id")
                let n = try reader.count("label count", limit: reader.remaining / 2)
                var labels: [Label] = []
                labels.reserveCapacity(n)
                for _ in 0..<n {
                    let name = try reader.string("label name")
                    let value = try reader.string("label value")
                    labels.append(Label(name, value))
                }
                list.append(WALSeries(id: id, labels: Labels(labels)))
            }
            return .series(list)
        case .samples:
            let n = try reader.count("sample count", limit: reader.remaining / 10)
            var list: [WALSample] = []
            list.reserveCapacity(n)
            if n > 0 {
                let baseID = try reader.uvarint("base series id")
                let baseT = try reader.varint("base timestamp")
                for _ in 0..<n {
                    let dID = try reader.varint("series id delta")
                    let dT = try reader.varint("timestamp delta")
                    let bits = try reader.u64("sample value")
                    list.append(WALSample(id: baseID &+ UInt64(bitPattern: dID), t: baseT &+ dT, v: Double(bitPattern: bits)))
                }
            }
            return .samples(list)
        case nil:
            return nil
        }
    }
}

/// A series definition in the WAL.
public struct WALSeries: Equatable, Sendable {
    public var id: UInt64
    public var labels: Labels
    public init(id: UInt64, labels: Labels) {
        self.id = id
        self.labels = labels
    }
}

/// One sample in the WAL; equality compares value bits, so NaN payloads count.
public struct WALSample: Equatable, Sendable {
    public var id: UInt64
    public var t: Int64
    public var v: Double
    public init(id: UInt64, t: Int64, v: Double) {
        self.id = id
        self.t = t
        self.v = v
    }
    public static func == (a: WALSample, b: WALSample) -> Bool {
        a.id == b.id && a.t == b.t && a.v.bitPattern == b.v.bitPattern
    }
}
