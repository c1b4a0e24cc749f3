import Foundation
import PQ

/// The brief's two charts, as inline SVG built with `HTML` (so every label is escaped): deliveries over time against
/// the target, and disputed figures as ranges. Simple and honest: value axes start at zero, both axes are labelled,
/// units are shown, and every point carries its number.
enum BriefChart {
    static let width = 360.0
    static let left = 58.0
    static let right = 16.0

    /// Cumulative deliveries of a quantity commitment, one step per reported stage, with the target as a dashed line
    /// and the deadline as a dotted one. Nil when it has no target or nothing delivered.
    static func deliveries(_ commitment: Brief.Commitment) -> HTML? {
        guard let target = commitment.target.map(double), target > 0 else { return nil }
        let stages = commitment.updates.filter { ($0.delivered ?? 0) != 0 }.sorted { $0.reportedOn < $1.reportedOn }
        guard !stages.isEmpty else { return nil }
        let height = 200.0, top = 18.0, bottom = 44.0
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        let unit = commitment.unit.map(BodyText.singleLine) ?? "units"

        var points: [(day: Int, total: Double)] = []
        var total = 0.0
        for stage in stages {
            total += double(stage.delivered ?? 0)
            points.append((dayNumber(stage.reportedOn), total))
        }
        let startDay = min(commitment.madeOn.map(dayNumber) ?? points[0].day, points[0].day)
        var endDay = max(points.last!.day, commitment.dueOn.map(dayNumber) ?? points.last!.day)
        if endDay - startDay < 2 { endDay = startDay + 2 }
        let ticks = valueTicks(upTo: max(target, total))
        let valueTop = ticks.last ?? max(target, total)
        func x(_ day: Int) -> Double { left + Double(day - startDay) / Double(endDay - startDay) * plotWidth }
        func y(_ value: Double) -> Double { top + plotHeight - value / valueTop * plotHeight }

        var parts: [HTML] = []
        // Grid and value axis.
        for tick in ticks {
            parts.append(line(left, y(tick), left + plotWidth, y(tick), "grid"))
            parts.append(text(left - 6, y(tick) + 4, DigestFormat.number(Decimal(tick)), anchor: "end", "tick"))
        }
        parts.append(line(left, top, left, top + plotHeight, "axis"))
        parts.append(line(left, top + plotHeight, left + plotWidth, top + plotHeight, "axis"))
        // Date axis: start, deadline and end, labelled with their dates.
        var dayTicks = [startDay, endDay]
        if let due = commitment.dueOn.map(dayNumber), !dayTicks.contains(due) { dayTicks.append(due) }
        for day in dayTicks.sorted() {
            parts.append(line(x(day), top + plotHeight, x(day), top + plotHeight + 4, "axis"))
            parts.append(text(x(day), top + plotHeight + 15, shortDate(day), anchor: "middle", "tick"))
        }
        parts.append(text(left + plotWidth / 2, height - 6, "Date reported", anchor: "middle", "axis-title"))
        parts.append(HTML.element("text", [
            Attribute("x", "12"), Attribute("y", format(top + plotHeight / 2)), Attribute("class", "axis-title"),
            Attribute("text-anchor", "middle"), Attribute("transform", "rotate(-90 12 \(format(top + plotHeight / 2)))"),
        ], text: "Delivered (\(unit))"))
        // Target and deadline.
        parts.append(line(left, y(target), left + plotWidth, y(target), "target"))
        // Labels kept apart from the deliveries, which climb to the right: the target's at the left, the
        // deadline's at the foot of its line.
        parts.append(text(left + 4, y(target) - 4, "target \(DigestFormat.number(Decimal(target))) \(unit)", anchor: "start", "target-label"))
        if let due = commitment.dueOn.map(dayNumber) {
            parts.append(line(x(due), top, x(due), top + plotHeight, "deadline"))
            parts.append(text(x(due) - 3, top + plotHeight - 4, "due", anchor: "end", "deadline-label"))
        }
        // The deliveries: a step line from zero, a dot and a number at each stage.
        var path = [(x(startDay), y(0))]
        var previous = 0.0
        for point in points {
            path.append((x(point.day), y(previous)))
            path.append((x(point.day), y(point.total)))
            previous = point.total
        }
        parts.append(HTML.void("polyline", [
            Attribute("points", path.map { "\(format($0.0)),\(format($0.1))" }.joined(separator: " ")),
            Attribute("class", "delivered"),
        ], selfClosing: true))
        for (index, point) in points.enumerated() {
            parts.append(HTML.void("circle", [
                Attribute("cx", format(x(point.day))), Attribute("cy", format(y(point.total))), Attribute("r", "3"),
                Attribute("class", "stage"),
            ], selfClosing: true))
            if points.count <= 6 || index == points.count - 1 {
                // Beside the point, on the side away from the value axis.
                let nearLeft = x(point.day) < left + plotWidth * 0.3
                parts.append(text(x(point.day) + (nearLeft ? 5 : -5), y(point.total) + 12,
                                  DigestFormat.number(Decimal(point.total)), anchor: nearLeft ? "start" : "end", "value"))
            }
        }
        let label = "Deliveries of \(commitment.code): \(DigestFormat.number(Decimal(total))) of "
            + "\(DigestFormat.number(Decimal(target))) \(unit) in \(stages.count) stage\(stages.count == 1 ? "" : "s")"
        return svg(height: height, label: label, parts)
    }

