import Testing
@testable import TidemarkQuery

@Suite struct LexerTests {
    func kinds(_ s: String) throws -> [TokenKind] { try Lexer(s).tokenize().map(\.kind) }
    func single(_ s: String) throws -> Token {
        let t = try Lexer(s).tokenize()
        #expect(t.count == 2, "\(s) gave \(t.map(\.text))")
        return t[0]
    }

    @Test func operatorsAndPunctuation() throws {
        #expect(try kinds("+ - * / % ^ == != < <= > >= = ( ) [ ] , @") == [
            .add, .sub, .mul, .div, .mod, .pow, .eql, .neq, .lss, .lte, .gtr, .gte, .assign,
            .leftParen, .rightParen, .leftBracket, .rightBracket, .comma, .at, .eof,
        ])
        #expect(try kinds("{a=~'x',b!~'y'}") == [.leftBrace, .identifier, .regexMatch, .string, .comma, .identifier, .regexNoMatch, .string, .rightBrace, .eof])
        #expect(try kinds("a </ b >/ c < /") == [.identifier, .trimUpper, .identifier, .trimLower, .identifier, .lss, .div, .eof])
        #expect(try kinds("x[5m:1m]") == [.identifier, .leftBracket, .duration, .colon, .duration, .rightBracket, .eof])
    }

    @Test(arguments: [
        ("1", 1.0), ("1.5", 1.5), (".5", 0.5), ("5.", 5.0), ("1e3", 1000.0), ("1.5E-3", 0.0015), ("2e+2", 200.0),
        ("0x1F", 31.0), ("0XfF", 255.0), ("010", 8.0), ("09", 9.0), ("Inf", Double.infinity), ("inF", Double.infinity),
    ])
    func numbers(text: String, value: Double) throws {
        let t = try single(text)
        #expect(t.kind == .number)
        #expect(t.numberValue == value)
    }

    @Test func nanIsANumberInAnyCase() throws {
        for s in ["NaN", "nan", "NAN"] {
            let t = try single(s)
            #expect(t.kind == .number && t.numberValue.isNaN)
        }
        #expect(try single("Infinity").kind == .identifier)
    }

    @Test(arguments: [
        ("5m", 300_000.0), ("1h30m", 5_400_000.0), ("500ms", 500.0), ("1y", 31_536_000_000.0), ("2w", 1_209_600_000.0),
        ("1d2h3m4s5ms", 93_784_005.0), ("0s", 0.0),
    ])
    func durations(text: String, ms: Double) throws {
        let t = try single(text)
        #expect(t.kind == .duration)
        #expect(t.numberValue == ms)
    }

    @Test(arguments: ["5x", "1m1h", "5mm", "0x", "0xG", "1e", "1.2.3", "5min", "1.5m"])
    func badNumbers(text: String) {
        #expect(throws: ParseError.self) { try Lexer(text).tokenize() }
    }

    @Test func strings() throws {
        #expect(try single(#""a\nb\t\"c\\""#).stringValue == "a\nb\t\"c\\")
        #expect(try single(#"'it\'s'"#).stringValue == "it's")
        #expect(try single("`raw\\n`").stringValue == "raw\\n")
        #expect(try single(#""\x41\101\u00e9\U0001F600""#).stringValue == "AAé😀")
        #expect(try single(#""日本""#).stringValue == "日本")
    }

    @Test func badStrings() {
        for s in [#""abc"#, #""a\qb""#, #"'a\"b'"#, "\"a\nb\"", "`abc"] {
            #expect(throws: ParseError.self, "\(s)") { try Lexer(s).tokenize() }
        }
    }

    @Test func identifiersKeepColonsOutsideBrackets() throws {
        let t = try Lexer("job:rate5m:sum{a=\"b\"}").tokenize()
        #expect(t[0].kind == .identifier && t[0].text == "job:rate5m:sum")
        #expect(try Lexer(":leading").tokenize()[0].text == ":leading")
    }

    @Test func commentsAndWhitespaceAreSkipped() throws {
        #expect(try kinds("foo # a comment ( ]\n\t+ bar # end") == [.identifier, .add, .identifier, .eof])
    }

    @Test func positionsAreByteOffsets() throws {
        let t = try Lexer("  foo{a=\"é\"}").tokenize()
        #expect(t[0].position.start == 2 && t[0].position.end == 5)
        #expect(t[4].kind == .string && t[4].position.start == 8 && t[4].position.end == 12)
    }

    @Test func lexerErrors() {
        let cases: [(String, String)] = [
            ("foo)", "1:4: parse error: unexpected right parenthesis ')'"),
            ("sum(foo", "1:8: parse error: unclosed left parenthesis"),
            ("foo{a=\"b\"", "1:10: parse error: unexpected end of input inside braces"),
            ("foo[5m", "1:7: parse error: unclosed left bracket"),
            ("foo ! bar", "1:5: parse error: unexpected character after '!': ' '"),
            ("foo $ bar", "1:5: parse error: unexpected character: '$'"),
            ("\"abc", "1:1: parse error: unterminated quoted string"),
            ("\"\\", "1:1: parse error: escape sequence not terminated"),
            ("\"\\c\"", "1:1: parse error: unknown escape sequence U+0063 'c'"),
            ("'\\\"'", "1:1: parse error: unknown escape sequence U+0022 '\"'"),
            ("foo{a:b=\"c\"}", "1:6: parse error: unexpected character inside braces: ':'"),
            // Found by FuzzPromQLParser (out of memory before the fix).
            ("hiscl{eabel_tjo[5m]:", "1:16: parse error: unexpected character inside braces: '['"),
        ]
        for (input, message) in cases {
            do {
                _ = try Lexer(input).tokenize()
                Issue.record("\(input) lexed")
            } catch {
                #expect(error.description == message, "\(input)")
            }
        }
    }
}
