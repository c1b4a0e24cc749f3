/// A failure of the benchmark itself (as opposed to a target not met): it makes `parley-bench` exit non-zero.
struct BenchError: Error, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}
