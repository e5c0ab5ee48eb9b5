/// What kind of word the cursor is on, found by scanning a PromQL expression from its
/// start to the cursor (unfinished input is the normal case).
enum CompletionContext: Equatable {
    /// A metric, function, aggregation or keyword.
    case expression
    /// A label name: inside `{…}` after `{` or `,`, or inside `by (…)`, `on (…)` etc.
    /// `metric` is the selector's metric name when written before the brace.
    case labelName(metric: String?)
    /// A label value, inside the quotes after `label=` (or `!=`, `=~`, `!~`); `quote`
    /// is the opening quote character.
    case labelValue(label: String, metric: String?, quote: Character)
    /// Nothing to offer (a duration, a number, a string outside a selector).
    case none

    /// Words before `(` that make its contents label names.
    static let groupingWords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right"]

    /// The context at the end of `text`, and the partial word there (what completion
    /// replaces: an identifier, or a label value up to its opening quote).
    static func at(endOf text: String) -> (context: CompletionContext, word: String) {
        enum Frame {
            case paren(grouping: Bool)
            case brace(metric: String?, lastLabel: String?)
            case bracket
        }
        let chars = Array(text)
        var frames: [Frame] = []
        var quote: Character?
        var stringStart = 0
        var previousWord: String?  // the identifier just before the current position, if nothing else came between
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if let q = quote {
                if c == "\\" { i += 2; continue }
                if c == q { quote = nil }
                i += 1
                continue
            }
            if isIdentifierStart(c) {
                var j = i
                while j < chars.count && isIdentifierPart(chars[j]) { j += 1 }
                let word = String(chars[i..<j])
                if case .brace(let metric, _)? = frames.last {
                    frames[frames.count - 1] = .brace(metric: metric, lastLabel: word)
                }
                previousWord = word
                i = j
                continue
            }
            if c.isNumber {
                // Numbers and durations (`5m`, `1e3`) are not names.
                while i < chars.count && (isIdentifierPart(chars[i]) || chars[i] == ".") { i += 1 }
                previousWord = nil
                continue
            }
            switch c {
            case "\"", "'", "`":
                quote = c
                stringStart = i + 1
            case "(": frames.append(.paren(grouping: previousWord.map { groupingWords.contains($0.lowercased()) } ?? false))
            case "{": frames.append(.brace(metric: previousWord.flatMap { isMetricName($0) ? $0 : nil }, lastLabel: nil))
            case "[": frames.append(.bracket)
            case ")", "}", "]": if !frames.isEmpty { frames.removeLast() }
            default: break
            }
            if !c.isWhitespace { previousWord = nil }
            i += 1
        }
        if let quote {
            let word = String(chars[stringStart...])
            if case .brace(let metric, let label?)? = frames.last { return (.labelValue(label: label, metric: metric, quote: quote), word) }
            return (.none, word)
        }
        var start = chars.count
        while start > 0 && isIdentifierPart(chars[start - 1]) { start -= 1 }
        let word = String(chars[start...])
        if let first = word.first, !isIdentifierStart(first) { return (.none, word) }
        var before = start
        while before > 0 && chars[before - 1].isWhitespace { before -= 1 }
        let preceding = before > 0 ? chars[before - 1] : nil
        switch frames.last {
        case .bracket?: return (.none, word)
        case .brace(let metric, _)?:
            return preceding == "{" || preceding == "," ? (.labelName(metric: metric), word) : (.none, word)
        case .paren(grouping: true)?: return (.labelName(metric: nil), word)
        default: return (.expression, word)
        }
    }

    static func isIdentifierStart(_ c: Character) -> Bool { c == "_" || c == ":" || (c.isASCII && c.isLetter) }
    static func isIdentifierPart(_ c: Character) -> Bool { isIdentifierStart(c) || (c.isASCII && c.isNumber) }

    /// Words that can't be a metric name in front of `{` (then the brace belongs to nothing).
    static func isMetricName(_ word: String) -> Bool {
        !groupingWords.contains(word) && !["and", "or", "unless", "bool", "offset"].contains(word)
    }
}
