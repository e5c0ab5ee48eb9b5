#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension Labels {
    /// The indices of `sets` in label order (`Labels.compare`, what `<` says), for
    /// sorting results. Each set is written once into one byte string as
    /// `name 0x00 value 0x00 …`, and the sort compares those with `memcmp`: a sort over
    /// the label sets themselves retained and released their arrays on every comparison
    /// (a quarter of the reference-counting of a 1000-series range query).
    ///
    /// The keys order as the sets do because no name or value holds a 0x00 byte: at the
    /// first label that differs, a name or value that is a prefix of the other meets the
    /// 0x00 first; a set whose labels all match a longer one's first ones is a prefix of
    /// its key. Sets with a 0x00 byte anywhere are sorted by `Labels.compare` instead.
    public static func sortedOrder(_ sets: [Labels]) -> [Int] {
        var order = Array(sets.indices)
        guard sets.count > 1 else { return order }
        var bytes: [UInt8] = []
        var starts: [Int] = [0]
        starts.reserveCapacity(sets.count + 1)
        var clean = true
        func add(_ part: String) {
            let before = bytes.count
            bytes.append(contentsOf: part.utf8)
            if clean && bytes[before...].contains(0) { clean = false }
            bytes.append(0)
        }
        for s in sets {
            for l in s.labels {
                add(l.name)
                add(l.value)
            }
            starts.append(bytes.count)
        }
        guard clean else {
            order.sort { Labels.compare(sets[$0], sets[$1]) < 0 }
            return order
        }
        bytes.withUnsafeBufferPointer { b in
            starts.withUnsafeBufferPointer { s in
                let base = b.baseAddress.unsafelyUnwrapped
                order.sort { i, j in
                    let (ai, an) = (s[i], s[i &+ 1] &- s[i])
                    let (bj, bn) = (s[j], s[j &+ 1] &- s[j])
                    let c = memcmp(base + ai, base + bj, Swift.min(an, bn))
                    return c != 0 ? c < 0 : an < bn
                }
            }
        }
        return order
    }
}
