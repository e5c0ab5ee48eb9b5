import Testing
@testable import TidemarkStorage

@Suite("Compaction planner and retention planner")
struct CompactionPlannerTests {
    static let h: Int64 = 3600 * 1000

    static func meta(_ ulid: String, _ minH: Int64, _ maxH: Int64, resolution: String = "raw") -> BlockMeta {
        BlockMeta(ulid: ulid, minTime: minH * h, maxTime: maxH * h,
                  stats: .init(numSeries: 1, numChunks: 1, numSamples: 1, numPages: 1),
                  version: BlockMeta.currentVersion, resolution: resolution, source: "head")
    }

    @Test func rangesGrowByThreeAndFourUpToTheMaximum() {
        #expect(CompactionPlanner(blockRange: 2 * Self.h, maxBlockDuration: 36 * Self.h).ranges == [2, 6, 24].map { $0 * Self.h })
        #expect(CompactionPlanner(blockRange: 2 * Self.h, maxBlockDuration: 31 * 24 * Self.h).ranges == [2, 6, 24, 72, 288].map { $0 * Self.h })
        #expect(CompactionPlanner(blockRange: 2 * Self.h, maxBlockDuration: Self.h).ranges == [2 * Self.h])
        // Default options: 15 d retention → 1.5 d maximum → 2h, 6h, 24h.
        #expect(DBOptions().compactionRanges == [2, 6, 24].map { $0 * Self.h })
    }

    @Test func completeWindowIsMergedIncompleteIsNot() {
        let p = CompactionPlanner(ranges: [2, 6, 24].map { $0 * Self.h })
        let three = [Self.meta("A", 0, 2), Self.meta("B", 2, 4), Self.meta("C", 4, 6)]
        // The 6h window counts as complete only once a block starts at or after its end.
        #expect(p.plan(three) == nil)
        let withNext = three + [Self.meta("D", 6, 8)]
        #expect(p.plan(withNext)?.map(\.ulid) == ["A", "B", "C"])
        // Two blocks of a window suffice once the window is complete.
        #expect(p.plan([Self.meta("A", 0, 2), Self.meta("C", 4, 6), Self.meta("D", 6, 8)])?.map(\.ulid) == ["A", "C"])
        // One block alone in a window is left as it is.
        #expect(p.plan([Self.meta("A", 0, 2), Self.meta("D", 6, 8)]) == nil)
    }

    @Test func largerWindowsMergeMergedBlocks() {
        let p = CompactionPlanner(ranges: [2, 6, 24].map { $0 * Self.h })
        let blocks = [Self.meta("A", 0, 6), Self.meta("B", 6, 12), Self.meta("C", 12, 18), Self.meta("D", 18, 24), Self.meta("E", 24, 26)]
        #expect(p.plan(blocks)?.map(\.ulid) == ["A", "B", "C", "D"])
    }

    @Test func overlappingBlocksMergeFirst() {
        let p = CompactionPlanner(ranges: [2, 6].map { $0 * Self.h })
        let blocks = [Self.meta("A", 0, 2), Self.meta("I", 1, 3), Self.meta("B", 2, 4), Self.meta("X", 10, 12)]
        #expect(p.plan(blocks)?.map(\.ulid) == ["A", "I", "B"])
        // Touching is not overlapping ([0,2) and [2,4)).
        #expect(p.plan([Self.meta("A", 0, 2), Self.meta("B", 2, 4)]) == nil)
    }

    @Test func blocksStraddlingAWindowAreLeftAlone() {
        let p = CompactionPlanner(ranges: [2, 6].map { $0 * Self.h })
        // An imported block [4h, 8h) crosses the 6h boundary.
        let blocks = [Self.meta("A", 0, 2), Self.meta("S", 4, 8), Self.meta("D", 8, 10)]
        #expect(p.plan(blocks) == nil)
    }

    @Test func retentionByTimeThenSizePerResolution() {
        let blocks: [(meta: BlockMeta, bytes: Int)] = [
            (Self.meta("A", 0, 2), 100), (Self.meta("B", 2, 4), 100), (Self.meta("C", 4, 6), 100),
            (Self.meta("R", 0, 24, resolution: "5m"), 10),
        ]
        let byTime = RetentionPlanner(policies: ["raw": Retention(time: 3 * Self.h)]).drops(blocks, newestTime: 6 * Self.h)
        #expect(byTime.map(\.block.ulid) == ["A"])  // ends at 2h ≤ 6h − 3h; B ends at 4h > 3h
        #expect(byTime.allSatisfy { $0.reason == .time })
        let bySize = RetentionPlanner(policies: ["raw": Retention(size: 150)]).drops(blocks, newestTime: 6 * Self.h)
        #expect(bySize.map(\.block.ulid) == ["A", "B"])
        // The rollup is kept: its resolution has its own (here: no) policy.
        let both = RetentionPlanner(policies: ["raw": Retention(time: 1), "5m": Retention(time: 100 * Self.h)])
            .drops(blocks, newestTime: 6 * Self.h)
        #expect(Set(both.map(\.block.ulid)) == ["A", "B"])  // C holds the newest sample
    }
}
