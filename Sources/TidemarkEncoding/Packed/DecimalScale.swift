/// Finds the decimal form of a run of floats: one scale `k` and integer mantissas `m`
/// with `value == Double(m) / 10^k` bit for bit (`Double(m)` when `k` is 0).
///
/// Most monitoring values are decimals of limited precision (`21.37`, `0.25`, byte and
/// request counts). Their binary mantissas change in almost every bit from one sample to
/// the next, which is what makes Gorilla's XOR expensive on them; as integers they change
/// by small amounts.
///
/// Dividing by an exact power of ten is one correctly rounded IEEE operation, so for
/// |m| < 2^53 the decoded value is the double nearest the decimal: exactly what a parser
/// produced for the text `21.37`. Larger mantissas (up to 2^62) are allowed where they
/// happen to reproduce the value. Every candidate is checked on the bits, so a value
/// with no such form (NaN, ±Inf, −0.0, magnitudes needing more than 18 decimals or a mantissa of 2^62 or more) makes the whole
/// run fail and the chunk stays XOR: the codec is lossless by construction.
public enum DecimalScale {
    /// Largest scale tried (a double has 15–17 significant decimal digits).
    public static let maxScale = 18
    /// Largest scale a decoder accepts (10^22 is the last exact power of ten in a double).
    public static let maxDecodableScale = 22

    /// Exact powers of ten, 10^0 … 10^22.
    @usableFromInline static let powers: [Double] = (0...22).map { k in
        var p = 1.0
        for _ in 0..<k { p *= 10 }
        return p
    }

    /// The value for mantissa `m` at scale `k` (0...22).
    @inlinable @inline(__always)
    public static func value(_ m: Int64, scale k: Int) -> Double {
        k == 0 ? Double(m) : Double(m) / powers[k]
    }

    /// The smallest scale at which every value is an exact decimal, and the mantissas;
    /// nil if there is none up to `maxScale`.
    public static func mantissas(_ values: [Double]) -> (scale: Int, mantissas: [Int64])? {
        var k = 0
        for v in values {
            while mantissa(v, scale: k) == nil {
                k += 1
                if k > maxScale { return nil }
            }
        }
        // A value that fitted at a lower scale almost always fits at `k` too, but
        // rounding can make a rare one fail: check them all at the final scale.
        var ms: [Int64] = []
        ms.reserveCapacity(values.count)
        for v in values {
            guard let m = mantissa(v, scale: k) else { return nil }
            ms.append(m)
        }
        return (k, ms)
    }

    /// `m` with `value(m, scale: k)` bit-identical to `v`, if there is one with |m| < 2^62
    /// (so that deltas of two mantissas cannot overflow).
    static func mantissa(_ v: Double, scale k: Int) -> Int64? {
        let scaled = (v * powers[k]).rounded()
        guard scaled.magnitude < 4_611_686_018_427_387_904 else { return nil }  // also rejects NaN, ±Inf
        let m = Int64(scaled)
        return value(m, scale: k).bitPattern == v.bitPattern ? m : nil
    }
}
