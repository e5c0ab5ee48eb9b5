import TidemarkStorage

/// Parses a series selector as the CLI's `--match` takes it: `name`, `name{a="b"}`,
/// `{a=~"x|y", b!=""}`, `{"utf8.name", a="b"}`. (The full PromQL parser arrives with
/// the query layer; this covers the selector subset.) Errors name the position.
struct SelectorParser {
    struct Failure: Error, CustomStringConvertible {
        let position: Int
        let message: String
        let input: String
        var description: String { "bad selector at position \(position + 1): \(message)\n  \(input)\n  \(String(repeating: " ", count: position))^" }
    }

    private let chars: [Character]
    private let input: String
    private var pos = 0

    static func parse(_ s: String) throws -> [LabelMatcher] {
        var p = SelectorParser(s)
        return try p.parseSelector()
    }

    private init(_ s: String) {
        input = s
        chars = Array(s)
    }

    private func fail(_ m: String) -> Failure { Failure(position: pos, message: m, input: input) }

    private mutating func skipSpace() { while pos < chars.count && chars[pos].isWhitespace { pos += 1 } }

    private mutating func parseSelector() throws -> [LabelMatcher] {
        var matchers: [LabelMatcher] = []
        skipSpace()
        if pos < chars.count && chars[pos] != "{" {
            matchers.append(.equal(metricNameLabel, try identifier(metric: true)))
            skipSpace()
        }
        if pos < chars.count && chars[pos] == "{" {
            pos += 1
            skipSpace()
            while pos < chars.count && chars[pos] != "}" {
                let name = chars[pos] == "\"" ? try quoted() : try identifier(metric: false)
                skipSpace()
                if pos < chars.count && (chars[pos] == "," || chars[pos] == "}") && name != "" {
                    // `{"metric.name"}`: a bare quoted string is the metric name.
                    matchers.append(.equal(metricNameLabel, name))
                } else {
                    let op = try matchOperator()
                    skipSpace()
                    guard pos < chars.count, chars[pos] == "\"" || chars[pos] == "'" else { throw fail("expected a quoted label value after \(op.rawValue)") }
                    let value = try quoted()
                    do { matchers.append(try LabelMatcher(op, name, value)) } catch { throw fail("\(error)") }
                }
                skipSpace()
                if pos < chars.count && chars[pos] == "," { pos += 1; skipSpace() }
            }
            guard pos < chars.count else { throw fail("unclosed '{'") }
            pos += 1
        }
        skipSpace()
        guard pos == chars.count else { throw fail("unexpected '\(chars[pos])'") }
        guard !matchers.isEmpty else { throw fail("empty selector") }
        guard matchers.contains(where: { !$0.matchesEmpty }) else {
            throw fail("vector selector must contain at least one non-empty matcher")
        }
        return matchers
    }

    private mutating func identifier(metric: Bool) throws -> String {
        let start = pos
        while pos < chars.count, chars[pos].isLetter || chars[pos] == "_" || (metric && chars[pos] == ":") || (pos > start && chars[pos].isNumber) {
            guard chars[pos].isASCII else { break }
            pos += 1
        }
        guard pos > start else { throw fail(metric ? "expected a metric name or '{'" : "expected a label name") }
        return String(chars[start..<pos])
    }

    private mutating func matchOperator() throws -> LabelMatcher.Kind {
        func at(_ s: String) -> Bool { String(chars[pos..<min(chars.count, pos + s.count)]) == s }
        for (s, k) in [("=~", LabelMatcher.Kind.regexMatch), ("!~", .regexNoMatch), ("!=", .notEqual), ("=", .equal)] where at(s) {
            pos += s.count
            return k
        }
        throw fail("expected one of =, !=, =~, !~")
    }

    private mutating func quoted() throws -> String {
        let q = chars[pos]
        pos += 1
        var out = ""
        while pos < chars.count && chars[pos] != q {
            if chars[pos] == "\\" && pos + 1 < chars.count {
                pos += 1
                switch chars[pos] {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(chars[pos])
                }
            } else {
                out.append(chars[pos])
            }
            pos += 1
        }
        guard pos < chars.count else { throw fail("unterminated string") }
        pos += 1
        return out
    }
}
