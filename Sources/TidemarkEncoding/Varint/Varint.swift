/// LEB128 unsigned varints and zig-zag signed integers, as used by protobuf and Prometheus.
public enum Varint {
    /// Maps signed to unsigned so small magnitudes get short encodings.
    @inlinable public static func zigzag(_ v: Int64) -> UInt64 {
        UInt64(bitPattern: (v << 1) ^ (v >> 63))
    }

    @inlinable public static func unzigzag(_ u: UInt64) -> Int64 {
        Int64(bitPattern: u >> 1) ^ -Int64(bitPattern: u & 1)
    }

    /// Appends `value` as an unsigned LEB128 varint (1...10 bytes).
    @inlinable public static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    /// Appends a zig-zag encoded signed varint.
    /// Bytes `append` writes for `value`.
    @inlinable public static func size(_ value: UInt64) -> Int {
        max(1, (64 - value.leadingZeroBitCount + 6) / 7)
    }

    @inlinable public static func appendSigned(_ value: Int64, to out: inout [UInt8]) {
        append(zigzag(value), to: &out)
    }

    /// Writes `value` as a varint into a bit stream, eight bits per group.
    public static func write(_ value: UInt64, to writer: inout BitWriter) {
        var v = value
        while v >= 0x80 {
            writer.writeByte(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        writer.writeByte(UInt8(v))
    }

    /// Reads a varint written by `write(_:to:)` from a cursor; nil if it is longer than
    /// 10 groups.
    @inlinable
    static func read(from c: inout BitCursor) -> UInt64? {
        // The header varints of a column are byte-aligned: when 8 bytes can be loaded
        // and one of them ends the varint, take it from that one word.
        if c.position & 7 == 0 && c.position &>> 3 <= c.loadLimit {
            let w = c.peekInBounds()
            let stops = ~w & 0x8080_8080_8080_8080  // bytes without a continuation bit
            if stops != 0 {
                let length = stops.leadingZeroBitCount &>> 3 &+ 1
                var result: UInt64 = 0
                for k in 0..<length {
                    result |= ((w &>> UInt64(truncatingIfNeeded: 56 &- 8 &* k)) & 0x7F) &<< UInt64(truncatingIfNeeded: 7 &* k)
                }
                c.skip(length &* 8)
                return result
            }
        }
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<10 {
            let byte = c.take(8)
            result |= (byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift &+= 7
        }
        return nil
    }

    /// Reads a varint written by `write(_:to:)`; nil if it is longer than 10 groups.
    public static func read(from reader: inout BitReader) -> UInt64? {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        for _ in 0..<10 {
            let byte = reader.readBits(8)
            result |= (byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
        return nil
    }
}
