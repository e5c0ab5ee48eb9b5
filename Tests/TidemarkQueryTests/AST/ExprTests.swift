import Testing
import TidemarkStorage
@testable import TidemarkQuery

@Suite struct ExprTests {
    @Test func positionsDoNotTakePartInEquality() {
        let a = Expr.number(NumberLiteral(1, position: PositionRange(0, 1)))
        let b = Expr.number(NumberLiteral(1, position: PositionRange(5, 9)))
        #expect(a == b)
        #expect(a.position.start == 0 && b.position.start == 5)
    }

    @Test func nanLiteralsAreEqualWhateverTheirPayload() {
        #expect(NumberLiteral(.nan) == NumberLiteral(Double(bitPattern: 0x7FF8_0000_0000_0001)))
        #expect(NumberLiteral(0.0) != NumberLiteral(-0.0))
    }

    @Test func precedenceFollowsPrometheus() {
        let order: [[BinaryOperator]] = [[.or], [.and, .unless], [.eql, .neq, .gtr, .lss, .gte, .lte], [.add, .sub], [.mul, .div, .mod, .atan2], [.pow]]
        for (level, ops) in order.enumerated() {
            for op in ops { #expect(op.precedence == level + 1, "\(op)") }
        }
        #expect(BinaryOperator.allCases.filter(\.isRightAssociative) == [.pow])
        #expect(AggregateOperator.allCases.filter(\.takesParameter) == [.topk, .bottomk, .quantile, .count_values, .limitk, .limit_ratio])
    }
}
