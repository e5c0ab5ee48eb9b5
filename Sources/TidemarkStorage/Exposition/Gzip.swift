import CZlib

/// Gzip (and zlib) streams through the system zlib, for `.gz` import files and
/// `Content-Encoding: gzip` request bodies.
public enum Gzip {
    /// Why decompression failed.
    public enum Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// The bytes are not a valid gzip/zlib stream (zlib's message, and the input offset).
        case corrupt(String, offset: Int)
        /// The input ended inside the stream.
        case truncated(offset: Int)
        /// The output would exceed the caller's limit.
        case outputTooLarge(limit: Int)
        /// zlib itself failed (out of memory, version mismatch): the return code.
        case zlib(Int32)

        public var description: String {
            switch self {
            case .corrupt(let message, let offset): "corrupt gzip data at input byte \(offset): \(message)"
            case .truncated(let offset): "truncated gzip data: input ended at byte \(offset) inside the stream"
            case .outputTooLarge(let limit): "gzip data decompresses to more than the limit of \(limit) bytes"
            case .zlib(let code): "zlib error \(code)"
            }
        }
    }

    /// Whether `bytes` start with the gzip magic number 1f 8b.
    public static func isGzip(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B
    }

    /// Decompresses a gzip stream (or a zlib stream: zlib detects the header,
    /// `windowBits` 15+32). Concatenated gzip members, as `cat a.gz b.gz` makes, are
    /// decompressed one after another; anything else after the end of the stream is an
    /// error. Throws `.outputTooLarge` as soon as the output passes `maxOutputSize`.
    public static func decompress(_ bytes: [UInt8], maxOutputSize: Int = 1 << 32) throws(Gzip.Error) -> [UInt8] {
        var stream = z_stream()
        let initCode = inflateInit2_(&stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard initCode == Z_OK else { throw .zlib(initCode) }
        defer { inflateEnd(&stream) }

        // One byte of room past the limit tells "exactly at the limit" from "over it".
        let cap = maxOutputSize >= Int.max - 1 ? Int.max : max(0, maxOutputSize) + 1
        var output = [UInt8](repeating: 0, count: min(cap, max(4096, initialOutputGuess(bytes))))
        var produced = 0
        guard bytes.count <= Int(UInt32.max) else { throw .corrupt("input larger than 4 GiB", offset: 0) }
        let result: Result<Int, Gzip.Error> = bytes.withUnsafeBufferPointer { inBuf in
            Result { () throws(Gzip.Error) -> Int in
                // zlib does not write through next_in; its header just lacks `const`.
                stream.next_in = inBuf.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
                stream.avail_in = UInt32(inBuf.count)
                while true {
                    if produced == output.count {
                        guard output.count < cap else { throw .outputTooLarge(limit: maxOutputSize) }
                        output.append(contentsOf: repeatElement(0, count: min(output.count, cap - output.count)))
                    }
                    let code: Int32 = output.withUnsafeMutableBufferPointer { outBuf in
                        stream.next_out = outBuf.baseAddress! + produced
                        let room = min(outBuf.count - produced, Int(UInt32.max))
                        stream.avail_out = UInt32(room)
                        let code = inflate(&stream, Z_NO_FLUSH)
                        produced += room - Int(stream.avail_out)
                        return code
                    }
                    let consumed = inBuf.count - Int(stream.avail_in)
                    if produced > maxOutputSize { throw .outputTooLarge(limit: maxOutputSize) }
                    switch code {
                    case Z_OK:
                        continue
                    case Z_STREAM_END:
                        if stream.avail_in == 0 { return produced }
                        // Another gzip member may follow.
                        guard inBuf.count - consumed >= 2, inBuf[consumed] == 0x1F, inBuf[consumed + 1] == 0x8B else {
                            throw .corrupt("unexpected data after the end of the gzip stream", offset: consumed)
                        }
                        let reset = inflateReset(&stream)
                        guard reset == Z_OK else { throw .zlib(reset) }
                    case Z_BUF_ERROR:
                        // No progress possible: either the output is full (grow and retry)
                        // or the input ran out before the end of the stream.
                        if produced == output.count { continue }
                        throw .truncated(offset: consumed)
                    case Z_DATA_ERROR, Z_NEED_DICT, Z_STREAM_ERROR:
                        let message = stream.msg.map { String(cString: $0) } ?? "invalid data"
                        throw .corrupt(message, offset: consumed)
                    default:
                        throw .zlib(code)
                    }
                }
            }
        }
        output.removeSubrange(try result.get()...)
        return output
    }

    /// Compresses `bytes` as one gzip member at zlib `level` (0–9, default 6).
    public static func compress(_ bytes: [UInt8], level: Int32 = 6) -> [UInt8] {
        var stream = z_stream()
        let initCode = deflateInit2_(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                                     zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        precondition(initCode == Z_OK, "deflateInit2 failed: \(initCode)")
        defer { deflateEnd(&stream) }
        precondition(bytes.count <= Int(UInt32.max), "Gzip.compress takes at most 4 GiB")
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, UInt(bytes.count))) + 32)
        let produced: Int = bytes.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = inBuf.baseAddress.map { UnsafeMutablePointer(mutating: $0) }
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                let code = deflate(&stream, Z_FINISH)
                precondition(code == Z_STREAM_END, "deflate with a deflateBound-sized buffer did not finish: \(code)")
                return outBuf.count - Int(stream.avail_out)
            }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// The gzip trailer's ISIZE (length mod 2^32 of the last member) as a size hint,
    /// capped at deflate's best ratio (1032:1) so a forged trailer cannot force a
    /// huge allocation.
    private static func initialOutputGuess(_ bytes: [UInt8]) -> Int {
        guard isGzip(bytes), bytes.count >= 18 else { return bytes.count * 4 }
        let n = bytes.count
        let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        return min(max(isize, bytes.count), bytes.count * 1032)
    }
}
