import TidemarkQuery

/// Tab completion for the REPL, independent of any terminal: given the input up to the
/// cursor, the partial word there and the words that could replace it.
///
/// - In an expression: metric names from the index, function names, aggregations and
///   keywords (words only, never `(`: libedit would escape it).
/// - Inside `{…}` and in `by (…)` / `on (…)`: label names (of the selector's metric when
///   one is written before the brace).
/// - Inside a quoted label value: that label's values.
/// - At the start of the line after `:`: REPL commands; after `:format` / `:timing`
///   their choices; after `:labels` label names; after `:series`, `:explain` and
///   `:plot` the rest is an expression again.
struct CompletionEngine {
    let index: any CompletionIndex

    /// The partial word being completed and the sorted, distinct candidates that start
    /// with it.
    struct Completion: Equatable {
        var word: String
        var candidates: [String]
        /// What to type after a sole candidate: the closing quote of a label value.
        var terminator: Character? = nil
    }

    /// Keywords that can follow or join expressions.
    static let keywords = ["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset"]

    func complete(_ line: String) -> Completion {
        if line.hasPrefix(":") { return completeCommand(line) }
        return completeExpression(line)
    }

    func completeExpression(_ text: String) -> Completion {
        let (context, word) = CompletionContext.at(endOf: text)
        let words: [String]
        var terminator: Character?
        switch context {
        case .none: words = []
        case .expression:
            words = index.metricNames() + FunctionCatalog.all.map(\.name) + AggregateOperator.allCases.map(\.rawValue) + Self.keywords
        case .labelName(let metric): words = index.labelNames(metric: metric)
        case .labelValue(let label, let metric, let quote):
            words = index.labelValues(label, metric: metric)
            terminator = quote
        }
        return Completion(word: word, candidates: Self.matching(words, prefix: word), terminator: terminator)
    }

    private func completeCommand(_ line: String) -> Completion {
        guard let space = line.firstIndex(of: " ") else {
            return Completion(word: line, candidates: Self.matching(REPLCommand.names.map { ":" + $0 }, prefix: line))
        }
        let name = String(line[line.index(after: line.startIndex)..<space])
        let rest = String(line[line.index(after: space)...])
        switch name {
        case "format": return Completion(word: rest, candidates: Self.matching(OutputFormat.allCases.map(\.rawValue), prefix: rest))
        case "timing": return Completion(word: rest, candidates: Self.matching(["on", "off"], prefix: rest))
        case "labels": return Completion(word: rest, candidates: Self.matching(index.labelNames(metric: nil), prefix: rest))
        case "series", "explain", "plot": return completeExpression(rest)
        default: return Completion(word: rest, candidates: [])
        }
    }

    static func matching(_ words: [String], prefix: String) -> [String] {
        Array(Set(words.filter { $0.hasPrefix(prefix) })).sorted()
    }
}
