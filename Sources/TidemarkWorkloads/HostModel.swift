/// The groups of series whose values are generated together (they share state, such
/// as CPU busy time driving the load averages). Each group has its own random stream,
/// so one group of one host can be replayed alone: that is how the OpenMetrics writer
/// produces family-major output without holding the whole data set.
enum ModelGroup: Int, CaseIterable, Sendable {
    case cpuLoad, memory, disk, network, http

    var slotCount: Int {
        switch self {
        case .cpuLoad: CPULoadModel.slotCount
        case .memory: MemoryModel.slotCount
        case .disk: ByteCounterModel.diskSlotCount
        case .network: ByteCounterModel.networkSlotCount
        case .http: HTTPModel.slotCount
        }
    }

    /// Index of the group's first value among a host's values.
    var firstSlot: Int {
        ModelGroup.allCases.prefix(while: { $0 != self }).reduce(0) { $0 + $1.slotCount }
    }

    static let slotsPerHost = allCases.reduce(0) { $0 + $1.slotCount }
}

/// All value models of one host; `step` advances them by one scrape.
struct HostModel {
    let traits: HostTraits
    private var cpuLoad: CPULoadModel?
    private var memory: MemoryModel?
    private var disk: ByteCounterModel?
    private var network: ByteCounterModel?
    private var http: HTTPModel?

    /// Models for every group, or only for `only`.
    init(traits: HostTraits, seed: UInt64, intervalSeconds: Double, only: ModelGroup? = nil) {
        self.traits = traits
        func wanted(_ g: ModelGroup) -> Bool { only == nil || only == g }
        if wanted(.cpuLoad) { cpuLoad = CPULoadModel(traits: traits, seed: seed) }
        if wanted(.memory) { memory = MemoryModel(traits: traits, seed: seed) }
        if wanted(.disk) { disk = ByteCounterModel.disk(traits: traits, seed: seed, intervalSeconds: intervalSeconds) }
        if wanted(.network) { network = ByteCounterModel.network(traits: traits, seed: seed, intervalSeconds: intervalSeconds) }
        if wanted(.http) { http = HTTPModel(traits: traits, seed: seed, intervalSeconds: intervalSeconds) }
    }

    /// Writes the next scrape's values of the modelled groups at their slots in `out`
    /// (which holds `ModelGroup.slotsPerHost` values).
    mutating func step(_ out: UnsafeMutablePointer<Double>) {
        cpuLoad?.step(out + ModelGroup.cpuLoad.firstSlot)
        memory?.step(out + ModelGroup.memory.firstSlot)
        disk?.step(out + ModelGroup.disk.firstSlot)
        network?.step(out + ModelGroup.network.firstSlot)
        http?.step(out + ModelGroup.http.firstSlot)
    }
}
