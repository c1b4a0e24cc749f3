extension DocumentNode {
    /// The line of the value at `path`, written as the database writes it (`commitments[3].updates[0].delivered`);
    /// for a path that goes further than the document (a field left out), the line of the deepest value that
    /// exists on the way — the record the field is missing from.
    ///
    /// - Returns: nil when not even the first step exists, or nothing on the way has a line.
    public func line(at path: String) -> Int? {
        var node = self
        var best: Int?
        for step in DocumentPath.steps(of: path) {
            switch step {
            case .key(let key):
                guard let field = node.fields.first(where: { $0.key == key }) else { return best }
                // The key's own line: for a value on the following lines (a list, a block) the key names it best.
                if field.line > 0 { best = field.line }
                node = field.value
                if !isContainer(field.value), node.line > 0 { best = node.line }
            case .index(let index):
                let elements = node.elements
                guard elements.indices.contains(index) else { return best }
                node = elements[index]
                if node.line > 0 { best = node.line }
            }
        }
        return best
    }

    private func isContainer(_ node: DocumentNode) -> Bool {
        switch node.value {
        case .list, .mapping: return true
        default: return false
        }
    }
}