    /// The claims about one indicator as dots on a value axis from zero, one row per claimant, with the range
    /// between the lowest and highest claim shaded.
    static func range(_ dispute: Brief.Dispute) -> HTML {
        let rowHeight = 24.0, top = 12.0, bottom = 40.0
        let labelWidth = 120.0
        let plotLeft = labelWidth + 8
        let plotWidth = width - plotLeft - right
        let height = top + Double(dispute.claims.count) * rowHeight + bottom
        let values = dispute.claims.map { double($0.value) }
        let low = values.min() ?? 0, high = values.max() ?? 0
        let ticks = valueTicks(upTo: high)
        let topValue = ticks.last ?? high
        func x(_ value: Double) -> Double { plotLeft + max(0, value) / topValue * plotWidth }
        let plotBottom = top + Double(dispute.claims.count) * rowHeight
        var parts: [HTML] = []
        for tick in ticks {
            parts.append(line(x(tick), top, x(tick), plotBottom, "grid"))
            parts.append(text(x(tick), plotBottom + 14, DigestFormat.number(Decimal(tick)), anchor: "middle", "tick"))
        }
        parts.append(HTML.void("rect", [
            Attribute("x", format(x(low))), Attribute("y", format(top)),
            Attribute("width", format(max(1.5, x(high) - x(low)))), Attribute("height", format(plotBottom - top)),
            Attribute("class", "spread"),
        ], selfClosing: true))
        parts.append(line(plotLeft, plotBottom, plotLeft + plotWidth, plotBottom, "axis"))
        for (index, claim) in dispute.claims.enumerated() {
            let rowY = top + Double(index) * rowHeight + rowHeight / 2
            // The claimant, or an unattributed figure's source, cut to fit (the caption names it in full).
            let who = BodyText.singleLine(claim.claimant ?? claim.sourceTitle ?? "unattributed")
            parts.append(text(labelWidth, rowY + 4, who.count > 24 ? who.prefix(23) + "…" : who, anchor: "end", "claimant"))
            parts.append(line(plotLeft, rowY, x(double(claim.value)), rowY, "claim-line"))
            parts.append(HTML.void("circle", [
                Attribute("cx", format(x(double(claim.value)))), Attribute("cy", format(rowY)), Attribute("r", "4"),
                Attribute("class", "claim"),
            ], selfClosing: true))
            let valueX = x(double(claim.value))
            let rightSide = valueX < plotLeft + plotWidth * 0.7
            parts.append(text(rightSide ? valueX + 7 : valueX - 7, rowY + 4, DigestFormat.number(claim.value),
                              anchor: rightSide ? "start" : "end", "value"))
        }
        let unit = dispute.unit.map(BodyText.singleLine)
        parts.append(text(plotLeft + plotWidth / 2, height - 6,
                          BodyText.singleLine(dispute.indicator) + (unit.map { " (\($0))" } ?? ""), anchor: "middle", "axis-title"))
        let label = "\(dispute.indicator): claims from \(DigestFormat.number(Decimal(low))) to \(DigestFormat.number(Decimal(high)))"
            + (unit.map { " " + $0 } ?? "")
        return svg(height: height, label: label, parts)
    }

    // MARK: - Pieces

    static func svg(height: Double, label: String, _ parts: [HTML]) -> HTML {
        HTML.element("svg", [
            Attribute("xmlns", "http://www.w3.org/2000/svg"), Attribute("viewBox", "0 0 \(format(width)) \(format(height))"),
            Attribute("width", format(width)), Attribute("height", format(height)), Attribute("class", "chart"),
            Attribute("role", "img"), Attribute("aria-label", label),
        ], [HTML.element("title", text: label)] + parts)
    }

    static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ kind: String) -> HTML {
        HTML.void("line", [
            Attribute("x1", format(x1)), Attribute("y1", format(y1)), Attribute("x2", format(x2)), Attribute("y2", format(y2)),
            Attribute("class", kind),
        ], selfClosing: true)
    }

    static func text(_ x: Double, _ y: Double, _ content: String, anchor: String, _ kind: String) -> HTML {
        HTML.element("text", [
            Attribute("x", format(x)), Attribute("y", format(y)), Attribute("text-anchor", anchor), Attribute("class", kind),
        ], text: content)
    }

    /// Round tick values from zero that cover `maximum`: 0, 250, 500, 750, 1,000, 1,250 for 1,100.
    static func valueTicks(upTo maximum: Double) -> [Double] {
        guard maximum > 0, maximum.isFinite else { return [0, 1] }
        let rough = maximum / 4
        let magnitude = pow(10, floor(log10(rough)))
        let step = [1.0, 2.0, 2.5, 5.0, 10.0].map { $0 * magnitude }.first { $0 >= rough } ?? magnitude * 10
        var ticks: [Double] = []
        var value = 0.0
        while value < maximum - step * 1e-9 {
            ticks.append(value)
            value += step
        }
        ticks.append(value)
        return ticks
    }

    static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }

    static func double(_ value: Decimal) -> Double {
        NSDecimalNumber(decimal: value).doubleValue
    }

    private static let utc = TimeZone(identifier: "UTC")!

    /// Days since 1970-01-01, for positions on a date axis.
    static func dayNumber(_ day: CalendarDate) -> Int {
        Int((day.startOfDay(in: utc).timeIntervalSince1970 / 86_400).rounded())
    }

    /// `23 May 25`.
    static func shortDate(_ dayNumber: Int) -> String {
        let day = CalendarDate(Date(timeIntervalSince1970: Double(dayNumber) * 86_400), in: utc)
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(day.day) \(months[day.month - 1]) \(String(format: "%02d", day.year % 100))"
    }
}
