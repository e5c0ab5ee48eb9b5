/// A grid of braille characters used as a bitmap: each character cell holds 2 × 4 dots,
/// so a canvas of `columns` × `rows` cells has `2·columns` × `4·rows` pixels. Each
/// cell remembers which series drew into it last (for colouring).
struct BrailleCanvas {
    let columns: Int
    let rows: Int
    private(set) var bits: [UInt8]
    private(set) var owner: [Int?]

    var pixelWidth: Int { columns * 2 }
    var pixelHeight: Int { rows * 4 }

    init(columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        bits = Array(repeating: 0, count: columns * rows)
        owner = Array(repeating: nil, count: columns * rows)
    }

    /// Dot bits of a braille cell by (x, y) inside the cell (Unicode's dot numbering).
    private static let dot: [[UInt8]] = [[0x01, 0x02, 0x04, 0x40], [0x08, 0x10, 0x20, 0x80]]

    /// Sets pixel (x, y), y counted from the top. Pixels outside are ignored.
    mutating func set(_ x: Int, _ y: Int, series: Int) {
        guard x >= 0, y >= 0, x < pixelWidth, y < pixelHeight else { return }
        let cell = (y / 4) * columns + x / 2
        bits[cell] |= Self.dot[x % 2][y % 4]
        owner[cell] = series
    }

    /// A straight line of pixels from (x0, y0) to (x1, y1) (Bresenham).
    mutating func line(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int, series: Int) {
        var x = x0, y = y0
        let dx = abs(x1 - x0), dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1
        var err = dx + dy
        while true {
            set(x, y, series: series)
            if x == x1 && y == y1 { break }
            let e2 = 2 * err
            if e2 >= dy { err += dy; x += sx }
            if e2 <= dx { err += dx; y += sy }
        }
    }

    /// The characters of cell row `row` (a blank cell is U+2800, the empty braille
    /// pattern, so every row has the same width), each wrapped by `paint(series, text)`.
    func text(row: Int, paint: (Int?, String) -> String) -> String {
        var out = ""
        for c in 0..<columns {
            let i = row * columns + c
            let ch = String(Character(Unicode.Scalar(0x2800 + UInt32(bits[i]))!))
            out += bits[i] == 0 ? ch : paint(owner[i], ch)
        }
        return out
    }
}
