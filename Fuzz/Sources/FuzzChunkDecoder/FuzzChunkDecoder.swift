import TidemarkEncoding

// libFuzzer target: every input is decoded twice, as a raw chunk and as a chunk-file
// page (the framing of TidemarkStorage's ChunkPages.swift, re-parsed here from the
// encoding layer alone). Decoding untrusted bytes must never trap; where a decode
// succeeds, the decoded data must survive a re-encode exactly. A violated invariant
// calls `fatalError`, which libFuzzer reports as a crash with the input saved.

/// libFuzzer's entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzChunkDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    checkChunk(bytes, start: 0, end: bytes.count)
    if bytes.count > 2 {
        // The same bytes at an offset inside a larger buffer, as pages are decoded.
        let cut = Int(bytes[bytes.count - 1]) % bytes.count
        checkChunk(bytes, start: cut, end: bytes.count - 1)
    }
    checkPage(bytes)
    checkLZ4RoundTrip(bytes)
    return 0
}

/// Decodes `bytes[start..<end]` as one chunk and checks the iterator's contract.
func checkChunk(_ bytes: [UInt8], start: Int, end: Int) {
    guard var it = try? ChunkIterator(bytes, start: start, end: end) else { return }
    var timestamps: [Int64] = []
    var values: [Double] = []
    while it.next() {
        timestamps.append(it.timestamp)
        values.append(it.value)
    }
    guard timestamps.count <= it.count else { fatalError("more samples than the header declares") }
    // The batch decoder must agree with the sample-by-sample one.
    if let batch = try? ChunkIterator.decodeAll(Array(bytes[start..<end])) {
        guard batch.timestamps == timestamps, batch.values.map(\.bitPattern) == values.map(\.bitPattern)
        else { fatalError("decodeAll and next() disagree") }
    }
    guard it.next() == false else { fatalError("iterator restarted after its end") }
    if it.error == nil {
        guard timestamps.count == it.count else { fatalError("clean end after \(timestamps.count) of \(it.count)") }
    } else {
        guard timestamps.count < it.count else { fatalError("error set although every sample was produced") }
        return
    }
    // Re-encode what was decoded: the builder accepts it exactly when it is sorted,
    // and the new chunk must decode to the same bits.
    let sorted = zip(timestamps, timestamps.dropFirst()).allSatisfy { $0 <= $1 }
    do {
        let again = try ChunkBuilder.encode(timestamps: timestamps, values: values)
        guard sorted else { fatalError("unsorted samples were accepted") }
        // Both codecs (the smallest may be decimal-packed) must give the samples back.
        for chunk in [again, ChunkBuilder.recodeSmallest(again)] {
            let back = try ChunkIterator.decodeAll(chunk)
            guard back.timestamps == timestamps,
                  back.values.map(\.bitPattern) == values.map(\.bitPattern)
            else { fatalError("re-encoded chunk decodes differently") }
        }
        // A chunk with start timestamps re-encodes with them, and is never recoded.
        if it.hasStartTimestamps {
            var b = ChunkBuilder()
            for i in timestamps.indices { try b.append(timestamps[i], values[i], startTimestamp: it.startTimestamps[i]) }
            let withStarts = b.encoded()
            guard try ChunkIterator.decodeAllWithStarts(withStarts).starts == it.startTimestamps,
                  ChunkBuilder.recodeSmallest(withStarts) == withStarts || !it.startTimestamps.contains(where: { $0 != nil })
            else { fatalError("start timestamps do not survive a re-encode") }
        }
    } catch .outOfOrder {
        guard !sorted else { fatalError("sorted samples were rejected") }
    } catch {
        fatalError("re-encoded chunk failed to decode: \(error)")
    }
}

/// Parses `bytes` as one chunk-file page: raw size u32, stored length u32, CRC32C u32
/// (not enforced here, so the fuzzer can reach the decoders behind it), codec u8
/// (0 = stored, 1 = LZ4), stored bytes. The page's payload is then decoded as a chunk.
func checkPage(_ bytes: [UInt8]) {
    let payload: [UInt8]? = bytes.withUnsafeBytes { raw in
        var r = ByteReader(raw)
        do throws(ByteReader.Truncated) {
            let rawSize = Int(try r.u32("raw size"))
            let storedLength = Int(try r.u32("stored length"))
            let crc = try r.u32("crc32c")
            let codec = try r.u8("codec")
            let stored = try r.slice(min(storedLength, r.remaining), "stored bytes")
            _ = CRC32C.checksum(stored) == crc
            switch codec {
            case 0:
                return Array(stored)
            case 1:
                // Real pages are about 64 KiB; refuse sizes that would only test malloc.
                guard rawSize <= 1 << 20 else { return nil }
                guard let page = try? LZ4.decompress(stored, rawSize: rawSize) else { return nil }
                guard page.count == rawSize else { fatalError("LZ4 returned \(page.count) of \(rawSize) bytes") }
                return page
            default:
                return nil
            }
        } catch {
            return nil
        }
    }
    guard let payload, !payload.isEmpty else { return }
    checkChunk(payload, start: 0, end: payload.count)
    checkLZ4RoundTrip(payload)
}

/// Compressing and decompressing must give the input back.
func checkLZ4RoundTrip(_ bytes: [UInt8]) {
    do {
        let packed = try LZ4.compress(bytes)
        let unpacked = try LZ4.decompress(packed, rawSize: bytes.count)
        guard unpacked == bytes else { fatalError("LZ4 round trip changed the bytes") }
    } catch {
        fatalError("LZ4 round trip failed: \(error)")
    }
}
