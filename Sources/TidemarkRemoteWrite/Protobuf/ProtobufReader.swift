/// A bounds-checked reader of the protobuf wire format over a byte buffer.
///
/// Every read checks the remaining length first and throws `ProtobufError` instead of
/// reading past the end; nested messages are read through sub-readers limited to their
/// declared length. Unknown fields are skipped by wire type, so newer senders (exemplars,
/// native histograms, fields added later) decode without error.
public struct ProtobufReader {
    /// Protobuf wire types.
    public enum WireType: UInt8, Sendable {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    private let bytes: UnsafeRawBufferPointer
    private var offset: Int
    private let end: Int

    /// A reader of `bytes[range]`. The buffer must outlive the reader.
    public init(_ bytes: UnsafeRawBufferPointer, range: Range<Int>? = nil) {
        precondition((range?.upperBound ?? 0) <= bytes.count && (range?.lowerBound ?? 0) >= 0, "range outside the buffer")
        self.bytes = bytes
        self.offset = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= end }

    /// The offset of the next byte to read, within the whole buffer.
    public var position: Int { offset }

    /// The next field's number and wire type.
    public mutating func readTag() throws(ProtobufError) -> (field: UInt64, wireType: WireType) {
        let at = offset
        let key = try readVarint()
        guard let wt = WireType(rawValue: UInt8(key & 7)) else { throw ProtobufError("invalid wire type \(key & 7)", at: at) }
        let field = key >> 3
        guard field > 0 else { throw ProtobufError("invalid field number 0", at: at) }
        return (field, wt)
    }

    /// A base-128 varint of at most 10 bytes.
    @inline(__always)
    public mutating func readVarint() throws(ProtobufError) -> UInt64 {
        // Tags and short lengths take one byte: the common case, kept inline.
        if offset < end {
            let b = bytes[offset]
            if b < 0x80 {
                offset += 1
                return UInt64(b)
            }
        }
        return try readLongVarint()
    }

    private mutating func readLongVarint() throws(ProtobufError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard offset < end else { throw ProtobufError("truncated varint", at: start) }
            let b = bytes[offset]
            offset += 1
            if shift == 63 && b > 1 { throw ProtobufError("varint overflows 64 bits", at: start) }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ProtobufError("varint longer than 10 bytes", at: start) }
        }
    }

    /// Eight little-endian bytes.
    public mutating func readFixed64() throws(ProtobufError) -> UInt64 { try readLittleEndian(UInt64.self, "fixed64") }

    /// Four little-endian bytes.
    public mutating func readFixed32() throws(ProtobufError) -> UInt32 { try readLittleEndian(UInt32.self, "fixed32") }

    private mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(ProtobufError) -> T {
        let n = MemoryLayout<T>.size
        guard end - offset >= n else { throw ProtobufError("truncated \(what)", at: offset) }
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += n
        return v
    }

    /// The byte range of a length-delimited field's payload (and moves past it).
    public mutating func readLengthDelimited() throws(ProtobufError) -> Range<Int> {
        let at = offset
        let n = try readVarint()
        guard n <= UInt64(end - offset) else { throw ProtobufError("length \(n) runs past the end of the message", at: at) }
        let r = offset..<(offset + Int(n))
        offset += Int(n)
        return r
    }

    /// A length-delimited field as UTF-8 text (invalid sequences are an error).
    public mutating func readString() throws(ProtobufError) -> String {
        let at = offset
        let r = try readLengthDelimited()
        let slice = UnsafeRawBufferPointer(rebasing: bytes[r])
        // Checked here without generics; `String(decoding:)` then only copies (its
        // repair pass finds nothing to repair).
        guard UTF8Validation.isValid(slice) else { throw ProtobufError("string is not valid UTF-8", at: at) }
        return String(decoding: slice.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    }

    /// A reader limited to a nested message's bytes.
    public func subReader(_ range: Range<Int>) -> ProtobufReader {
        ProtobufReader(bytes, range: range)
    }

    /// Skips a field of the given wire type.
    public mutating func skip(_ wireType: WireType) throws(ProtobufError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed64: _ = try readFixed64()
        case .fixed32: _ = try readFixed32()
        case .lengthDelimited: _ = try readLengthDelimited()
        case .startGroup, .endGroup: throw ProtobufError("groups are not supported", at: offset)
        }
    }
}

/// A malformed protobuf message: what is wrong and the byte offset.
public struct ProtobufError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public var offset: Int

    public init(_ message: String, at offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "protobuf: \(message) at byte \(offset)" }
}
