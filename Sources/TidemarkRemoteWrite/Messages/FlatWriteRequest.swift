/// A remote-write `WriteRequest` decoded for ingest: samples and metadata are decoded,
/// but each series' labels stay as the bytes they arrived in until `labels(of:)` is
/// asked for them. A receiver that has seen the same label bytes before can find the
/// series by those bytes and skip building, validating, sorting and hashing strings.
///
/// Decoding checks the structure of the request and of every `TimeSeries` (lengths,
/// tags, samples); the inside of each label message (its UTF-8 above all) is checked by
/// `labels(of:)`. A receiver must therefore call `labels(of:)` for every series it has
/// not recognised by its bytes before storing anything, so that a malformed label still
/// rejects the whole request. `WriteRequest(decoding:)` does exactly that.
public struct FlatWriteRequest: Sendable {
    /// One `TimeSeries` of the request.
    public struct Series: Sendable, Equatable {
        /// Where the `TimeSeries` message lies in `bytes`.
        public var message: Range<Int>
        /// Where its label fields lie in `bytes` (keys and lengths included), when they
        /// follow one another with no other field between them, as every known sender
        /// writes them; nil otherwise, and when the series has no labels. Equal bytes
        /// here decode to equal labels, so they can key a cache.
        public var labelBytes: Range<Int>?
        /// Its samples: a range of `FlatWriteRequest.samples`.
        public var samples: Range<Int>
        /// Exemplars and native-histogram samples the sender included (not decoded).
        public var skippedExemplars = 0
        public var skippedHistograms = 0
    }

    /// The serialized request.
    public let bytes: [UInt8]
    /// The series, in request order.
    public private(set) var series: [Series] = []
    /// Every series' samples, series after series.
    public private(set) var samples: [WriteRequest.Sample] = []
    public private(set) var metadata: [WriteRequest.Metadata] = []

    /// Decodes a serialized `WriteRequest` (already snappy-decompressed), except the
    /// insides of label messages.
    public init(_ bytes: [UInt8]) throws(ProtobufError) {
        self.bytes = bytes
        let scanned = bytes.withUnsafeBytes { raw in
            Result { () throws(ProtobufError) -> Scan in
                var scan = Scan()
                try scan.request(raw)
                return scan
            }
        }
        let scan = try scanned.get()
        series = scan.series
        samples = scan.samples
        metadata = scan.metadata
    }

    /// The samples of `s`.
    public func samples(of s: Series) -> ArraySlice<WriteRequest.Sample> { samples[s.samples] }

    /// Decodes the labels of `s`, in the order sent, checking each label message and
    /// that names and values are UTF-8.
    public func labels(of s: Series) throws(ProtobufError) -> [WriteRequest.Label] {
        let decoded = bytes.withUnsafeBytes { raw in
            Result { () throws(ProtobufError) -> [WriteRequest.Label] in
                var r = ProtobufReader(raw, range: s.labelBytes ?? s.message)
                var labels: [WriteRequest.Label] = []
                while !r.isAtEnd {
                    let (field, wt) = try r.readTag()
                    if field == 1 && wt == .lengthDelimited {
                        var sub = r.subReader(try r.readLengthDelimited())
                        labels.append(try WriteRequest.Label(&sub))
                    } else {
                        try r.skip(wt)
                    }
                }
                return labels
            }
        }
        return try decoded.get()
    }

    /// The decoding state: plain arrays appended to by non-generic code over raw bytes.
    private struct Scan {
        var series: [Series] = []
        var samples: [WriteRequest.Sample] = []
        var metadata: [WriteRequest.Metadata] = []

        mutating func request(_ raw: UnsafeRawBufferPointer) throws(ProtobufError) {
            // A guess that needs no regrowth for Prometheus's one sample per series with
            // a dozen labels (~150 bytes or more each).
            series.reserveCapacity(raw.count / 128)
            samples.reserveCapacity(raw.count / 128)
            var r = ProtobufReader(raw)
            while !r.isAtEnd {
                let (field, wt) = try r.readTag()
                switch (field, wt) {
                case (1, .lengthDelimited):
                    try timeSeries(raw, try r.readLengthDelimited())
                case (3, .lengthDelimited):
                    var sub = r.subReader(try r.readLengthDelimited())
                    metadata.append(try WriteRequest.Metadata(&sub))
                default:
                    try r.skip(wt)
                }
            }
        }

        private mutating func timeSeries(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) throws(ProtobufError) {
            var s = Series(message: range, labelBytes: nil, samples: samples.count..<samples.count)
            var r = ProtobufReader(raw, range: range)
            var labelStart = -1, labelEnd = -1
            var otherAfterLabels = false, adjacent = true
            while !r.isAtEnd {
                let at = r.position
                let (field, wt) = try r.readTag()
                switch (field, wt) {
                case (1, .lengthDelimited):
                    // Only checked for length here; `labels(of:)` reads the inside.
                    let payload = try r.readLengthDelimited()
                    if labelStart < 0 { labelStart = at } else if otherAfterLabels { adjacent = false }
                    labelEnd = payload.upperBound
                    continue
                case (2, .lengthDelimited):
                    var sub = r.subReader(try r.readLengthDelimited())
                    samples.append(try WriteRequest.Sample(&sub))
                case (3, _):
                    s.skippedExemplars += 1
                    try r.skip(wt)
                case (4, _):
                    s.skippedHistograms += 1
                    try r.skip(wt)
                default:
                    try r.skip(wt)
                }
                if labelStart >= 0 { otherAfterLabels = true }
            }
            if labelStart >= 0 && adjacent { s.labelBytes = labelStart..<labelEnd }
            s.samples = s.samples.lowerBound..<samples.count
            series.append(s)
        }
    }
}
