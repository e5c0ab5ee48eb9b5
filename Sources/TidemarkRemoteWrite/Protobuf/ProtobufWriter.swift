/// Writes the protobuf wire format (what the remote-write sender and tests need:
/// varints, doubles, strings and nested messages).
public struct ProtobufWriter: Sendable {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// A base-128 varint.
    public mutating func writeVarint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(v & 0x7f) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    /// A field key.
    public mutating func writeTag(_ field: UInt64, _ wireType: ProtobufReader.WireType) {
        writeVarint(field << 3 | UInt64(wireType.rawValue))
    }

    /// An `int64` field (negative values take 10 bytes, as protobuf specifies).
    public mutating func writeInt64(_ field: UInt64, _ v: Int64) {
        writeTag(field, .varint)
        writeVarint(UInt64(bitPattern: v))
    }

    /// A `double` field: eight little-endian bytes, every bit pattern kept.
    public mutating func writeDouble(_ field: UInt64, _ v: Double) {
        writeTag(field, .fixed64)
        let b = v.bitPattern
        for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: b >> (8 * UInt64(i)))) }
    }

    /// A `string` field.
    public mutating func writeString(_ field: UInt64, _ s: String) {
        writeBytes(field, Array(s.utf8))
    }

    /// A `bytes` field, or an embedded message's encoding.
    public mutating func writeBytes(_ field: UInt64, _ b: [UInt8]) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(b.count))
        bytes.append(contentsOf: b)
    }
}
