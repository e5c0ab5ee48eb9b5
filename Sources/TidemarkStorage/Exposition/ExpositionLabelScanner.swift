/// The label-list syntax `{name="value", "quoted name"="value", "metric.name"}`,
/// shared by the sample scanner (which only checks syntax, on every line) and the
/// `Labels` builder (which decodes, only for series the caller has not seen).
extension ExpositionParser {
    /// One item of a label list, as byte ranges: `name` is the label name (inside
    /// the quotes when quoted); `value` is nil for a bare quoted metric name.
    struct LabelItem {
        var name: Range<Int>
        var nameQuoted: Bool
        var value: Range<Int>?
    }

    /// Checks a `{...}` list at the cursor (which is on `{`) and leaves the cursor
    /// after `}`. Returns whether the list held a quoted metric name.
    /// `metricNameGiven` says a name came before the braces (a second is an error);
    /// `exemplar` says these are an exemplar's labels, which have no metric name.
    @inline(__always)
    static func scanLabels(_ c: inout LineCursor, metricNameGiven: Bool, exemplar: Bool = false) throws(ExpositionError) -> Bool {
        var sawName = false
        try forEachLabel(&c, exemplar: exemplar) { item, c throws(ExpositionError) in
            if item.value == nil {
                if exemplar {
                    throw c.expected("'=' after exemplar label name \(c.quoted(item.name))")
                }
                if metricNameGiven || sawName {
                    throw c.error("unexpected second metric name \(c.quoted(item.name)); the series already has one",
                                  at: item.name.lowerBound - 1)
                }
                sawName = true
            }
        }
        return sawName
    }

    /// Walks a `{...}` list at the cursor (on `{`), calling `body` per item, and
    /// leaves the cursor after `}`. Syntax errors are thrown with their column.
    @inline(__always)
    static func forEachLabel(
        _ c: inout LineCursor, exemplar: Bool,
        _ body: (LabelItem, LineCursor) throws(ExpositionError) -> Void
    ) throws(ExpositionError) {
        let p = c.p
        c.i += 1  // '{'
        while true {
            c.skipSpaces()
            if c.atEnd { throw c.expected("a label name or '}'") }
            let ch = p[c.i]
            if ch == UInt8(ascii: "}") { c.i += 1; return }
            let name: Range<Int>
            let quoted: Bool
            if ch == UInt8(ascii: "\"") {
                name = try scanQuoted(&c, valueOf: nil)
                quoted = true
                c.skipSpaces()
                if !c.at(UInt8(ascii: "=")) {
                    guard c.at(UInt8(ascii: ",")) || c.at(UInt8(ascii: "}")) else {
                        throw c.expected("'=', ',' or '}' after \(c.quoted(name))")
                    }
                    if name.isEmpty, !exemplar { throw c.error("empty metric name", at: name.lowerBound - 1) }
                    try body(LabelItem(name: name, nameQuoted: true, value: nil), c)
                    if try afterItem(&c, label: name) { return }
                    continue
                }
            } else if ExpositionText.isLabelNameStart(ch) {
                let start = c.i
                c.i += 1
                while c.i < c.end, ExpositionText.isLabelNameChar(p[c.i]) { c.i += 1 }
                name = start..<c.i
                quoted = false
                c.skipSpaces()
            } else {
                throw c.expected(exemplar ? "an exemplar label name or '}'" : "a label name or '}'")
            }
            guard c.at(UInt8(ascii: "=")) else { throw c.expected("'=' after label name \(c.quoted(name))") }
            c.i += 1
            c.skipSpaces()
            guard c.at(UInt8(ascii: "\"")) else { throw c.expected("'\"' to start the value of label \(c.quoted(name))") }
            let value = try scanQuoted(&c, valueOf: name)
            try body(LabelItem(name: name, nameQuoted: quoted, value: value), c)
            if try afterItem(&c, label: name) { return }
        }
    }

    /// After an item: `,` (returns false, more may follow) or `}` (returns true).
    @inline(__always)
    private static func afterItem(_ c: inout LineCursor, label: Range<Int>) throws(ExpositionError) -> Bool {
        c.skipSpaces()
        if c.at(UInt8(ascii: ",")) { c.i += 1; return false }
        if c.at(UInt8(ascii: "}")) { c.i += 1; return true }
        throw c.expected("',' or '}' after label \(c.quoted(label))")
    }

    /// A `"..."` string at the cursor; returns the range inside the quotes and leaves
    /// the cursor after the closing quote. Backslash escapes one byte.
    @inline(__always)
    /// `valueOf` names the label whose value this is (nil for a quoted name).
    private static func scanQuoted(_ c: inout LineCursor, valueOf label: Range<Int>?) throws(ExpositionError) -> Range<Int> {
        let open = c.i
        let p = c.p
        var k = open + 1
        let end = c.end
        // Eight bytes at a time to the first '"' or '\\' (SWAR zero-byte test; the
        // lowest flagged byte is always a true match).
        while end - k >= 8 {
            let x = UInt64(littleEndian: UnsafeRawPointer(p + k).loadUnaligned(as: UInt64.self))
            let q = x ^ 0x2222_2222_2222_2222, b = x ^ 0x5C5C_5C5C_5C5C_5C5C
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            let hit = ((q &- ones) & ~q | (b &- ones) & ~b) & highs
            if hit == 0 { k += 8; continue }
            k += hit.trailingZeroBitCount >> 3
            break
        }
        while k < end {
            let ch = p[k]
            if ch == UInt8(ascii: "\"") {
                c.i = k + 1
                return (open + 1)..<k
            }
            k += ch == UInt8(ascii: "\\") ? 2 : 1
        }
        c.i = end
        let what = label.map { "value of label \(c.quoted($0))" } ?? "quoted name"
        throw c.error("expected '\"' to close the \(what) opened at column \(open - c.lineStart + 1), found end of line")
    }
}
