/// Builds one SVG image as text: elements in drawing order, every attribute
/// value and every text escaped, numbers written by `SVGNumber`. No script,
/// no external reference: the image is the same inline in HTML or as a file.
struct SVGCanvas {
    typealias Attributes = [(String, String)]

    let width: Double
    var height: Double
    /// Prefix of every id in the image, unique within a page (two inline SVGs
    /// share one id namespace, and a pattern defined in a hidden SVG does not paint).
    let idPrefix: String
    private(set) var body = ""
    private(set) var definitions = ""

    static let fontFamily = "'Noto Sans CJK SC','Source Han Sans SC','Microsoft YaHei','PingFang SC',sans-serif"

    init(width: Double, height: Double = 0, idPrefix: String) {
        self.width = width
        self.height = height
        self.idPrefix = idPrefix
    }

    /// An id local to this image.
    func id(_ name: String) -> String { idPrefix + "-" + name }

    static func attributes(_ list: Attributes) -> String {
        list.map { " \($0.0)=\"\(HTMLText.escape($0.1))\"" }.joined()
    }

    mutating func define(_ text: String) { definitions += text }

    mutating func raw(_ text: String) { body += text }

    mutating func open(_ element: String = "g", _ attributes: Attributes = []) {
        body += "<\(element)\(Self.attributes(attributes))>"
    }

    mutating func close(_ element: String = "g") { body += "</\(element)>\n" }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1,
                       dash: String? = nil, _ extra: Attributes = []) {
        var list: Attributes = [("x1", SVGNumber.text(x1)), ("y1", SVGNumber.text(y1)), ("x2", SVGNumber.text(x2)),
                                ("y2", SVGNumber.text(y2)), ("stroke", stroke)]
        if width != 1 { list.append(("stroke-width", SVGNumber.text(width))) }
        if let dash { list.append(("stroke-dasharray", dash)) }
        body += "<line\(Self.attributes(list + extra))/>\n"
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, stroke: String? = nil,
                       _ extra: Attributes = [], title: String? = nil) {
        var list: Attributes = [("x", SVGNumber.text(x)), ("y", SVGNumber.text(y)), ("width", SVGNumber.text(max(0, w))),
                                ("height", SVGNumber.text(max(0, h))), ("fill", fill)]
        if let stroke { list.append(("stroke", stroke)) }
        if let title {
            body += "<rect\(Self.attributes(list + extra))><title>\(HTMLText.escape(title))</title></rect>\n"
        } else {
            body += "<rect\(Self.attributes(list + extra))/>\n"
        }
    }

    mutating func circle(_ cx: Double, _ cy: Double, _ r: Double, fill: String, stroke: String? = nil,
                         strokeWidth: Double = 1, _ extra: Attributes = [], title: String? = nil) {
        var list: Attributes = [("cx", SVGNumber.text(cx)), ("cy", SVGNumber.text(cy)), ("r", SVGNumber.text(r)), ("fill", fill)]
        if let stroke {
            list.append(("stroke", stroke))
            if strokeWidth != 1 { list.append(("stroke-width", SVGNumber.text(strokeWidth))) }
        }
        if let title {
            body += "<circle\(Self.attributes(list + extra))><title>\(HTMLText.escape(title))</title></circle>\n"
        } else {
            body += "<circle\(Self.attributes(list + extra))/>\n"
        }
    }

    mutating func path(_ d: String, stroke: String?, fill: String = "none", width: Double = 1, dash: String? = nil,
                       _ extra: Attributes = []) {
        guard !d.isEmpty else { return }
        var list: Attributes = [("d", d), ("fill", fill)]
        if let stroke {
            list.append(("stroke", stroke))
            if width != 1 { list.append(("stroke-width", SVGNumber.text(width))) }
            list.append(("stroke-linejoin", "round"))
        }
        if let dash { list.append(("stroke-dasharray", dash)) }
        body += "<path\(Self.attributes(list + extra))/>\n"
    }

    enum Anchor: String { case start, middle, end }

    /// Text; `halo` draws a white outline under it so it stays legible over lines and colour.
    mutating func text(_ text: String, _ x: Double, _ y: Double, size: Double, anchor: Anchor = .start,
                       fill: String = ChartPalette.text, weight: String? = nil, halo: Bool = false, _ extra: Attributes = []) {
        var list: Attributes = [("x", SVGNumber.text(x)), ("y", SVGNumber.text(y)), ("font-size", SVGNumber.text(size)),
                                ("fill", fill)]
        if anchor != .start { list.append(("text-anchor", anchor.rawValue)) }
        if let weight { list.append(("font-weight", weight)) }
        if halo { list += [("stroke", "#ffffff"), ("stroke-width", "3"), ("paint-order", "stroke"), ("stroke-linejoin", "round")] }
        body += "<text\(Self.attributes(list + extra))>\(HTMLText.escape(text))</text>\n"
    }

    /// The finished image. `standalone` adds the XML namespace a `.svg` file
    /// needs (inline in HTML it is implied, and the page stays free of URLs).
    func document(title: String, standalone: Bool, _ extra: Attributes = []) -> String {
        let w = SVGNumber.text(width), h = SVGNumber.text(height)
        var list: Attributes = []
        if standalone { list.append(("xmlns", "http://www.w3.org/2000/svg")) }
        list += [("width", w), ("height", h), ("viewBox", "0 0 \(w) \(h)"), ("role", "img"), ("aria-label", title),
                 ("font-family", Self.fontFamily), ("class", "haze-chart")]
        var out = "<svg\(Self.attributes(list + extra))>\n<title>\(HTMLText.escape(title))</title>\n"
        if !definitions.isEmpty { out += "<defs>\(definitions)</defs>\n" }
        out += "<rect width=\"\(w)\" height=\"\(h)\" fill=\"#ffffff\"/>\n"
        out += body
        out += "</svg>"
        return out
    }
}
