import Foundation

/// Parses iCalendar text with a real parser, Python's `icalendar`, kept running in one process so that property
/// tests can parse hundreds of calendars quickly.
public final class ICalendarParser: @unchecked Sendable {
    /// One component as the parser read it: its name and its properties in order.
    public struct Component: Sendable {
        public var name: String
        public var properties: [Property]

        /// The values of the properties named `name`.
        public func values(_ name: String) -> [Property] { properties.filter { $0.name == name } }

        /// The text of the one property named `name` (unescaped), nil when there is none.
        public func text(_ name: String) -> String? { values(name).first?.text }
    }

    public struct Property: Sendable {
        public var name: String
        public var parameters: [String: String]
        /// The value as the parser unescaped it (TEXT), or as it would write it (other types).
        public var text: String
        /// For DATE-TIME values: the moment in UTC as ISO 8601, when the parser could place it; for DATE values
        /// the day.
        public var moment: String?
    }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    private static let script = #"""
import sys, json, datetime
import icalendar
inp = sys.stdin.buffer
out = sys.stdout
while True:
    header = inp.readline()
    if not header:
        break
    data = inp.read(int(header)).decode("utf-8")
    try:
        cal = icalendar.Calendar.from_ical(data)
        components = []
        for component in cal.walk():
            props = []
            for name, value in component.property_items(recursive=False):
                if name in ("BEGIN", "END"):
                    continue
                params = {}
                if hasattr(value, "params"):
                    params = {k: str(v) for k, v in value.params.items()}
                moment = None
                if hasattr(value, "dt"):
                    dt = value.dt
                    if isinstance(dt, datetime.datetime):
                        if dt.tzinfo is not None:
                            moment = dt.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
                    elif isinstance(dt, datetime.date):
                        moment = dt.isoformat()
                if isinstance(value, str):
                    text = str(value)
                else:
                    raw = value.to_ical() if hasattr(value, "to_ical") else value
                    text = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
                props.append({"name": name, "parameters": params, "text": text, "moment": moment})
            components.append({"name": component.name, "properties": props})
        result = {"ok": True, "components": components}
    except Exception as error:
        result = {"ok": False, "error": repr(error)}
    out.write(json.dumps(result) + "\n")
    out.flush()
"""#

    private let process = Process()
    private let toParser = Pipe()
    private let fromParser = Pipe()
    private let lock = NSLock()
    private var buffer = Data()

    /// The parser every test in this process shares.
    public static let shared = ICalendarParser()

    private init() {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", Self.script]
        process.standardInput = toParser
        process.standardOutput = fromParser
        try? process.run()
    }

    /// The components of `text` in order (VCALENDAR first), or `Failure` with the parser's complaint.
    public func parse(_ text: String) throws -> [Component] {
        lock.lock()
        defer { lock.unlock() }
        guard process.isRunning else {
            throw Failure(description: "python3 with the icalendar package is needed (pip3 install icalendar)")
        }
        let bytes = Data(text.utf8)
        toParser.fileHandleForWriting.write(Data("\(bytes.count)\n".utf8) + bytes)
        while !buffer.contains(0x0A) {
            let chunk = fromParser.fileHandleForReading.availableData
            guard !chunk.isEmpty else { throw Failure(description: "the icalendar parser stopped") }
            buffer.append(chunk)
        }
        let end = buffer.firstIndex(of: 0x0A)!
        let line = buffer[buffer.startIndex..<end]
        buffer = Data(buffer[buffer.index(after: end)...])
        guard let object = try JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            throw Failure(description: "unreadable answer from the icalendar parser")
        }
        guard object["ok"] as? Bool == true else {
            throw Failure(description: "icalendar refused the calendar: \(object["error"] ?? "?")")
        }
        return (object["components"] as? [[String: Any]] ?? []).map { component in
            Component(
                name: component["name"] as? String ?? "",
                properties: (component["properties"] as? [[String: Any]] ?? []).map { property in
                    Property(name: property["name"] as? String ?? "",
                             parameters: property["parameters"] as? [String: String] ?? [:],
                             text: property["text"] as? String ?? "",
                             moment: property["moment"] as? String)
                })
        }
    }
}
