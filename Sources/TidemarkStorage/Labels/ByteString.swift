/// A string compared and hashed by its UTF-8 bytes, as Prometheus compares Go strings
/// and as `Label` does. A plain `String` key merges canonically equivalent text ("é"
/// precomposed and decomposed) and hashes slower (it normalizes first).
struct ByteString: Hashable, Sendable {
    let text: String
    init(_ text: String) { self.text = text }
    static func == (a: ByteString, b: ByteString) -> Bool { Label.bytesEqual(a.text, b.text) }
    func hash(into h: inout Hasher) { Label.hashBytes(text, into: &h) }
}
