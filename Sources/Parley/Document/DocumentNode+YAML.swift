import Yams

extension DocumentNode {
    /// The value as YAML text: block style, two-space indent, fields in their order, text quoted only where it would
    /// otherwise read as something else, multi-line text as literal blocks, non-ASCII characters as they are.
    ///
    /// - Throws: `DocumentError` when the YAML emitter fails (it does not for documents made of these values).
    public func yaml() throws -> String {
        do {
            return try Yams.serialize(node: yamlNode(), indent: 2, width: -1, allowUnicode: true, lineBreak: .ln)
        } catch {
            throw DocumentError(line: nil, message: "could not write YAML: \(error)")
        }
    }

    private func yamlNode() -> Node {
        switch value {
        case .null: return Node("null", Tag(.null), .plain)
        case .bool(let flag): return Node(flag ? "true" : "false", Tag(.bool), .plain)
        case .number(let literal): return Node(literal, Tag(.float), .plain)
        case .string(let text):
            let style: Node.Scalar.Style
            if text.contains("\n") {
                style = .literal
            } else if YAMLScalar.needsQuotes(text) {
                style = .doubleQuoted
            } else {
                style = .plain
            }
            return Node(text, Tag(.str), style)
        case .list(let nodes):
            return Node(nodes.map { $0.yamlNode() }, Tag(.seq), .block)
        case .mapping(let fields):
            return Node(fields.map { (Node($0.key, Tag(.str), .plain), $0.value.yamlNode()) }, Tag(.map), .block)
        }
    }
}
