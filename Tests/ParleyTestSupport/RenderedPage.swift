import Foundation
import Parley

/// A document rendered by headless Chromium, as a person would print or look at it: a PDF read back with
/// poppler's `pdftotext` and `pdfinfo`, and a PNG screenshot read back pixel by pixel.
public struct RenderedPage: Sendable {
    /// The text of each PDF page, laid out (`pdftotext -layout`).
    public var pages: [String]
    /// All the PDF's text in reading order (`pdftotext` without layout: a table cell's lines stay together),
    /// every run of white space made one space.
    public var readingOrder: String
    /// Of the screenshot: the share of pixels that are not (near) white, and how many different colours it has.
    public var inkShare: Double
    public var colours: Int
    public var pngWidth: Int
    public var pngHeight: Int
    /// Where the PDF and PNG were written (kept for a person to look at when a test fails).
    public var pdf: URL
    public var png: URL

    static let pngReader = #"""
        import sys, zlib, struct, json
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n', 'not a PNG'
        pos, idat, width, height, depth, ctype = 8, b'', 0, 0, 0, 0
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos+8]); body = data[pos+8:pos+8+length]; pos += 12 + length
            if kind == b'IHDR': width, height, depth, ctype = struct.unpack('>IIBB', body[:10])
            elif kind == b'IDAT': idat += body
        assert depth == 8 and ctype in (2, 6), 'unexpected PNG format %d/%d' % (depth, ctype)
        bpp = 3 if ctype == 2 else 4
        raw = zlib.decompress(idat); stride = width * bpp
        prev = bytearray(stride); ink = 0; colours = set()
        for y in range(height):
            f = raw[y*(stride+1)]; line = bytearray(raw[y*(stride+1)+1:(y+1)*(stride+1)])
            for i in range(stride):
                a = line[i-bpp] if i >= bpp else 0; b = prev[i]; c = prev[i-bpp] if i >= bpp else 0
                if f == 1: line[i] = (line[i] + a) & 255
                elif f == 2: line[i] = (line[i] + b) & 255
                elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
                elif f == 4:
                    p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                    line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            for x in range(0, stride, bpp):
                r, g, bl = line[x], line[x+1], line[x+2]
                if r < 235 or g < 235 or bl < 235: ink += 1
                if len(colours) < 5000: colours.add((r >> 3, g >> 3, bl >> 3))
            prev = line
        print(json.dumps({"width": width, "height": height, "ink": ink / float(width * height), "colours": len(colours)}))
        """#

    /// Renders `html` to PDF and to a PNG of `width`×`height` pixels in `directory`, named `name`.
    public static func render(_ html: String, name: String, in directory: URL, width: Int = 900, height: Int = 1200) throws -> RenderedPage {
        let printer = try ChromiumPrinter.find()
        let pdf = directory.appendingPathComponent(name + ".pdf")
        let png = directory.appendingPathComponent(name + ".png")
        try printer.printPDF(html: html, to: pdf)
        try printer.screenshot(html: html, to: png, width: width, height: height)

        let pages = try pdfPages(pdf)
        let raw = try ToolRun.run("/usr/bin/env", ["pdftotext", pdf.path, "-"])
        guard raw.status == 0 else { throw ToolRun.Failure(description: "pdftotext failed: \(raw.stderr)") }
        let read = try ToolRun.run("/usr/bin/env", ["python3", "-c", pngReader, png.path])
        guard read.status == 0 else { throw ToolRun.Failure(description: "could not read the PNG: \(read.stderr)") }
        struct Pixels: Decodable { var width: Int; var height: Int; var ink: Double; var colours: Int }
        let pixels = try JSONDecoder().decode(Pixels.self, from: Data(read.stdout.utf8))
        return RenderedPage(
            pages: pages, readingOrder: raw.stdout.split(whereSeparator: { $0.isWhitespace }).joined(separator: " "), inkShare: pixels.ink, colours: pixels.colours, pngWidth: pixels.width,
                            pngHeight: pixels.height, pdf: pdf, png: png)
    }

    /// The text of each page of a PDF (`pdfinfo` for the count, `pdftotext -layout` page by page).
    public static func pdfPages(_ pdf: URL) throws -> [String] {
        let info = try ToolRun.run("/usr/bin/env", ["pdfinfo", pdf.path])
        guard info.status == 0, let line = info.stdout.split(separator: "\n").first(where: { $0.hasPrefix("Pages:") }),
              let count = Int(line.dropFirst("Pages:".count).trimmingCharacters(in: .whitespaces))
        else { throw ToolRun.Failure(description: "pdfinfo could not read \(pdf.path): \(info.stderr)") }
        var pages: [String] = []
        for page in 1...max(count, 1) {
            let text = try ToolRun.run("/usr/bin/env", ["pdftotext", "-layout", "-f", "\(page)", "-l", "\(page)", pdf.path, "-"])
            guard text.status == 0 else { throw ToolRun.Failure(description: "pdftotext failed: \(text.stderr)") }
            pages.append(text.stdout)
        }
        return pages
    }

    /// All the PDF's text, with runs of spaces made one (layout spacing aside).
    public var text: String {
        pages.joined(separator: "\n").split(whereSeparator: { $0 == " " }).joined(separator: " ")
    }
}
