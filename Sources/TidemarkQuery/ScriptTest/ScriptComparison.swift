/// Float comparison of the test scripts, as upstream's `almost.Equal` with ε = 1e-6:
/// equal bits or values pass; two NaNs are equal, but the staleness marker equals only
/// itself; otherwise the difference relative to |a|+|b| must be below ε, and where either
/// side is 0 (or both are tiny) the absolute difference must be below ε × the smallest
/// normal float.
public enum ScriptComparison {
    public static let epsilon = 1e-6
    static let minNormal = Double(bitPattern: 0x0010_0000_0000_0000)

    public static func almostEqual(_ a: Double, _ b: Double, epsilon: Double = epsilon) -> Bool {
        if SequenceValue.isStale(a) || SequenceValue.isStale(b) { return SequenceValue.isStale(a) && SequenceValue.isStale(b) }
        if a.isNaN && b.isNaN { return true }
        if a == b { return true }
        let absSum = abs(a) + abs(b)
        let diff = abs(a - b)
        if a == 0 || b == 0 || absSum < minNormal {
            return diff < epsilon * minNormal
        }
        return diff / min(absSum, Double.greatestFiniteMagnitude) < epsilon
    }
}
