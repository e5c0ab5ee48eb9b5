#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One label: a name and a value. `__name__` holds the metric name.
public struct Label: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public static func < (a: Label, b: Label) -> Bool { compare(a, b) < 0 }

    /// Byte order of name, then value: negative, zero or positive.
    @inline(__always)
    static func compare(_ a: Label, _ b: Label) -> Int {
        let n = compareBytes(a.name, b.name)
        return n != 0 ? n : compareBytes(a.value, b.value)
    }

    /// Byte-wise three-way comparison of two strings' UTF-8 (a prefix orders first).
    @inline(__always)
    static func compareBytes(_ a: String, _ b: String) -> Int {
        if sameRepresentation(a, b) { return 0 }
        let (na, nb) = (a.utf8.count, b.utf8.count)
        let fast: Int?? = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in
                let m = min(na, nb)
                let c = m == 0 ? 0 : Int(memcmp(pa.baseAddress!, pb.baseAddress!, m))
                return c != 0 ? c : na - nb
            }
        }
        if let fast, let c = fast { return c }
        if a.utf8.elementsEqual(b.utf8) { return 0 }
        return a.utf8.lexicographicallyPrecedes(b.utf8) ? -1 : 1
    }

    public var description: String { "\(name)=\"\(value)\"" }

    // Labels compare and hash by their UTF-8 bytes, as Prometheus compares Go strings:
    // "é" precomposed and decomposed are different label values. (Swift's String `==`
    // and `hash(into:)` use canonical equivalence, and hashing normalizes first, which
    // was a fifth of the time of label-heavy queries.)
    public static func == (a: Label, b: Label) -> Bool {
        Label.bytesEqual(a.name, b.name) && Label.bytesEqual(a.value, b.value)
    }

    public func hash(into hasher: inout Hasher) {
        Label.hashBytes(name, into: &hasher)
        Label.hashBytes(value, into: &hasher)
    }

    @inlinable @inline(__always)
    static func bytesEqual(_ a: String, _ b: String) -> Bool {
        if sameRepresentation(a, b) { return true }
        let n = a.utf8.count
        guard n == b.utf8.count else { return false }
        guard n > 0 else { return true }
        // Native strings expose their bytes: one memcmp instead of a generic walk.
        let fast: Bool?? = a.utf8.withContiguousStorageIfAvailable { pa in
            b.utf8.withContiguousStorageIfAvailable { pb in memcmp(pa.baseAddress!, pb.baseAddress!, n) == 0 }
        }
        if let fast, let equal = fast { return equal }
        return a.utf8.elementsEqual(b.utf8)
    }

    /// True when `a` and `b` are the same 16 bytes: the same small string (its bytes are
    /// inline) or the same immutable storage object with the same count, so their bytes
    /// are equal. Label sets of one block share the index's symbol strings, so most labels
    /// of two series compared while sorting or merging are equal this way, without
    /// reaching their bytes. Equal strings may still differ here: a shortcut only.
    @inlinable @inline(__always)
    static func sameRepresentation(_ a: String, _ b: String) -> Bool {
        unsafeBitCast(a, to: (UInt64, UInt64).self) == unsafeBitCast(b, to: (UInt64, UInt64).self)
    }

    /// True if the name is `name`, byte for byte.
    @inlinable @inline(__always)
    public func hasName(_ name: String) -> Bool { Label.bytesEqual(self.name, name) }

    /// The string's length, then its bytes (the length keeps ("ab","c") and ("a","bc") apart).
    @inline(__always)
    static func hashBytes(_ s: String, into hasher: inout Hasher) {
        hasher.combine(s.utf8.count)
        if let done: Void = s.utf8.withContiguousStorageIfAvailable({ hasher.combine(bytes: UnsafeRawBufferPointer($0)) }) {
            return done
        }
        for b in s.utf8 { hasher.combine(b) }
    }
}

/// The name of the label that holds the metric name.
public let metricNameLabel = "__name__"
