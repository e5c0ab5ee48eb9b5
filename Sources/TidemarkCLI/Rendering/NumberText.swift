import Foundation

/// Short numbers for summaries and axes: four significant digits, SI suffixes from
/// 10 000 up (`12.35k`, `1.2M`), exponent form for the very large and the very small.
/// Tables of query results print exact values instead (`PrometheusFormat.value`).
enum NumberText {
    static func compact(_ x: Double) -> String {
        if x.isNaN { return "NaN" }
        if x.isInfinite { return x > 0 ? "+Inf" : "-Inf" }
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e15 || a < 1e-4 { return String(format: "%.3g", x) }
        for (scale, suffix) in [(1e12, "T"), (1e9, "G"), (1e6, "M"), (1e4, "k")] where a >= scale {
            let scaled = x / (suffix == "k" ? 1e3 : scale)
            return String(format: "%.4g", scaled) + suffix
        }
        return String(format: "%.4g", x)
    }

    /// `12345` → `12,345`.
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// Milliseconds with a precision that suits the size: `0.041 ms`, `12.3 ms`, `1.24 s`.
    static func duration(seconds: Double) -> String {
        let ms = seconds * 1000
        if ms < 1 { return String(format: "%.3f ms", ms) }
        if ms < 1000 { return String(format: "%.1f ms", ms) }
        return String(format: "%.2f s", seconds)
    }
}
