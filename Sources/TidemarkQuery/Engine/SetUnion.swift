import TidemarkStorage

/// `a or b or c …` as one n-ary union. PromQL parses the chain left-deep,
/// `((a or b) or c) …`, and evaluated pair by pair every level re-matches the whole
/// accumulated left side, so k operands cost O(k²) label-set matches; TSBS-style queries
/// join ten metrics this way. The union keeps one presence map across operands, which
/// gives the same answer: a right-hand sample is dropped where its signature has a
/// sample at that step on the left, and the left side of every level holds exactly the
/// earlier operands' signatures at each step (a sample dropped from an operand was
/// dropped because an earlier one had its signature there).
extension Evaluator {
    /// The operands, in order, of a left-deep chain of at least two `or`s that all match
    /// the same way; nil for anything else.
    func orChainOperands(_ b: BinaryExpr) -> [Expr]? {
        guard b.op == .or else { return nil }
        var reversed: [Expr] = [b.rhs]
        var node = b
        while case .binary(let inner) = node.lhs, inner.op == .or, inner.matching == b.matching {
            reversed.append(inner.rhs)
            node = inner
        }
        reversed.append(node.lhs)
        return reversed.count > 2 ? reversed.reversed() : nil
    }

    /// The union of `operands` (instant vectors at every step) under `matching`.
    func union(_ operands: [EvalMatrix], _ matching: VectorMatching) throws -> EvalMatrix {
        let names = Set(matching.labels)
        // Match signature → the steps at which an earlier operand has a sample.
        var present: [Labels: [Bool]] = [:]
        var out = MatrixBuilder()
        for (k, m) in operands.enumerated() {
            let sigs = m.map { matchLabels($0.labels, on: matching.on, names: names) }
            for (i, s) in m.enumerated() {
                guard k > 0, let taken = present[sigs[i]] else {
                    try out.addSeries(s)
                    continue
                }
                let pts = s.points.filter { !taken[stepIndex($0.t)] }
                if !pts.isEmpty { try out.addSeries(EvalSeries(labels: s.labels, points: pts, dropName: s.dropName)) }
            }
            guard k < operands.count - 1 else { break }
            for (i, s) in m.enumerated() where !s.points.isEmpty {
                // One lookup per series, its steps marked in place.
                present[sigs[i], default: [Bool](repeating: false, count: numSteps)].withUnsafeMutableBufferPointer { steps in
                    for p in s.points { steps[stepIndex(p.t)] = true }
                }
            }
        }
        return out.series
    }
}
