/// Lower-case hex without separators, for golden-byte comparisons.
func hex(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef")
    var s = ""
    s.reserveCapacity(bytes.count * 2)
    for b in bytes {
        s.append(digits[Int(b >> 4)])
        s.append(digits[Int(b & 0xF)])
    }
    return s
}

/// Parses hex written by `hex(_:)`; spaces and newlines are ignored so golden
/// vectors can be grouped by field.
func bytes(hex text: String) -> [UInt8] {
    let nibbles: [UInt8] = text.unicodeScalars.compactMap { c in
        switch c {
        case "0"..."9": return UInt8(c.value - 48)
        case "a"..."f": return UInt8(c.value - 87)
        case "A"..."F": return UInt8(c.value - 55)
        case " ", "\n", "\t": return nil
        default: preconditionFailure("not a hex digit: \(c)")
        }
    }
    precondition(nibbles.count % 2 == 0, "odd number of hex digits")
    return stride(from: 0, to: nibbles.count, by: 2).map { nibbles[$0] << 4 | nibbles[$0 + 1] }
}
