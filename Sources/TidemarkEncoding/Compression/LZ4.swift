import CLZ4

/// LZ4 block compression (liblz4), used for chunk pages.
public enum LZ4 {
    /// Why a buffer could not be decompressed.
    public enum Failure: Error, Equatable, Sendable, CustomStringConvertible {
        case tooLarge(Int)
        case malformed(expected: Int, got: Int32)

        public var description: String {
            switch self {
            case .tooLarge(let n): return "LZ4 input of \(n) bytes is too large"
            case .malformed(let e, let g): return "LZ4 data is malformed (expected \(e) bytes, decoder returned \(g))"
            }
        }
    }

    /// Compresses `input` into a new array.
    public static func compress(_ input: [UInt8]) throws(Failure) -> [UInt8] {
        guard input.count <= Int(LZ4_MAX_INPUT_SIZE) else { throw .tooLarge(input.count) }
        let bound = Int(LZ4_compressBound(Int32(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let written = input.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                src.withMemoryRebound(to: CChar.self) { s in
                    dst.withMemoryRebound(to: CChar.self) { d in
                        LZ4_compress_default(s.baseAddress, d.baseAddress, Int32(input.count), Int32(bound))
                    }
                }
            }
        }
        guard written > 0 || input.isEmpty else { throw .tooLarge(input.count) }
        out.removeSubrange(Int(written)...)
        return out
    }

    /// Decompresses `input` (a whole LZ4 block) that is known to expand to `rawSize` bytes.
    /// Never reads or writes out of bounds, whatever the input.
    public static func decompress(_ input: UnsafeRawBufferPointer, rawSize: Int) throws(Failure) -> [UInt8] {
        guard rawSize >= 0, rawSize <= Int(LZ4_MAX_INPUT_SIZE), input.count <= Int(Int32.max) else {
            throw .tooLarge(rawSize)
        }
        if rawSize == 0 { return [] }
        // Uninitialised capacity, not a zero-filled array: filling a page with zeros
        // before LZ4 overwrites it cost more than the decompression (callgrind). A page
        // that does not decompress to exactly `rawSize` bytes is dropped, not returned.
        var got: Int32 = 0
        let out = [UInt8](unsafeUninitializedCapacity: rawSize) { dst, initialized in
            got = LZ4_decompress_safe(
                input.baseAddress?.assumingMemoryBound(to: CChar.self),
                UnsafeMutableRawPointer(dst.baseAddress)?.assumingMemoryBound(to: CChar.self),
                Int32(input.count), Int32(rawSize))
            initialized = got == Int32(rawSize) ? rawSize : 0
        }
        guard got == Int32(rawSize) else { throw .malformed(expected: rawSize, got: got) }
        return out
    }

    /// Decompresses a byte array.
    public static func decompress(_ input: [UInt8], rawSize: Int) throws(Failure) -> [UInt8] {
        let result: Result<[UInt8], Failure> = input.withUnsafeBytes { p in
            Result { () throws(Failure) -> [UInt8] in try decompress(p, rawSize: rawSize) }
        }
        return try result.get()
    }
}
