import Foundation

/// HTML read by a real parser: html5lib (the WHATWG parsing algorithm, as browsers parse) in strict mode, which
/// raises on the first parse error. For each document: the error, if any; its text as a reader sees it (entities
/// resolved); the scripts, event-handler attributes and external resources it holds (a brief or digest must have
/// none); the document's title.
public struct HTMLCheck: Decodable, Sendable {
    public var error: String?
    public var text: String
    public var title: String
    public var scripts: Int
    public var eventAttributes: Int
    /// `src`, `srcset`, `<link href>` and CSS `url(` / `@import`: anything a browser would fetch.
    public var loaded: [String]

    static let checker = #"""
        import sys, json, html5lib
        out = []
        for path in sys.argv[1:]:
            source = open(path, encoding='utf-8').read()
            entry = {"error": None, "text": "", "title": "", "scripts": 0, "eventAttributes": 0, "loaded": []}
            try:
                tree = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(source)
                texts = []
                for el in tree.iter():
                    tag = el.tag if isinstance(el.tag, str) else ''
                    local = tag.split('}')[-1]
                    if local == 'script': entry["scripts"] += 1
                    if local == 'title' and not entry["title"]: entry["title"] = el.text or ''
                    for name, value in el.attrib.items():
                        n = name.split('}')[-1].lower()
                        if n.startswith('on'): entry["eventAttributes"] += 1
                        if n in ('src', 'srcset') or (local == 'link' and n == 'href'): entry["loaded"].append(value)
                    if local == 'style' and el.text and ('url(' in el.text or '@import' in el.text):
                        entry["loaded"].append('css')
                    if local not in ('style', 'title') and el.text: texts.append(el.text)
                    if el.tail: texts.append(el.tail)
                entry["text"] = ''.join(texts)
            except Exception as error:
                entry["error"] = repr(error)
            out.append(entry)
        print(json.dumps(out))
        """#

    /// Checks each document (as text).
    public static func run(_ documents: [String]) throws -> [HTMLCheck] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("parley-html-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, document) in documents.enumerated() {
            let url = directory.appendingPathComponent("\(index).html")
            try Data(document.utf8).write(to: url)
            paths.append(url.path)
        }
        let run = try ToolRun.run("/usr/bin/env", ["python3", "-c", checker] + paths)
        guard run.status == 0 else {
            throw ToolRun.Failure(description: "the HTML checker failed (\(run.status)); is html5lib installed (pip3 install html5lib)? \(run.stderr)")
        }
        return try JSONDecoder().decode([HTMLCheck].self, from: Data(run.stdout.utf8))
    }
}

/// A program that is not one of ours (python3, pdftotext), run to the end.
public struct ToolRun: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public static func run(_ path: String, _ arguments: [String]) throws -> ToolRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let collected = OutputCollector()
        let group = DispatchGroup()
        for (pipe, isOut) in [(out, true), (err, false)] {
            group.enter()
            DispatchQueue.global().async {
                collected.store(pipe.fileHandleForReading.readDataToEndOfFile(), isOut: isOut)
                group.leave()
            }
        }
        group.wait()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, stdout: collected.text(isOut: true), stderr: collected.text(isOut: false))
    }
}
