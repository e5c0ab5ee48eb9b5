import TidemarkRemoteWrite

// libFuzzer target for the remote-write receiver's decoders. Each input is read twice:
// as a serialized WriteRequest (the hand-written, bounds-checked protobuf reader) and as
// a snappy block (decoded with a 1 MiB limit, then read as a WriteRequest). Decoding must
// never trap; a decoded request must serialize to bytes that decode to the same request.
// A violated invariant calls `fatalError`, which libFuzzer reports as a crash.

func check(_ bytes: [UInt8]) {
    guard let r = try? WriteRequest(decoding: bytes) else { return }
    var plain = r
    for i in plain.timeseries.indices {
        plain.timeseries[i].skippedExemplars = 0
        plain.timeseries[i].skippedHistograms = 0
    }
    let again: WriteRequest
    do { again = try WriteRequest(decoding: plain.serialized()) } catch { fatalError("re-encoded request does not decode: \(error)") }
    if again != plain { fatalError("round trip changed the request") }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRemoteWrite(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    if let raw = try? Snappy.decompress(bytes, maxLength: 1 << 20) { check(raw) }
    return 0
}
