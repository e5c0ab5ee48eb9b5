/// Columns separated by two spaces, for terminal listings. Widths count characters
/// (every character the CLI prints is one column wide).
enum TextTable {
    /// Every row indented by two spaces, columns padded to their widest cell; columns in
    /// `rightAligned` are padded on the left (numbers). When `width` is given and a line
    /// would be wider, the last column wraps after `separator` (label sets wrap after
    /// `", "`, prose after `" "`), its continuation lines indented to where the column
    /// starts plus two spaces.
    static func render(header: [String], rows: [[String]], rightAligned: Set<Int> = [], width: Int? = nil, separator: String = ", ") -> String {
        var widths = header.map(\.count)
        for r in rows { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        let lastColumnStart = 2 + widths.dropLast().reduce(0) { $0 + $1 + 2 }
        func line(_ cells: [String]) -> String {
            var s = "  "
            for (i, c) in cells.enumerated() {
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                if i == cells.count - 1 {
                    s += rightAligned.contains(i) ? pad + c : c
                } else {
                    s += rightAligned.contains(i) ? pad + c : c + pad
                    s += "  "
                }
            }
            if let width, rightAligned.contains(cells.count - 1) == false, s.count > width {
                let room = max(width - lastColumnStart, 20)
                let pieces = wrap(cells[cells.count - 1], width: room, continuationIndent: 2, separator: separator)
                s = String(s.prefix(lastColumnStart)) + pieces.joined(separator: "\n" + String(repeating: " ", count: lastColumnStart))
            }
            return s + "\n"
        }
        return line(header) + rows.map(line).joined()
    }

    /// Breaks `text` after `separator`s into lines of at most `width` characters (a
    /// single piece longer than that gets a line of its own); lines after the first start
    /// with `continuationIndent` spaces.
    static func wrap(_ text: String, width: Int, continuationIndent: Int, separator: String = ", ") -> [String] {
        guard text.count > width else { return [text] }
        var lines: [String] = []
        var current = ""
        var rest = Substring(text)
        let indent = String(repeating: " ", count: continuationIndent)
        while !rest.isEmpty {
            let piece: Substring
            if let r = rest.range(of: separator) {
                piece = rest[..<r.upperBound]
                rest = rest[r.upperBound...]
            } else {
                piece = rest
                rest = ""
            }
            let limit = lines.isEmpty ? width : width - continuationIndent
            let trimmedCount = current.count + piece.count - (piece.hasSuffix(" ") ? 1 : 0)
            if !current.isEmpty && trimmedCount > limit {
                lines.append(String(current.hasSuffix(" ") ? current.dropLast() : Substring(current)))
                current = ""
            }
            current += piece
        }
        if !current.isEmpty { lines.append(current) }
        return lines.enumerated().map { $0.offset == 0 ? $0.element : indent + $0.element }
    }
}
