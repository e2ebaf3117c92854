#!/usr/bin/env python3
"""Independent reader of .xlsx files for haze's tests (shares no code with haze).

Reads a workbook twice when it can:
  * with the standard library only (zipfile, which checks every entry's CRC-32, and
    xml.etree): sheet names, every cell's type and value (shared and inline strings with
    OOXML's _xHHHH_ escapes decoded; numbers as numbers), the frozen pane, column widths,
    and whether each header cell is bold;
  * with openpyxl, when it is installed: the values it reads, its freeze_panes, the header's
    font and every cell's number format.

usage: xlsx_read.py FILE.xlsx
Output (JSON on stdout):
  {"entries": [names...], "stdlib": {"sheets": [...]}, "openpyxl": {...} | null,
   "openpyxl_missing": "reason" | null}
A cell is {"t": "n"|"s"|"empty"|..., "v": value, "fmt": numFmtId-or-code, "bold": bool}.
"""
import json, re, sys, zipfile
import xml.etree.ElementTree as ET

NS = {'m': 'http://schemas.openxmlformats.org/spreadsheetml/2006/main',
      'r': 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
      'pr': 'http://schemas.openxmlformats.org/package/2006/relationships'}
R_ID = '{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id'
ESCAPE = re.compile(r'_x([0-9A-Fa-f]{4})_')


def unescape(text):
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text or '')


def text_of(si):
    """A shared or inline string: its <t> and every rich run's <t>, concatenated."""
    return ''.join(unescape(t.text) for t in si.iter('{%s}t' % NS['m']))


def column_index(ref):
    letters = re.match(r'[A-Z]+', ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1, int(ref[len(letters):]) - 1


def read_stdlib(path):
    z = zipfile.ZipFile(path)
    bad = z.testzip()
    if bad is not None:
        raise SystemExit('CRC error in %s' % bad)
    names = z.namelist()
    types = ET.fromstring(z.read('[Content_Types].xml'))
    wb = ET.fromstring(z.read('xl/workbook.xml'))
    rels = ET.fromstring(z.read('xl/_rels/workbook.xml.rels'))
    targets = {r.get('Id'): r.get('Target') for r in rels.findall('pr:Relationship', NS)}
    shared = []
    if 'xl/sharedStrings.xml' in names:
        sst = ET.fromstring(z.read('xl/sharedStrings.xml'))
        shared = [text_of(si) for si in sst.findall('m:si', NS)]
    styles = ET.fromstring(z.read('xl/styles.xml'))
    fonts = [f.find('m:b', NS) is not None for f in styles.find('m:fonts', NS).findall('m:font', NS)]
    formats = {int(f.get('numFmtId')): f.get('formatCode') for f in
               (styles.find('m:numFmts', NS).findall('m:numFmt', NS) if styles.find('m:numFmts', NS) is not None else [])}
    xfs = [(int(x.get('numFmtId', '0')), int(x.get('fontId', '0'))) for x in
           styles.find('m:cellXfs', NS).findall('m:xf', NS)]
    sheets = []
    for sheet in wb.find('m:sheets', NS).findall('m:sheet', NS):
        part = 'xl/' + targets[sheet.get(R_ID)]
        ws = ET.fromstring(z.read(part))
        pane = ws.find('m:sheetViews/m:sheetView/m:pane', NS)
        cols = [(int(c.get('min')), int(c.get('max')), float(c.get('width'))) for c in ws.findall('m:cols/m:col', NS)]
        grid = {}
        for c in ws.iter('{%s}c' % NS['m']):
            col, row = column_index(c.get('r'))
            t = c.get('t', 'n')
            v = c.find('m:v', NS)
            style = int(c.get('s', '0'))
            fmt_id, font = xfs[style]
            cell = {'fmt': formats.get(fmt_id, fmt_id), 'bold': fonts[font]}
            if t == 's':
                cell.update(t='s', v=shared[int(v.text)])
            elif t == 'inlineStr':
                cell.update(t='s', v=text_of(c.find('m:is', NS)))
            elif t in ('str', 'e'):
                cell.update(t=t, v=unescape(v.text if v is not None else ''))
            elif t == 'b':
                cell.update(t='b', v=v.text == '1')
            elif v is None:
                cell.update(t='empty', v=None)
            else:
                number = float(v.text)
                cell.update(t='n', v=int(number) if number.is_integer() and 'E' not in v.text.upper() and '.' not in v.text else number)
            if c.find('m:f', NS) is not None:
                cell['formula'] = c.find('m:f', NS).text
            grid[(row, col)] = cell
        height = max((r for r, _ in grid), default=-1) + 1
        width = max((c for _, c in grid), default=-1) + 1
        rows = [[grid.get((r, c), {'t': 'empty', 'v': None}) for c in range(width)] for r in range(height)]
        sheets.append({'name': sheet.get('name'), 'part': part, 'rows': rows,
                       'frozen': None if pane is None else {'state': pane.get('state'), 'ySplit': pane.get('ySplit'),
                                                            'topLeftCell': pane.get('topLeftCell')},
                       'widths': cols})
    overrides = {o.get('PartName'): o.get('ContentType') for o in types}
    return {'sheets': sheets, 'content_types': overrides}


def read_openpyxl(path):
    try:
        import openpyxl
    except ImportError as error:
        return None, 'openpyxl is not installed (%s)' % error
    wb = openpyxl.load_workbook(path)
    sheets = []
    for ws in wb.worksheets:
        rows = []
        for row in ws.iter_rows():
            rows.append([{'v': c.value, 'fmt': c.number_format, 'bold': bool(c.font and c.font.b)} for c in row])
        sheets.append({'name': ws.title, 'freeze_panes': ws.freeze_panes, 'rows': rows,
                       'widths': {k: v.width for k, v in ws.column_dimensions.items()}})
    return {'version': openpyxl.__version__, 'sheets': sheets, 'title': wb.properties.title}, None


def main():
    path = sys.argv[1]
    entries = zipfile.ZipFile(path).namelist()
    opx, missing = read_openpyxl(path)
    json.dump({'entries': entries, 'stdlib': read_stdlib(path), 'openpyxl': opx, 'openpyxl_missing': missing},
              sys.stdout, ensure_ascii=False, default=str)


if __name__ == '__main__':
    main()
