import Yams

/// Reads YAML into a `DocumentNode`, keeping the order of fields and the line of every value.
///
/// Plain scalars are typed by the JSON-compatible rules of YAML 1.2's core schema, so that a document means the same
/// in YAML and in JSON: `true`/`false`, `null`/`~`/nothing, decimal numbers; everything else is text — in particular
/// `yes`, `no`, `on`, `off` and dates such as `2025-05-16`. Quoted scalars are always text.
enum YAMLDocumentReader {
    static func read(_ text: String) throws -> DocumentNode {
        let node: Node?
        do {
            // The basic resolver: types are decided here (below), and Yams' regular expressions cost seconds on
            // large files.
            node = try Parser(yaml: text, resolver: .basic).singleRoot()
        } catch let error as YamlError {
            throw tabIndentation(error, in: text) ?? documentError(error)
        }
        guard let node else { return DocumentNode(.null, line: 1) }
        // Aliases are expanded: a few lines of anchors can stand for billions of values. A document is allowed ten
        // values per byte of its text, far more than any real one needs.
        var budget = 10 * text.utf8.count + 10_000
        return try convert(node, budget: &budget)
    }

    /// A document that YAML refuses where a line is indented with a tab (YAML indents with spaces only; editors
    /// insert tabs unasked): said in those words, with the line, instead of the parser's "found character that
    /// cannot start any token". Nil when the refused line is not indented with a tab.
    static func tabIndentation(_ error: YamlError, in text: String) -> DocumentError? {
        let mark: Mark
        switch error {
        case let .scanner(_, _, at, _), let .parser(_, _, at, _), let .composer(_, _, at, _): mark = at
        default: return nil
        }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        guard mark.line >= 1, mark.line <= lines.count else { return nil }
        let indentation = lines[mark.line - 1].prefix { $0 == " " || $0 == "\t" }
        guard indentation.contains("\t") else { return nil }
        return DocumentError(
            line: mark.line,
            message: "a tab is used for indentation; YAML indents with spaces only: replace the tab with spaces")
    }

    private static func documentError(_ error: YamlError) -> DocumentError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let prefix = context.map { "\($0.text) " } ?? ""
            return DocumentError(line: mark.line, message: "not valid YAML: \(prefix)\(problem)")
        case let .duplicatedKeysInMapping(duplicates, context):
            return DocumentError(line: context.mark.line,
                                 message: "field \(duplicates.map { "\"\($0)\"" }.joined(separator: ", ")) is given twice in one mapping")
        case let .reader(problem, _, _, _):
            return DocumentError(line: nil, message: "not readable as YAML: \(problem)")
        default:
            return DocumentError(line: nil, message: "not valid YAML: \(error)")
        }
    }

    private static func convert(_ node: Node, budget: inout Int) throws -> DocumentNode {
        let line = node.mark?.line ?? 0
        budget -= 1
        guard budget >= 0 else {
            throw DocumentError(line: line, message: "aliases expand the document far beyond its size (an alias bomb?)")
        }
        switch node {
        case .scalar(let scalar):
            return DocumentNode(try value(of: scalar, line: line), line: line)
        case .sequence(let sequence):
            var nodes: [DocumentNode] = []
            nodes.reserveCapacity(sequence.count)
            for element in sequence { nodes.append(try convert(element, budget: &budget)) }
            return DocumentNode(.list(nodes), line: line)
        case .mapping(let mapping):
            var fields: [DocumentField] = []
            fields.reserveCapacity(mapping.count)
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw DocumentError(line: key.mark?.line, message: "a field name must be text, not a list or mapping")
                }
                fields.append(DocumentField(keyScalar.string, try convert(value, budget: &budget), line: key.mark?.line ?? line))
            }
            return DocumentNode(.mapping(fields), line: line)
        case .alias:
            throw DocumentError(line: line, message: "an alias could not be resolved")
        }
    }

    private static func value(of scalar: Node.Scalar, line: Int) throws -> DocumentNode.Value {
        let text = scalar.string
        switch Tag.Name(rawValue: scalar.tag.description) {
        case .implicit:
            return scalar.style == .plain ? plainValue(text) : .string(text)
        case .nonSpecific, .str:
            return .string(text)
        case .null:
            return .null
        case .bool:
            switch text.lowercased() {
            case "true": return .bool(true)
            case "false": return .bool(false)
            default: throw DocumentError(line: line, message: "!!bool \(text) is not true or false")
            }
        case .int, .float:
            guard let number = YAMLScalar.number(text) else {
                throw DocumentError(line: line, message: "\(text) is not a decimal number")
            }
            return .number(number)
        default:
            throw DocumentError(line: line, message: "the tag \(scalar.tag.description) is not supported here; leave it out")
        }
    }

    private static func plainValue(_ text: String) -> DocumentNode.Value {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default:
            if let number = YAMLScalar.number(text) { return .number(number) }
            return .string(text)
        }
    }
}
