/// A fast 64-bit hash of raw bytes for in-memory tables keyed by encoded series (label
/// bytes of a remote-write series, a series' exposition text). Seeded per process, so
/// never stored or sent, and so that colliding keys cannot be prepared in advance.
/// Not cryptographic.
public enum ByteHash {
    private static let seed = UInt64.random(in: .min ... .max)

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

    @inline(__always) private static func mix(_ x: UInt64) -> UInt64 {
        let y = x &* 0xFF51_AFD7_ED55_8CCD
        return y ^ (y >> 32)
    }

    /// MurmurHash3's 64-bit finalizer: every input bit affects every output bit.
    @inline(__always) private static func finish(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return h
    }
}
