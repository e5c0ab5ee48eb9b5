/// PromQL tokens.
public enum TokenKind: Sendable, Equatable {
    /// A name: metric name, label name, function, keyword (`by`, `sum`, `offset`, …).
    /// Keywords are recognised by the parser, case-insensitively, where they are expected.
    case identifier
    /// A number: decimal, float, exponent, hex, `Inf`, `NaN`.
    case number
    /// A duration: `5m`, `1h30m`, `500ms`.
    case duration
    /// A string literal (`value` holds the unquoted text).
    case string
    case leftParen, rightParen, leftBrace, rightBrace, leftBracket, rightBracket
    case comma, colon, at
    /// `=` (label matching).
    case assign
    /// `=~`, `!~`.
    case regexMatch, regexNoMatch
    /// `+ - * / % ^ == != < <= > >=`.
    case add, sub, mul, div, mod, pow, eql, neq, lss, lte, gtr, gte
    /// `</`, `>/` (native-histogram trim operators).
    case trimUpper, trimLower
    case eof
}

public struct Token: Sendable, Equatable {
    public var kind: TokenKind
    /// The token's source text.
    public var text: String
    /// Unquoted value for strings, the number for numbers (durations: milliseconds).
    public var stringValue: String
    public var numberValue: Double
    public var position: PositionRange

    /// How error messages name the token, like Prometheus: `"}"`, `identifier "foo"`.
    public var describe: String {
        switch kind {
        case .eof: return "end of input"
        case .identifier:
            let lower = text.lowercased()
            if Parser.binaryKeywords[lower] != nil { return "<op:\(text)>" }
            if Parser.aggregators.contains(lower) { return "<aggr:\(text)>" }
            if Token.keywords.contains(lower) { return "<\(text)>" }
            return (text.contains(":") ? "metric identifier " : "identifier ") + quoteForMessage(text)
        case .add, .sub, .mul, .div, .mod, .pow, .eql, .neq, .lss, .lte, .gtr, .gte, .regexMatch, .regexNoMatch, .trimUpper, .trimLower:
            return "<op:\(text)>"
        case .at:
            return "<op:@>"
        case .number: return "number \(quoteForMessage(text))"
        case .duration: return "duration \(quoteForMessage(text))"
        case .string: return "string \(quoteForMessage(text))"
        default: return quoteForMessage(text)
        }
    }
}

extension Token {
    /// Words Prometheus's lexer turns into keyword tokens (named `<by>` in messages).
    static let keywords: Set<String> = ["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
                                        "start", "end", "anchored", "smoothed", "fill", "fill_left", "fill_right"]
}

func quoteForMessage(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}

/// Turns PromQL text into tokens. Comments (`# …` to end of line) and whitespace are skipped.
public struct Lexer {
    let input: String
    let bytes: [UInt8]

    public init(_ input: String) {
        self.input = input
        self.bytes = Array(input.utf8)
    }

