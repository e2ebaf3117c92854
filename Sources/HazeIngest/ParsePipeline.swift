import Foundation
import HazeModel
import HazeRegistry

/// Reads and parses the sources of a run ahead of the writer, on worker
/// threads (one per core but the writer's), and hands them to the writer in
/// source order. A writer that would wait for a source parses the next one
/// nobody has taken yet itself: the cores are never one thread short of
/// work, nor is the writer slowed by a third thread on two cores.
///
/// Workers never touch the store (they run `Ingester.prepare`); the store
/// stays with the one writer. Memory is bounded: a worker starts no new
/// source while what is read ahead and not yet taken holds `aheadBytes` or
/// more — except the very source the writer waits for, so the writer never
/// waits on the bound. Plain threads, not Dispatch's or Swift concurrency's
/// pools: the writer blocks while it waits, and blocking a pool thread can
/// starve it.
final class ParsePipeline: @unchecked Sendable {
    // Every mutable property below is read and written with `condition` locked.
    private let condition = NSCondition()
    private var next = 0
    private var taken = 0
    private var held = 0
    private var results: [PreparedSource?]
    private var stopped = false
    private var running = 0

    private let sources: [IngestSource]
    private let options: IngestOptions
    private let registry: StationRegistry
    private let zone: LocalZone
    private let aheadBytes: Int
    private let keepingInput: Bool
    /// Readings arrays the writer gives back (`recycle`), filled again by the workers.
    private let pool = ReadingPool()
    /// Arrays of the store's readings, shared with the writer's `Ingester`.
    private let storedPool: StoredReadingPool
    /// The writer's latest resolution of a source's keys to store indices
    /// (`publish`): a worker whose source has the same keys converts its
    /// readings for the store itself (the writer checks the indices again).
    private var resolution: (keys: [SeriesKey], indices: [Int])?

    /// `keepingInput`: hand over what was read (for the raw archive), not only what was parsed.
    init(sources: [IngestSource], options: IngestOptions, registry: StationRegistry, zone: LocalZone,
         keepingInput: Bool, storedPool: StoredReadingPool = StoredReadingPool(), aheadBytes: Int = 32 << 20) {
        self.storedPool = storedPool
        self.keepingInput = keepingInput
        self.sources = sources
        self.options = options
        self.registry = registry
        self.zone = zone
        self.aheadBytes = aheadBytes
        self.results = [PreparedSource?](repeating: nil, count: sources.count)
    }

    /// Starts `workers` threads (default: one per core but the writer's, at
    /// least one, at most 3, never more than sources).
    func start(workers: Int = max(1, min(4, ProcessInfo.processInfo.activeProcessorCount) - 1)) {
        let count = max(1, min(workers, sources.count))
        condition.lock()
        running = count
        condition.unlock()
        for _ in 0 ..< count {
            let thread = Thread { [self] in work() }
            thread.name = "haze-parse"
            thread.start()
        }
    }

    private func work() {
        var buffers = ParseBuffers()
        while true {
            condition.lock()
            while !stopped && next < sources.count && held >= aheadBytes && next != taken {
                condition.wait()
            }
            guard !stopped, next < sources.count else {
                running -= 1
                condition.broadcast()
                condition.unlock()
                return
            }
            let index = next
            next += 1
            condition.unlock()
            let prepared = prepare(index, buffers: &buffers)
            condition.lock()
            results[index] = prepared
            held += prepared.heldBytes
            condition.broadcast()
            condition.unlock()
        }
    }

    private func prepare(_ index: Int, buffers: inout ParseBuffers) -> PreparedSource {
        if buffers.readings.capacity == 0 { buffers.readings = pool.take() }
        var prepared = Ingester.prepare(sources[index], options: options, registry: registry, zone: zone,
                                        keepingInput: keepingInput, buffers: &buffers)
        // Converted for the store here, in parallel, when the keys are the
        // ones the writer resolved last (consecutive day files share them).
        condition.lock()
        let resolution = self.resolution
        condition.unlock()
        guard let resolution, case .parsed(var batch) = prepared.content, !batch.readings.isEmpty,
              batch.keys == resolution.keys else { return prepared }
        prepared.content = .unreadable
        var converted = storedPool.take()
        Ingester.convert(batch.readings, indices: resolution.indices, appendingTo: &converted)
        batch.converted = (converted, resolution.indices)
        prepared.content = .parsed(batch)
        return prepared
    }

    /// The writer's resolution of a source's keys, for the workers (see `resolution`).
    func publish(_ resolution: (keys: [SeriesKey], indices: [Int])) {
        condition.lock()
        self.resolution = resolution
        condition.unlock()
    }

    /// The writer's own buffers for the sources it parses while it would wait
    /// (only `take`, on the writer's thread, uses them).
    private var writerBuffers = ParseBuffers()

    /// The prepared source at `index` (taken in order, each once). While it
    /// is not ready, the writer parses the next source no worker has taken
    /// (within the bound on what is read ahead, or `index` itself), then waits.
    func take(_ index: Int) -> PreparedSource {
        condition.lock()
        defer { condition.unlock() }
        taken = index
        condition.broadcast()
        while true {
            if let prepared = results[index] {
                results[index] = nil
                held -= prepared.heldBytes
                taken = index + 1
                condition.broadcast()
                return prepared
            }
            if !stopped && next < sources.count && (held < aheadBytes || next == index) {
                let mine = next
                next += 1
                condition.unlock()
                let prepared = prepare(mine, buffers: &writerBuffers)
                condition.lock()
                results[mine] = prepared
                held += prepared.heldBytes
                condition.broadcast()
                continue
            }
            condition.wait()
        }
    }

    /// Hands the readings arrays of sources written back to the workers.
    func recycle(_ sources: inout [PreparedSource]) { pool.recycle(&sources, stored: storedPool) }

    /// Stops the workers (after the source each is reading) and waits for them.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        while running > 0 { condition.wait() }
        results = []
        condition.unlock()
    }
}
