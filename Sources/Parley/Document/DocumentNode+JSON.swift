extension DocumentNode {
    /// The value as compact JSON text, for sending to the database.
    public var compactJSON: String {
        var out = ""
        appendJSON(to: &out, indent: nil, level: 0)
        return out
    }

    /// The value as JSON text indented by two spaces per level, fields in their order, ending with a newline.
    public var prettyJSON: String {
        var out = ""
        appendJSON(to: &out, indent: "  ", level: 0)
        out.append("\n")
        return out
    }

    private func appendJSON(to out: inout String, indent: String?, level: Int) {
        switch value {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .number(let literal): out.append(literal)
        case .string(let text): JSONText.appendQuoted(text, to: &out)
        case .list(let nodes):
            guard !nodes.isEmpty else { out.append("[]"); return }
            out.append("[")
            for (offset, node) in nodes.enumerated() {
                if offset > 0 { out.append(",") }
                newline(&out, indent, level + 1)
                node.appendJSON(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append("]")
        case .mapping(let fields):
            guard !fields.isEmpty else { out.append("{}"); return }
            out.append("{")
            for (offset, field) in fields.enumerated() {
                if offset > 0 { out.append(",") }
                newline(&out, indent, level + 1)
                JSONText.appendQuoted(field.key, to: &out)
                out.append(indent == nil ? ":" : ": ")
                field.value.appendJSON(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out.append("}")
        }
    }

    private func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out.append("\n")
        for _ in 0..<level { out.append(indent) }
    }
}
