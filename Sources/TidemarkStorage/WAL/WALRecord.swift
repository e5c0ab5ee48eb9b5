import TidemarkEncoding

/// A decoded WAL record.
///
/// Payload layouts (docs/format/wal.md):
/// - series: repeated { uvarint id, uvarint label count, (uvarint len, bytes) name, value … }
/// - samples: uvarint count, uvarint base id, varint base time, then per sample
///   { varint id − base id, varint t − base time, 8 bytes value bits LE }
/// - samples with start: as samples, each sample followed by { u8 0 } (no start
///   timestamp) or { u8 1, varint t − start }
public enum WALRecord: Equatable, Sendable {
    /// Series definitions: id → labels. Written before any sample that uses the id.
    case series([WALSeries])
    /// Samples of series defined earlier in the WAL. Written as a `samples` record, or
    /// as a `samplesWithStart` record when some sample has a start timestamp.
    case samples([WALSample])

    /// The record type byte.
    public enum Kind: UInt8, Sendable {
        case series = 1
        case samples = 2
        case samplesWithStart = 3
    }

    public var kind: Kind {
        switch self {
        case .series: return .series
        case .samples(let list): return Self.samplesKind(list[...])
        }
    }

    /// The record type that holds these samples: the old `samples` layout unless one of
    /// them has a start timestamp.
    static func samplesKind(_ list: ArraySlice<WALSample>) -> Kind {
        list.contains { $0.st != nil } ? .samplesWithStart : .samples
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
        let withStart = samplesKind(list) == .samplesWithStart
        Varint.append(UInt64(list.count), to: &out)
        guard let first = list.first else { return }
        Varint.append(first.id, to: &out)
        Varint.appendSigned(first.t, to: &out)
        for s in list {
            Varint.appendSigned(Int64(bitPattern: s.id &- first.id), to: &out)
            Varint.appendSigned(s.t &- first.t, to: &out)
            withUnsafeBytes(of: s.v.bitPattern.littleEndian) { out.append(contentsOf: $0) }
            guard withStart else { continue }
            if let st = s.st {
                out.append(1)
                Varint.appendSigned(s.t &- st, to: &out)
            } else {
                out.append(0)
            }
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
        case .samples, .samplesWithStart:
            let withStart = kind == Kind.samplesWithStart.rawValue
            let n = try reader.count("sample count", limit: reader.remaining / (withStart ? 11 : 10))
            var list: [WALSample] = []
            list.reserveCapacity(n)
            if n > 0 {
                let baseID = try reader.uvarint("base series id")
                let baseT = try reader.varint("base timestamp")
                for _ in 0..<n {
                    let dID = try reader.varint("series id delta")
                    let dT = try reader.varint("timestamp delta")
                    let bits = try reader.u64("sample value")
                    let t = baseT &+ dT
                    var st: Int64?
                    if withStart {
                        switch try reader.u8("start timestamp flag") {
                        case 0: st = nil
                        case 1: st = t &- (try reader.varint("start timestamp"))
                        case let flag:
                            throw ByteReader.Truncated(offset: reader.baseOffset + reader.offset - 1, needed: 1,
                                                       what: "start timestamp flag (got \(flag), want 0 or 1)")
                        }
                    }
                    list.append(WALSample(id: baseID &+ UInt64(bitPattern: dID), t: t, v: Double(bitPattern: bits), st: st))
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
    /// The sample's start timestamp, if it has one.
    public var st: Int64?
    public init(id: UInt64, t: Int64, v: Double, st: Int64? = nil) {
        self.id = id
        self.t = t
        self.v = v
        self.st = st
    }
    public static func == (a: WALSample, b: WALSample) -> Bool {
        a.id == b.id && a.t == b.t && a.v.bitPattern == b.v.bitPattern && a.st == b.st
    }
}
