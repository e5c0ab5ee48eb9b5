/// A bounds-checked little-endian cursor over raw bytes: the one place where the
/// storage layer loads integers through raw pointers (mmap'ed files, WAL buffers).
///
/// Every read checks the remaining length and throws `ByteReader.Truncated` naming the
/// offset, so decoding a damaged file reports where it broke instead of trapping.
/// It borrows its memory: use it only inside the scope that keeps the bytes alive
/// (a `withUnsafeBytes` closure, or while the owning `MappedFile` is referenced).
public struct ByteReader {
    /// Reading past the end: `offset` is where the read started, `needed` its size.
    public struct Truncated: Error, Equatable, Sendable, CustomStringConvertible {
        public let offset: Int
        public let needed: Int
        public let what: String
        public var description: String { "truncated \(what) at byte offset \(offset) (needed \(needed) bytes)" }
        public init(offset: Int, needed: Int, what: String) {
            self.offset = offset
            self.needed = needed
            self.what = what
        }
    }

    let bytes: UnsafeRawBufferPointer
    /// Offset of the next byte to read, from the start of `bytes`.
    public var offset: Int
    /// Added to offsets in error messages, so they name positions in the whole file.
    public let baseOffset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0, baseOffset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
        self.baseOffset = baseOffset
    }

    /// Bytes left to read.
    public var remaining: Int { bytes.count - offset }
    public var isAtEnd: Bool { offset >= bytes.count }

    @inline(__always)
    mutating func need(_ n: Int, _ what: String) throws(Truncated) {
        guard n >= 0, offset >= 0, n <= bytes.count - offset else {
            throw Truncated(offset: baseOffset + offset, needed: n, what: what)
        }
    }

    public mutating func u8(_ what: String = "byte") throws(Truncated) -> UInt8 {
        try need(1, what)
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func u32(_ what: String = "uint32") throws(Truncated) -> UInt32 {
        try need(4, what)
        defer { offset += 4 }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    public mutating func u64(_ what: String = "uint64") throws(Truncated) -> UInt64 {
        try need(8, what)
        defer { offset += 8 }
        return UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    public mutating func i64(_ what: String = "int64") throws(Truncated) -> Int64 {
        Int64(bitPattern: try u64(what))
    }

    /// An unsigned LEB128 varint of at most 10 bytes.
    public mutating func uvarint(_ what: String = "varint") throws(Truncated) -> UInt64 {
        let start = offset
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while shift < 70 {
            guard offset >= 0, offset < bytes.count else {
                throw Truncated(offset: baseOffset + start, needed: offset - start + 1, what: what)
            }
            let b = bytes[offset]
            offset += 1
            result |= UInt64(b & 0x7F) << shift
            if b < 0x80 { return result }
            shift += 7
        }
        throw Truncated(offset: baseOffset + start, needed: 11, what: "\(what) (over-long)")
    }

    /// A zig-zag signed varint.
    public mutating func varint(_ what: String = "varint") throws(Truncated) -> Int64 {
        Varint.unzigzag(try uvarint(what))
    }

    /// A varint that must fit in `Int` and be at most `limit`.
    public mutating func count(_ what: String, limit: Int) throws(Truncated) -> Int {
        let start = offset
        let v = try uvarint(what)
        guard v <= UInt64(max(0, limit)) else { throw Truncated(offset: baseOffset + start, needed: Int(clamping: v), what: what) }
        return Int(v)
    }

    /// `n` raw bytes copied out.
    public mutating func bytes(_ n: Int, _ what: String = "bytes") throws(Truncated) -> [UInt8] {
        try need(n, what)
        defer { offset += n }
        return Array(UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n]))
    }

    /// `n` raw bytes as a view into the same memory.
    public mutating func slice(_ n: Int, _ what: String = "bytes") throws(Truncated) -> UnsafeRawBufferPointer {
        try need(n, what)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + n])
    }

    /// A length-prefixed UTF-8 string (uvarint length). Invalid UTF-8 is repaired.
    public mutating func string(_ what: String = "string") throws(Truncated) -> String {
        let n = try count("\(what) length", limit: remaining)
        let s = try slice(n, what)
        return String(decoding: s, as: UTF8.self)
    }

    public mutating func skip(_ n: Int, _ what: String = "bytes") throws(Truncated) {
        try need(n, what)
        offset += n
    }
}
