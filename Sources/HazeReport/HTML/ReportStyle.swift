/// The style sheet of every HTML page haze writes (ranking reports, chart
/// pages, the static site): readable from a 320 px phone to a desktop and on
/// A4 paper. One column; tables scroll sideways inside their own box with
/// the unit column held in place; charts switch between a layout made for a
/// phone and one made for a wide screen or paper (`ChartFigure`); print
/// starts each section on a new page.
enum ReportStyle {
    /// Below this viewport width the narrow chart layout is shown.
    static let narrowBreakpoint = 800

    static let css = """
    *,*::before,*::after{box-sizing:border-box}
    html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
    body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",sans-serif;margin:0 auto;max-width:1040px;color:#222;background:#fff;padding:16px 20px 32px;line-height:1.5;overflow-wrap:anywhere}
    h1{font-size:24px;line-height:1.3;margin:8px 0 4px}
    h2{font-size:19px;margin:32px 0 8px;border-bottom:2px solid #2c7fb8;padding-bottom:4px}
    h3{font-size:16px;margin:20px 0 6px}
    a{color:#1f5f96}
    .subtitle{color:#555;margin:0 0 16px}
    nav.crumbs{font-size:14px;margin:0 0 8px;display:flex;flex-wrap:wrap;gap:2px 14px}
    .table-scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%;margin:8px 0 4px;border:1px solid #d0d7de}
    .table-scroll.tall{max-height:80vh;overflow-y:auto}
    table{border-collapse:separate;border-spacing:0;font-size:14px;width:100%}
    th,td{border-bottom:1px solid #d0d7de;border-right:1px solid #e4e8ec;padding:4px 8px;white-space:nowrap;text-align:left;background:#fff}
    th{background:#f3f6f9;font-weight:600;position:sticky;top:0;z-index:2}
    td.r,th.r{text-align:right;font-variant-numeric:tabular-nums}
    td.unit,th.unit{position:sticky;left:0;z-index:1;border-right:1px solid #c0c8d0}
    th.unit{z-index:3}
    td.wrap{white-space:normal;min-width:12em}
    tr.muted td{color:#777;background:#fafafa}
    figure.chart{margin:12px 0 16px}
    figure.chart svg{display:block;width:100%;height:auto}
    figure.chart svg.narrow{display:none;max-width:600px}
    figure.chart svg.wide{max-width:1000px}
    figure.chart figcaption{font-size:13px;color:#555}
    .chart-part{margin:0 0 6px}
    .legend{display:flex;flex-wrap:wrap;gap:4px 16px;font-size:13px;color:#333;margin:4px 0 8px;padding:0;list-style:none}
    .legend li{display:flex;align-items:center;gap:6px}
    .legend .sw{display:inline-block;width:22px;height:12px;flex:none}
    .notes{font-size:13px;color:#444;margin-top:28px;padding-left:20px}.notes li{margin:3px 0}
    .cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:10px;padding:0;list-style:none}
    .cards li{border:1px solid #d0d7de;border-radius:6px;padding:8px 10px}
    .alert{border-left:4px solid #999;padding:6px 10px;margin:8px 0;background:#fafafa}
    .alert.warning{border-color:#ff7e00}.alert.critical{border-color:#c0392b}.alert.info{border-color:#2c7fb8}
    .summary-list{padding-left:20px}.summary-list li{margin:4px 0}
    .small{font-size:13px;color:#555;margin:4px 0}
    footer{font-size:12px;color:#777;margin-top:20px;border-top:1px solid #ddd;padding-top:8px}
    @media (max-width:799px){
    figure.chart svg.wide{display:none}
    figure.chart svg.narrow{display:block}
    }
    @media (max-width:600px){
    body{padding:10px 10px 24px}
    h1{font-size:20px}h2{font-size:17px;margin-top:24px}
    table{font-size:13px}
    th,td{padding:3px 6px}
    }
    @media print{
    @page{size:A4;margin:14mm 12mm}
    body{max-width:none;padding:0;font-size:10.5pt}
    nav.crumbs{display:none}
    a{color:inherit;text-decoration:none}
    section{break-before:page}
    section.keep,section:first-of-type{break-before:auto}
    h2,h3{break-after:avoid}
    figure.chart,tr{break-inside:avoid}
    figure.chart svg.narrow{display:none!important}
    figure.chart svg.wide{display:block!important;max-width:100%}
    .table-scroll,.table-scroll.tall{overflow:visible;max-height:none;border:none}
    th,td.unit,th.unit{position:static}
    table{font-size:9pt}
    }
    """
}
