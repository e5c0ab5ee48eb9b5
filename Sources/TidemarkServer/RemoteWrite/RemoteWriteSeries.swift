import TidemarkRemoteWrite
import TidemarkStorage

/// A series of a remote-write request, resolved before anything is stored: found in the
/// series cache by the bytes of its labels, or decoded into a label set.
enum RemoteWriteSeries {
    /// Seen before with the same label bytes: appended by reference, its labels neither
    /// decoded nor checked again (the same bytes passed both before).
    case known(SeriesRef)
    /// Decoded as Prometheus's receiver decodes it: sorted, empty values dropped, the
    /// last of duplicate names kept, then checked by `Ingest`.
    case decoded(Labels)

    /// Resolves every series of `request`. Throws, before anything is stored, when a
    /// label message is malformed or not UTF-8: that rejects the whole request.
    static func resolve(_ request: FlatWriteRequest, cache: SeriesBytesCache?) throws(ProtobufError) -> [RemoteWriteSeries] {
        let refs: [SeriesRef?] = request.bytes.withUnsafeBytes { raw in
            request.series.map { s in
                guard let cache, let key = s.labelBytes else { return nil }
                return cache.lookup(UnsafeRawBufferPointer(rebasing: raw[key]))
            }
        }
        var out: [RemoteWriteSeries] = []
        out.reserveCapacity(refs.count)
        for (s, ref) in zip(request.series, refs) {
            if let ref {
                out.append(.known(ref))
            } else {
                out.append(.decoded(Labels(try request.labels(of: s).map { Label($0.name, $0.value) })))
            }
        }
        return out
    }

    /// Appends each series' samples, and remembers in `cache` the label bytes of each
    /// series that had to be decoded and turned out valid.
    static func append(_ request: FlatWriteRequest, _ resolved: [RemoteWriteSeries], to ingest: inout Ingest, cache: SeriesBytesCache?) {
        request.bytes.withUnsafeBytes { raw in
            for (s, r) in zip(request.series, resolved) {
                let samples = request.samples(of: s).lazy.map { ($0.timestamp, $0.value) }
                switch r {
                case .known(let ref):
                    ingest.append(ref, samples)
                case .decoded(let labels):
                    let ref = ingest.append(labels, samples)
                    if let ref, let cache, let key = s.labelBytes {
                        cache.insert(UnsafeRawBufferPointer(rebasing: raw[key]), ref)
                    }
                }
            }
        }
    }
}
