#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One stripe of a `SeriesBytesCache`: an open-addressing table (linear probing, at
/// most half full) whose keys lie back to back in one byte arena, so an entry costs its
/// key's bytes plus one slot and no allocation of its own. Every method but `init` is
/// called under `lock`.
final class SeriesBytesStripe: @unchecked Sendable {
    private struct Slot {
        var hash: UInt64 = 0
        var offset = 0
        var length = 0
        /// nil: the slot is empty.
        var series: MemSeries?
    }

    let lock = Lock()
    private let capacityBytes: Int
    private var slots: [Slot]
    private var arena: [UInt8] = []
    private(set) var count = 0
    /// `Head.removals` when removed series were last swept out.
    var sweptAt: UInt64 = 0

    private static let initialSlots = 16

    init(capacityBytes: Int) {
        self.capacityBytes = capacityBytes
        slots = Array(repeating: Slot(), count: Self.initialSlots)
    }

    /// Keys plus slots.
    var bytes: Int { arena.count + slots.count * MemoryLayout<Slot>.stride }

    /// The series stored under `key`, if any.
    func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> MemSeries? {
        slots[index(of: key, hash: hash)].series
    }

    /// Stores `series` under `key`, replacing what was there. A stripe that would grow
    /// past its capacity is emptied first.
    func insert(_ key: UnsafeRawBufferPointer, hash: UInt64, _ series: MemSeries) {
        let i = index(of: key, hash: hash)
        if slots[i].series != nil {
            slots[i].series = series
            return
        }
        let grow = (count + 1) * 2 > slots.count
        let projected = arena.count + key.count + (grow ? 2 : 1) * slots.count * MemoryLayout<Slot>.stride
        if projected > capacityBytes && count > 0 {
            rebuild(slotCount: Self.initialSlots) { _ in false }
        } else if grow {
            rebuild(slotCount: slots.count * 2) { _ in true }
        }
        place(key, hash: hash, series)
    }

    /// Drops the entries whose series head truncation removed.
    func sweep(at removals: UInt64) {
        sweptAt = removals
        rebuild(slotCount: slots.count) { !$0.removed }
    }

    /// The slot holding `key`, or the empty slot where it would go.
    private func index(of key: UnsafeRawBufferPointer, hash: UInt64) -> Int {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: hash) & mask
        return arena.withUnsafeBytes { a in
            slots.withUnsafeBufferPointer { s in
                while s[i].series != nil {
                    if s[i].hash == hash && s[i].length == key.count
                        && (key.count == 0 || memcmp(a.baseAddress! + s[i].offset, key.baseAddress!, key.count) == 0) {
                        return i
                    }
                    i = (i + 1) & mask
                }
                return i
            }
        }
    }

    /// Adds a key known to be absent, with room for it.
    private func place(_ key: UnsafeRawBufferPointer, hash: UInt64, _ series: MemSeries) {
        let i = index(of: key, hash: hash)
        slots[i] = Slot(hash: hash, offset: arena.count, length: key.count, series: series)
        arena.append(contentsOf: key)
        count += 1
    }

    /// Re-inserts the entries `keep` accepts into a table of `slotCount` slots and a
    /// new arena.
    private func rebuild(slotCount: Int, keep: (MemSeries) -> Bool) {
        let oldSlots = slots
        let oldArena = arena
        slots = Array(repeating: Slot(), count: slotCount)
        arena = []
        count = 0
        oldArena.withUnsafeBytes { a in
            for s in oldSlots {
                guard let m = s.series, keep(m) else { continue }
                place(UnsafeRawBufferPointer(rebasing: a[s.offset..<(s.offset + s.length)]), hash: s.hash, m)
            }
        }
    }
}
