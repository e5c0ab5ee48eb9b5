import TidemarkRemoteWrite

// libFuzzer target for the remote-write receiver's decoders. Each input is read twice:
// as a serialized WriteRequest (the hand-written, bounds-checked protobuf reader) and as
// a snappy block (decoded with a 1 MiB limit, then read as a WriteRequest). Decoding must
// never trap; a decoded request must serialize to bytes that decode to the same request.
// The receiver's flat decoding must agree with it: a series' `labelBytes` (the cache
// key) hold exactly its label fields, so decoding them alone gives the same labels (or
// the same failure) as decoding the whole series message. The UTF-8 check must give the
// standard library's verdict on the raw input.
// A violated invariant calls `fatalError`, which libFuzzer reports as a crash.

func check(_ bytes: [UInt8]) {
    checkFlat(bytes)
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

func checkFlat(_ bytes: [UInt8]) {
    guard let flat = try? FlatWriteRequest(bytes) else { return }
    for s in flat.series {
        var whole = s
        whole.labelBytes = nil
        let byKey = try? flat.labels(of: s)
        let byMessage = try? flat.labels(of: whole)
        if byKey != byMessage { fatalError("labels from labelBytes differ from the series message's") }
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRemoteWrite(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let valid = bytes.withUnsafeBytes { UTF8Validation.isValid($0) }
    if valid != (String(validating: bytes, as: UTF8.self) != nil) { fatalError("UTF8Validation disagrees with the standard library") }
    check(bytes)
    if let raw = try? Snappy.decompress(bytes, maxLength: 1 << 20) { check(raw) }
    return 0
}