    /// All tokens, ending with `.eof`.
    public func tokenize() throws(ParseError) -> [Token] {
        var tokens: [Token] = []
        var i = 0
        var bracketDepth = 0
        var parenStack: [Int] = []
        var braceOpen: Int? = nil
        var bracketOpen: Int? = nil
        let n = bytes.count

        func err(_ msg: String, _ s: Int, _ e: Int) -> ParseError {
            ParseError(msg, at: PositionRange(s, e), in: input)
        }
        func text(_ s: Int, _ e: Int) -> String { String(decoding: bytes[s..<e], as: UTF8.self) }
        func emit(_ k: TokenKind, _ s: Int, _ e: Int, string: String = "", number: Double = 0) {
            tokens.append(Token(kind: k, text: text(s, e), stringValue: string, numberValue: number, position: PositionRange(s, e)))
        }

        while i < n {
            let c = bytes[i]
            let start = i
            if braceOpen != nil, !Lexer.allowedInsideBraces(c) {
                throw err("unexpected character inside braces: \(describeChar(at: i))", i, i + 1)
            }
            switch c {
            case 0x20, 0x09, 0x0A, 0x0D:
                i += 1
            case UInt8(ascii: "#"):
                while i < n && bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "("):
                parenStack.append(i); i += 1; emit(.leftParen, start, i)
            case UInt8(ascii: ")"):
                if parenStack.isEmpty { throw err("unexpected right parenthesis ')'", i, i + 1) }
                parenStack.removeLast(); i += 1; emit(.rightParen, start, i)
            case UInt8(ascii: "{"):
                if braceOpen != nil { throw err("unexpected left brace '{'", i, i + 1) }
                braceOpen = i; i += 1; emit(.leftBrace, start, i)
            case UInt8(ascii: "}"):
                if braceOpen == nil { throw err("unexpected right brace '}'", i, i + 1) }
                braceOpen = nil; i += 1; emit(.rightBrace, start, i)
            case UInt8(ascii: "["):
                if bracketOpen == nil { bracketOpen = i }
                bracketDepth += 1; i += 1; emit(.leftBracket, start, i)
            case UInt8(ascii: "]"):
                if bracketDepth == 0 { throw err("unexpected right bracket ']'", i, i + 1) }
                bracketDepth -= 1
                if bracketDepth == 0 { bracketOpen = nil }
                i += 1; emit(.rightBracket, start, i)
            case UInt8(ascii: ","): i += 1; emit(.comma, start, i)
            case UInt8(ascii: "@"): i += 1; emit(.at, start, i)
            case UInt8(ascii: "+"): i += 1; emit(.add, start, i)
            case UInt8(ascii: "-"): i += 1; emit(.sub, start, i)
            case UInt8(ascii: "*"): i += 1; emit(.mul, start, i)
            case UInt8(ascii: "/"): i += 1; emit(.div, start, i)
            case UInt8(ascii: "%"): i += 1; emit(.mod, start, i)
            case UInt8(ascii: "^"): i += 1; emit(.pow, start, i)
            case UInt8(ascii: "="):
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: "=") { i += 2; emit(.eql, start, i) }
                else if i + 1 < n && bytes[i + 1] == UInt8(ascii: "~") {
                    if braceOpen == nil { throw err("unexpected character after '=': '~'", i, i + 2) }
                    i += 2; emit(.regexMatch, start, i)
                }
                else { i += 1; emit(.assign, start, i) }
            case UInt8(ascii: "!"):
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: "=") { i += 2; emit(.neq, start, i) }
                else if i + 1 < n && bytes[i + 1] == UInt8(ascii: "~") {
                    if braceOpen == nil { throw err("unexpected character after '!': '~'", i, i + 2) }
                    i += 2; emit(.regexNoMatch, start, i)
                }
                else { throw err("unexpected character after '!': \(describeChar(at: i + 1))", i, min(n, i + 2)) }
            case UInt8(ascii: "<"):
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: "=") { i += 2; emit(.lte, start, i) }
                else if i + 1 < n && bytes[i + 1] == UInt8(ascii: "/") { i += 2; emit(.trimUpper, start, i) }
                else { i += 1; emit(.lss, start, i) }
            case UInt8(ascii: ">"):
                if i + 1 < n && bytes[i + 1] == UInt8(ascii: "=") { i += 2; emit(.gte, start, i) }
                else if i + 1 < n && bytes[i + 1] == UInt8(ascii: "/") { i += 2; emit(.trimLower, start, i) }
                else { i += 1; emit(.gtr, start, i) }
            case UInt8(ascii: ":") where bracketDepth > 0:
                i += 1; emit(.colon, start, i)
            case UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"):
                let (value, end) = try lexString(from: i)
                i = end
                emit(.string, start, i, string: value)
            case UInt8(ascii: "."):
                guard i + 1 < n, Lexer.isDigit(bytes[i + 1]) else { throw err("unexpected character: '.'", i, i + 1) }
                let (kind, value, end) = try lexNumberOrDuration(from: i)
                i = end
                emit(kind, start, i, number: value)
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let (kind, value, end) = try lexNumberOrDuration(from: i)
                i = end
                emit(kind, start, i, number: value)
            default:
                let allowColon = bracketDepth == 0 && braceOpen == nil
                if Lexer.isIdentStart(c) || (c == UInt8(ascii: ":") && allowColon) {
                    while i < n && (Lexer.isIdentChar(bytes[i]) || (allowColon && bytes[i] == UInt8(ascii: ":"))) { i += 1 }
                    let word = text(start, i)
                    switch word.lowercased() {
                    case "inf": emit(.number, start, i, number: .infinity)
                    case "nan": emit(.number, start, i, number: .nan)
                    default: emit(.identifier, start, i)
                    }
                } else {
                    let ctx = braceOpen != nil ? " inside braces" : ""
                    throw err("unexpected character\(ctx): \(describeChar(at: i))", i, i + 1)
                }
            }
        }
        if braceOpen != nil { throw err("unexpected end of input inside braces", n, n) }
        if bracketDepth > 0 { throw err("unclosed left bracket", n, n) }
        if !parenStack.isEmpty { throw err("unclosed left parenthesis", n, n) }
        tokens.append(Token(kind: .eof, text: "", stringValue: "", numberValue: 0, position: PositionRange(n, n)))
        return tokens
    }

    func describeChar(at i: Int) -> String {
        guard i < bytes.count else { return "end of input" }
        // Decode one scalar for the message.
        var j = i + 1
        while j < bytes.count && bytes[j] & 0xC0 == 0x80 { j += 1 }
        return "'" + String(decoding: bytes[i..<j], as: UTF8.self) + "'"
    }

    /// What Prometheus's lexer accepts between `{` and `}`: names, strings, `,`, the
    /// matching operators, whitespace and comments.
    static func allowedInsideBraces(_ c: UInt8) -> Bool {
        if isIdentChar(c) { return true }
        switch c {
        case 0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "~"),
             UInt8(ascii: "}"), UInt8(ascii: "{"), UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "`"), UInt8(ascii: "#"):
            return true
        default:
            return false
        }
    }

    static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: "_")
    }
    static func isIdentChar(_ c: UInt8) -> Bool { isIdentStart(c) || (c >= 0x30 && c <= 0x39) }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    // MARK: numbers and durations

    /// Duration units with their length in milliseconds, longest spelling first.
    static let units: [(String, Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000), ("y", 31_536_000_000),
    ]

    func lexNumberOrDuration(from s: Int) throws(ParseError) -> (TokenKind, Double, Int) {
        let n = bytes.count
        var i = s
        func bad(_ e: Int) -> ParseError {
            var end = e
            while end < n && (Lexer.isIdentChar(bytes[end]) || bytes[end] == UInt8(ascii: ".")) { end += 1 }
            return ParseError("bad number or duration syntax: \(quoteForMessage(String(decoding: bytes[s..<end], as: UTF8.self)))",
                              at: PositionRange(s, end), in: input)
        }
        // Hexadecimal.
        if bytes[i] == UInt8(ascii: "0"), i + 1 < n, bytes[i + 1] | 0x20 == UInt8(ascii: "x") {
            i += 2
            let hs = i
            while i < n, Lexer.hexValue(bytes[i]) != nil { i += 1 }
            if i == hs || (i < n && (Lexer.isIdentChar(bytes[i]) || bytes[i] == UInt8(ascii: "."))) { throw bad(i) }
            var v: Double = 0
            for b in bytes[hs..<i] { v = v * 16 + Double(Lexer.hexValue(b)!) }
            return (.number, v, i)
        }
        // Integer digits, then a duration unit or the rest of a float.
        let ds = i
        while i < n && Lexer.isDigit(bytes[i]) { i += 1 }
        if i > ds, i < n, Lexer.isAlpha(bytes[i]), bytes[i] | 0x20 != UInt8(ascii: "e") || startsUnit(at: i) {
            // Duration: (digits unit)+ with units in decreasing order.
            var total: Int64 = 0
            var j = ds
            var lastUnit = Int64.max
            while j < n && Lexer.isDigit(bytes[j]) {
                var k = j
                var value: Int64 = 0
                while k < n && Lexer.isDigit(bytes[k]) {
                    let (m, o1) = value.multipliedReportingOverflow(by: 10)
                    let (a, o2) = m.addingReportingOverflow(Int64(bytes[k] - 0x30))
                    if o1 || o2 { throw bad(k) }
                    value = a; k += 1
                }
                guard let (u, ui) = unit(at: k) else { throw bad(k) }
                if ui >= lastUnit { throw bad(k) }
                lastUnit = ui
                let (p, o) = value.multipliedReportingOverflow(by: ui)
                let (t, o3) = total.addingReportingOverflow(p)
                if o || o3 { throw bad(k) }
                total = t
                j = k + u.utf8.count
            }
            if j < n && (Lexer.isIdentChar(bytes[j]) || bytes[j] == UInt8(ascii: ".")) { throw bad(j) }
            return (.duration, Double(total), j)
        }
        // Float: digits [. digits] [e [+-] digits].
        if i < n && bytes[i] == UInt8(ascii: ".") {
            i += 1
            while i < n && Lexer.isDigit(bytes[i]) { i += 1 }
        }
        if i == s || (i == s + 1 && bytes[s] == UInt8(ascii: ".")) { throw bad(i) }
        if i < n && bytes[i] | 0x20 == UInt8(ascii: "e") {
            var k = i + 1
            if k < n && (bytes[k] == UInt8(ascii: "+") || bytes[k] == UInt8(ascii: "-")) { k += 1 }
            let es = k
            while k < n && Lexer.isDigit(bytes[k]) { k += 1 }
            if k == es { throw bad(k) }
            i = k
        }
        if i < n && (Lexer.isIdentChar(bytes[i]) || bytes[i] == UInt8(ascii: ".")) { throw bad(i) }
        let literal = String(decoding: bytes[s..<i], as: UTF8.self)
        // Go's ParseInt(base 0) reads a leading-zero integer as octal.
        if literal.count > 1, literal.hasPrefix("0"), literal.allSatisfy({ $0 >= "0" && $0 <= "7" }) {
            var v: Double = 0
            for ch in literal.utf8 { v = v * 8 + Double(ch - 0x30) }
            return (.number, v, i)
        }
        guard let v = Double(literal) else { throw bad(i) }
        if v.isInfinite {
            throw ParseError("error parsing number: \(quoteForMessage(literal)): value out of range", at: PositionRange(s, i), in: input)
        }
        return (.number, v, i)
    }

    private func startsUnit(at i: Int) -> Bool { unit(at: i) != nil }

    /// The unit spelled at `i`, if a duration unit not followed by more letters/digits… of a
    /// different unit (the caller checks what follows).
    private func unit(at i: Int) -> (String, Int64)? {
        for (u, ms) in Lexer.units {
            let ub = Array(u.utf8)
            if i + ub.count <= bytes.count, Array(bytes[i..<i + ub.count]) == ub {
                // `m` must not swallow the `m` of `ms`; `ms` is listed first so it wins.
                let after = i + ub.count
                if after < bytes.count, Lexer.isAlpha(bytes[after]) { continue }
                return (u, ms)
            }
        }
        return nil
    }

    static func isAlpha(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) }
    static func hexValue(_ c: UInt8) -> Int? {
        switch c {
        case 0x30...0x39: return Int(c - 0x30)
        case 0x61...0x66: return Int(c - 0x61 + 10)
        case 0x41...0x46: return Int(c - 0x41 + 10)
        default: return nil
        }
    }

    // MARK: strings

    /// Lexes a quoted string starting at the quote; returns the unquoted value and the end.
    func lexString(from s: Int) throws(ParseError) -> (String, Int) {
        let quote = bytes[s]
        let n = bytes.count
        var out: [UInt8] = []
        var i = s + 1
        func fail(_ msg: String, _ p: Int, _ e: Int) -> ParseError { ParseError(msg, at: PositionRange(p, e), in: input) }
        if quote == UInt8(ascii: "`") {
            while i < n && bytes[i] != quote { out.append(bytes[i]); i += 1 }
            if i >= n { throw fail("unterminated raw string", s, n) }
            return (String(decoding: out, as: UTF8.self), i + 1)
        }
        while true {
            guard i < n, bytes[i] != 0x0A else { throw fail("unterminated quoted string", s, i) }
            let c = bytes[i]
            if c == quote { i += 1; break }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            // Escape sequence.
            let es = i
            i += 1
            guard i < n, bytes[i] != 0x0A else { throw fail("escape sequence not terminated", s, i) }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"): out.append(e)
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                if e != quote { throw fail("unknown escape sequence U+00\(String(e, radix: 16, uppercase: true)) '\(Character(Unicode.Scalar(e)))'", s, i) }
                out.append(e)
            case UInt8(ascii: "x"):
                guard i + 2 <= n, let h = Lexer.hexValue(bytes[i]), let l = Lexer.hexValue(bytes[i + 1]) else {
                    throw fail("illegal character in escape sequence", es, min(n, i + 2))
                }
                out.append(UInt8(h * 16 + l)); i += 2
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                guard i + 2 <= n, (0x30...0x37).contains(bytes[i]), (0x30...0x37).contains(bytes[i + 1]) else {
                    throw fail("illegal character in escape sequence", es, min(n, i + 2))
                }
                let v = Int(e - 0x30) * 64 + Int(bytes[i] - 0x30) * 8 + Int(bytes[i + 1] - 0x30)
                if v > 255 { throw fail("escape sequence is invalid Unicode code point", es, i + 2) }
                out.append(UInt8(v)); i += 2
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let len = e == UInt8(ascii: "u") ? 4 : 8
                guard i + len <= n else { throw fail("illegal character in escape sequence", es, n) }
                var v: UInt32 = 0
                for k in 0..<len {
                    guard let h = Lexer.hexValue(bytes[i + k]) else { throw fail("illegal character in escape sequence", es, i + k + 1) }
                    v = v * 16 + UInt32(h)
                }
                guard let scalar = Unicode.Scalar(v) else { throw fail("escape sequence is invalid Unicode code point", es, i + len) }
                out.append(contentsOf: Array(String(Character(scalar)).utf8)); i += len
            default:
                var j = i
                while j < n && bytes[j] & 0xC0 == 0x80 { j += 1 }
                let ch = String(decoding: bytes[(i - 1)..<j], as: UTF8.self)
                let code = ch.unicodeScalars.first.map { String($0.value, radix: 16, uppercase: true) } ?? "0"
                throw fail("unknown escape sequence U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code) '\(ch)'", s, j)
            }
        }
        return (String(decoding: out, as: UTF8.self), i)
    }
}

