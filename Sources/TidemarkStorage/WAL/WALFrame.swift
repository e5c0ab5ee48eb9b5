import TidemarkEncoding

/// Framing of records in WAL segment and checkpoint files (docs/format/wal.md).
///
/// ```
/// file:   ┌──────────────────────┬──────────┬──────────┬───
///         │ magic "TMWAL" 0x01 00 00 │ record   │ record   │ …
///         └──────────────────────┴──────────┴──────────┴───
/// record: ┌──────┬───────────┬─────────────┬──────────────┐
///         │ type │ length    │ crc32c      │ payload      │
///         │ u8   │ u32 LE    │ u32 LE      │ length bytes │
///         └──────┴───────────┴─────────────┴──────────────┘
/// ```
/// The checksum covers the type byte and the payload, so a torn write (a record cut
/// short by a crash) or a flipped bit is caught before the record is used.
enum WALFrame {
    static let magic: [UInt8] = Array("TMWAL".utf8) + [1, 0, 0]
    static let headerSize = 9
    /// Records larger than this are refused on write and treated as corruption on read.
    static let maxPayload = 256 << 20

    /// Appends a framed record to `out`.
    static func append(_ record: WALRecord, to out: inout [UInt8]) {
        let start = out.count
        out.append(record.kind.rawValue)
        out.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        record.encodePayload(into: &out)
        let length = UInt32(out.count - start - headerSize)
        var crc = CRC32C.checksum(out, range: start..<start + 1)
        crc = out.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + headerSize)...]), continuing: crc) }
        withUnsafeBytes(of: length.littleEndian) { for i in 0..<4 { out[start + 1 + i] = $0[i] } }
        withUnsafeBytes(of: crc.littleEndian) { for i in 0..<4 { out[start + 5 + i] = $0[i] } }
    }

    /// Whether damage that `scan` found at `offset` looks like a write cut short by a
    /// crash: no intact record follows it, only the cut-off record, zeros or garbage.
    /// An intact record after the damage means the middle of the file went bad.
    static func isTornTail(_ bytes: UnsafeRawBufferPointer, damageAt offset: Int) -> Bool {
        if offset == 0 && bytes.count >= magic.count && !bytes[0..<magic.count].allSatisfy({ $0 == 0 }) {
            return false  // a whole header that is not ours: not a torn write
        }
        var p = max(offset + 1, magic.count)
        while p + headerSize <= bytes.count {
            let type = bytes[p]
            if WALRecord.Kind(rawValue: type) != nil {
                var r = ByteReader(bytes, offset: p + 1)
                let length = Int((try? r.u32()) ?? .max)
                let crc = (try? r.u32()) ?? 0
                if length <= bytes.count - p - headerSize {
                    let payload = UnsafeRawBufferPointer(rebasing: bytes[p + headerSize..<p + headerSize + length])
                    let got = CRC32C.checksum(payload, continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[p..<p + 1])))
                    if got == crc { return false }
                }
            }
            p += 1
        }
        return true
    }

    /// Reads every good record of a file's bytes, stopping at the first bad one.
    static func scan(_ bytes: UnsafeRawBufferPointer, visit: (WALRecord) -> Void) -> (goodEnd: Int, corruption: (offset: Int, reason: String)?) {
        guard bytes.count >= magic.count else {
            return (0, bytes.isEmpty ? nil : (0, "file is shorter than the \(magic.count)-byte header"))
        }
        guard Array(bytes[0..<magic.count]) == magic else { return (0, (0, "bad magic: not a Tidemark WAL file")) }
        return scanRecords(bytes, from: magic.count, visit: visit)
    }

    /// Reads the good records of `bytes` from byte `start` (a record boundary), stopping
    /// at the first bad one; offsets are relative to `bytes`.
    static func scanRecords(_ bytes: UnsafeRawBufferPointer, from start: Int, visit: (WALRecord) -> Void) -> (goodEnd: Int, corruption: (offset: Int, reason: String)?) {
        var offset = start
        while offset < bytes.count {
            let recordStart = offset
            guard bytes.count - offset >= headerSize else {
                return (recordStart, (recordStart, "torn record header (\(bytes.count - offset) of \(headerSize) bytes)"))
            }
            var header = ByteReader(bytes, offset: offset)
            let type = (try? header.u8()) ?? 0
            let length = Int((try? header.u32()) ?? 0)
            let crc = (try? header.u32()) ?? 0
            offset += headerSize
            guard WALRecord.Kind(rawValue: type) != nil else {
                return (recordStart, (recordStart, "unknown record type \(type)"))
            }
            guard length <= maxPayload, length <= bytes.count - offset else {
                return (recordStart, (recordStart, "torn record: length \(length) runs past the end of the file (\(bytes.count - offset) bytes left)"))
            }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length])
            let got = CRC32C.checksum(payload, continuing: CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[recordStart..<recordStart + 1])))
            guard got == crc else {
                return (recordStart, (recordStart, "checksum mismatch (stored \(String(crc, radix: 16)), computed \(String(got, radix: 16)))"))
            }
            var reader = ByteReader(payload, baseOffset: offset)
            do {
                guard let record = try WALRecord.decode(kind: type, &reader), reader.isAtEnd else {
                    return (recordStart, (recordStart, "record payload has trailing bytes"))
                }
                visit(record)
            } catch {
                return (recordStart, (recordStart, "undecodable record: \(error)"))
            }
            offset += length
        }
        return (offset, nil)
    }
}
