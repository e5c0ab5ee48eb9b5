/// A fast 64-bit hash of raw bytes for in-memory tables keyed by encoded series (label
/// bytes of a remote-write series, a series' exposition text). Seeded per process, so
/// never stored or sent, and so that colliding keys cannot be prepared in advance.
/// Not cryptographic.
public enum ByteHash {
    @usableFromInline static let seed = UInt64.random(in: .min ... .max)

    /// The hash of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var a = seed
        var b = seed ^ 0x9E37_79B9_7F4A_7C15
        var i = 0
        // Two independent lanes of 8 bytes each, so the multiplies overlap.
        while n - i >= 16 {
            a = mix(a ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            b = mix(b ^ bytes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
            i += 16
        }
        if n - i >= 8 {
            a = mix(a ^ bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            withUnsafeMutableBytes(of: &tail) { t in t.copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[i..<n])) }
            b = mix(b ^ tail)
        }
        // The length keeps a zero-padded tail apart from real zero bytes.
        return finish(a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(n))
    }

    /// The hash of an array slice's bytes.
    public static func hash(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        bytes.withUnsafeBytes { hash($0) }
    }

    @usableFromInline @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        let y = x &* 0xFF51_AFD7_ED55_8CCD
        return y ^ (y >> 32)
    }

    /// MurmurHash3's 64-bit finalizer: every input bit affects every output bit.
    @usableFromInline @inline(__always) static func finish(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }

    /// The hash of the UTF-8 bytes of `s`.
    @inline(__always)
    public static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { hash(UnsafeRawBufferPointer($0)) }
    }

    /// Hashes folded in order into one (`Labels`' fingerprint: the `hash` of each name
    /// and value in turn). Folding hashes rather than streaming the bytes lets a block's
    /// index hash each symbol once, when the block is opened, and build the label sets
    /// of its series without touching their bytes.
    public struct Fold {
        @usableFromInline var h: UInt64
        @usableFromInline var n: UInt64 = 0

        @inlinable public init() { h = ByteHash.seed }

        @inlinable @inline(__always)
        public mutating func add(_ x: UInt64) {
            h = ByteHash.mix(h ^ x) &+ 0x9E37_79B9_7F4A_7C15
            n &+= 1
        }

        @inlinable public func finish() -> UInt64 { ByteHash.finish(h ^ n) }
    }
}
