import TidemarkEncoding

/// Writes a block's `index` file (docs/format/block.md):
///
/// ```
/// ┌────────────────────────┬─────────┬────────┬────────────────┬──────────┬────────────────┬─────┐
/// │ magic "TMIDX" 01 00 00 │ symbols │ series │ series offsets │ postings │ postings table │ TOC │
/// └────────────────────────┴─────────┴────────┴────────────────┴──────────┴────────────────┴─────┘
/// TOC: 5 × (u64 offset, u64 length, u32 crc32c of the section), then u32 crc32c of those 100 bytes.
/// ```
/// Series are numbered by their position (sorted by labels); postings list those numbers.
struct BlockIndexWriter {
    static let magic: [UInt8] = Array("TMIDX".utf8) + [1, 0, 0]
    static let sectionCount = 5
    static let tocSize = sectionCount * 20 + 4

    private var series: [(labels: Labels, chunks: [BlockChunkMeta])] = []

    /// Adds the next series; calls must come in ascending label order.
    mutating func add(_ labels: Labels, chunks: [BlockChunkMeta]) {
        assert(series.last.map { $0.labels < labels } ?? true, "series must be added in label order")
        series.append((labels, chunks))
    }

    var seriesCount: Int { series.count }

    /// The encoded index file.
    func encoded() -> [UInt8] {
        // Symbols: every distinct name and value, sorted bytewise. Keyed by bytes: with
        // `String` keys, canonically equivalent values ("é" precomposed and decomposed)
        // would share one symbol and a series' label would be rewritten to the other.
        var symbolSet = Set<ByteString>()
        for s in series { for l in s.labels { symbolSet.insert(ByteString(l.name)); symbolSet.insert(ByteString(l.value)) } }
        let symbols = symbolSet.map(\.text).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var symbolIndex: [ByteString: Int] = [:]
        symbolIndex.reserveCapacity(symbols.count)
        for (i, s) in symbols.enumerated() { symbolIndex[ByteString(s)] = i }

        var out = Self.magic
        var toc: [(offset: Int, length: Int)] = []
        func section(_ body: (inout [UInt8]) -> Void) {
            let start = out.count
            body(&out)
            toc.append((start, out.count - start))
        }

        section { o in
            Varint.append(UInt64(symbols.count), to: &o)
            for s in symbols { WALRecord.appendString(s, to: &o) }
        }
        var seriesOffsets: [Int] = []
        seriesOffsets.reserveCapacity(series.count)
        var postings: [ByteString: [ByteString: [UInt64]]] = [:]
        // Offsets stored in the index are relative to the start of their section
        // (`o` is the whole file being built, so subtract the section's start).
        section { o in
            let base = o.count
            for (i, s) in series.enumerated() {
                seriesOffsets.append(o.count - base)
                Varint.append(UInt64(s.labels.count), to: &o)
                for l in s.labels {
                    let (name, value) = (ByteString(l.name), ByteString(l.value))
                    Varint.append(UInt64(symbolIndex[name]!), to: &o)
                    Varint.append(UInt64(symbolIndex[value]!), to: &o)
                    postings[name, default: [:]][value, default: []].append(UInt64(i))
                }
                Varint.append(UInt64(s.chunks.count), to: &o)
                var prevMax: Int64 = 0
                for (k, c) in s.chunks.enumerated() {
                    Varint.appendSigned(k == 0 ? c.minTime : c.minTime &- prevMax, to: &o)
                    Varint.append(UInt64(bitPattern: c.maxTime &- c.minTime), to: &o)
                    Varint.append(UInt64(c.samples), to: &o)
                    Varint.append(UInt64(c.file), to: &o)
                    Varint.append(UInt64(c.pageOffset), to: &o)
                    Varint.append(UInt64(c.offsetInPage), to: &o)
                    Varint.append(UInt64(c.length), to: &o)
                    prevMax = c.maxTime
                }
            }
        }
        section { o in
            for off in seriesOffsets { withUnsafeBytes(of: UInt64(off).littleEndian) { o.append(contentsOf: $0) } }
        }
        var table: [(name: Int, value: Int, offset: Int)] = []
        section { o in
            let base = o.count
            for name in postings.keys.sorted(by: { $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }) {
                let values = postings[name]!
                for value in values.keys.sorted(by: { $0.text.utf8.lexicographicallyPrecedes($1.text.utf8) }) {
                    table.append((symbolIndex[name]!, symbolIndex[value]!, o.count - base))
                    let ids = values[value]!
                    Varint.append(UInt64(ids.count), to: &o)
                    var prev: UInt64 = 0
                    for id in ids { Varint.append(id - prev, to: &o); prev = id }
                }
            }
        }
        section { o in
            Varint.append(UInt64(table.count), to: &o)
            for e in table {
                Varint.append(UInt64(e.name), to: &o)
                Varint.append(UInt64(e.value), to: &o)
                Varint.append(UInt64(e.offset), to: &o)
            }
        }
        var tocBytes: [UInt8] = []
        for t in toc {
            withUnsafeBytes(of: UInt64(t.offset).littleEndian) { tocBytes.append(contentsOf: $0) }
            withUnsafeBytes(of: UInt64(t.length).littleEndian) { tocBytes.append(contentsOf: $0) }
            let crc = CRC32C.checksum(out, range: t.offset..<t.offset + t.length)
            withUnsafeBytes(of: crc.littleEndian) { tocBytes.append(contentsOf: $0) }
        }
        withUnsafeBytes(of: CRC32C.checksum(tocBytes).littleEndian) { tocBytes.append(contentsOf: $0) }
        out.append(contentsOf: tocBytes)
        return out
    }
}
