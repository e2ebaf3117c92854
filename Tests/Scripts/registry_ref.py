#!/usr/bin/env python3
"""Independent reading of a haze station registry directory (standard library only).

Written from the registry rules in README.md ("haze stations — the registry"), sharing no code
with haze:

  * every *.csv directly in the directory, `#` lines are comments (UTF-8, BOM allowed):
      - header with `alias`            -> city aliases  alias,city[,use]  (use=suggest: suggestion only)
      - header with `layer` and `unit` -> memberships   code,layer,unit,from,to (inclusive; empty = open)
      - otherwise                      -> station table code,name,city,district,longitude,latitude,control
  * national/YYYY-MM-DD.csv: dated lists (station-table format). The list in force on a day is the
    newest whose date is <= the day; before the oldest, the oldest.
  * a station that is in any dated list counts on a day only if the list in force has it, with that
    list's city (through the aliases) and control flag (or a table's control flag), and a table's
    name when the table gives one; a station in no list counts every day with its table's city.
  * a table's district column = membership of layer `district` with no dates.
  * control points never count in a unit or city.

usage (for checks by hand):  registry_ref.py DIR DAY [LEVEL [CITY]]  -> JSON {unit: [codes]}
"""
import csv, datetime, glob, io, json, os, sys

TRUE = ('1', 'y', 'yes', 'true')


def _rows(path):
    text = open(path, encoding='utf-8-sig').read()
    kept = [line for line in text.split('\n') if not line.lstrip(' \t').startswith('#')]
    reader = csv.reader(io.StringIO('\n'.join(kept)))
    header = None
    for row in reader:
        if not row or all(not c.strip() for c in row):
            continue
        if header is None:
            header = [c.strip().lower() for c in row]
            continue
        yield {header[i]: row[i].strip() for i in range(min(len(header), len(row)))}, header


def _day(text):
    return datetime.date.fromisoformat(text) if text else None


class Registry:
    def __init__(self, path):
        self.aliases = {}
        self.tables = {}         # code -> {'name','city','control','lon','lat'}
        self.members = {}        # code -> layer -> [(unit, from, to)]
        self.lists = []          # [(date, {code: {'name','city','control'}})]
        kinds = {}
        for f in sorted(glob.glob(os.path.join(path, '*.csv'))):
            rows = list(_rows(f))
            header = rows[0][1] if rows else []
            kind = 'alias' if 'alias' in header else ('member' if 'layer' in header and 'unit' in header else 'table')
            kinds[f] = (kind, [r for r, _ in rows])
        for f, (kind, rows) in kinds.items():
            if kind == 'alias':
                for r in rows:
                    if r.get('use', '').lower() != 'suggest':
                        self.aliases[r['alias']] = r['city']
        for f, (kind, rows) in kinds.items():
            if kind == 'table':
                for r in rows:
                    e = self.tables.setdefault(r['code'], {'name': '', 'city': '', 'control': False})
                    if not e['name']:
                        e['name'] = r.get('name', '')
                    if not e['city']:
                        e['city'] = self.city(r['city'])
                    e['control'] = e['control'] or r.get('control', '').lower() in TRUE
                    if r.get('district'):
                        self._member(r['code'], 'district', r['district'], None, None)
            elif kind == 'member':
                for r in rows:
                    self._member(r['code'], r['layer'], r['unit'], _day(r.get('from', '')), _day(r.get('to', '')))
        for f in sorted(glob.glob(os.path.join(path, 'national', '*.csv'))):
            date = datetime.date.fromisoformat(os.path.basename(f)[:-4])
            stations = {}
            for r, _ in _rows(f):
                if r['code'] in stations:
                    continue
                stations[r['code']] = {'name': r.get('name', ''), 'city': self.city(r['city']),
                                       'control': r.get('control', '').lower() in TRUE}
            self.lists.append((date, stations))
        self.lists.sort(key=lambda x: x[0])
        self.listed = set()
        for _, stations in self.lists:
            self.listed.update(stations)

    def _member(self, code, layer, unit, start, end):
        self.members.setdefault(code, {}).setdefault(layer, []).append((unit, start, end))

    def city(self, name):
        return self.aliases.get(name, name)

    def list_on(self, day):
        if not self.lists:
            return None
        chosen = self.lists[0][1]
        for date, stations in self.lists:
            if date <= day:
                chosen = stations
        return chosen

    def station_on(self, code, day):
        """{'city','control','name'} of a station counted (or a control point) on a day, else None."""
        if code in self.listed:
            rec = self.list_on(day).get(code)
            if rec is None:
                return None
            t = self.tables.get(code, {})
            control = rec['control'] or t.get('control', False)
            return {'city': rec['city'], 'control': control, 'name': t.get('name') or rec['name']}
        if code in self.tables:
            t = self.tables[code]
            return {'city': t['city'], 'control': t['control'], 'name': t['name']}
        return None

    def unit_of(self, code, layer, day):
        for unit, start, end in self.members.get(code, {}).get(layer, []):
            if (start is None or day >= start) and (end is None or day <= end):
                return unit
        return None

    def codes(self):
        return sorted(self.listed | set(self.tables))

    def units_on(self, level, day, city=None):
        """{unit: [codes]} of the non-control stations counted on a day (level city, station or a layer)."""
        out = {}
        for code in self.codes():
            s = self.station_on(code, day)
            if s is None or s['control'] or (city and s['city'] != city):
                continue
            if level == 'city':
                name = s['city']
            elif level == 'station':
                name = code
            else:
                name = self.unit_of(code, level, day)
            if name:
                out.setdefault(name, []).append(code)
        return out

    def undated(self):
        """{code: {'city','district','control','name'}}: each station as the newest list that has it says
        (a station of no list: its table), control also from a table; district = the membership of
        layer district that ends last."""
        out = {}
        for code in self.codes():
            rec = None
            for _, stations in self.lists:
                if code in stations:
                    rec = stations[code]
            t = self.tables.get(code)
            if rec is None:
                rec = t
            spans = self.members.get(code, {}).get('district', [])
            latest = max(spans, key=lambda m: (m[2] or datetime.date.max, m[1] or datetime.date.min)) if spans else None
            out[code] = {'city': rec['city'], 'name': (t and t['name']) or rec['name'],
                         'control': rec['control'] or bool(t and t['control']),
                         'district': latest[0] if latest else ''}
        return out


if __name__ == '__main__':
    reg = Registry(sys.argv[1])
    day = datetime.date.fromisoformat(sys.argv[2])
    level = sys.argv[3] if len(sys.argv) > 3 else 'city'
    city = sys.argv[4] if len(sys.argv) > 4 else None
    json.dump(reg.units_on(level, day, city), sys.stdout, ensure_ascii=False)
