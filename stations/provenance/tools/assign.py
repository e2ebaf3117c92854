"""Point-in-polygon assignment with boundary distances (GCJ-02 polygons, WGS-84 stations)."""
import sys
from pathlib import Path
sys.path.insert(0, str(Path(__file__).parent))
from shapely.geometry import Point
import geo


def assign(lon, lat, units, convert=True):
    """Return dict: unit (or None), dist_m to that unit's boundary (or to nearest unit if outside),
    nearest other unit and its boundary distance. Coordinates are WGS-84 and converted to GCJ-02
    unless convert=False."""
    x, y = geo.wgs84_to_gcj02(lon, lat) if convert else (lon, lat)
    p = Point(x, y)
    inside = [u for u in units if u['geom'].covers(p)]
    dists = sorted(((geo.distance_to_boundary_m(x, y, u['geom']), u['name']) for u in units))
    unit = inside[0]['name'] if inside else None
    d_own = next(d for d, n in dists if n == unit) if unit else dists[0][0]
    others = [(d, n) for d, n in dists if n != unit]
    return {'unit': unit, 'n_inside': len(inside), 'gcj': (x, y), 'd_own_m': d_own,
            'nearest_other': others[0][1], 'd_other_m': others[0][0]}
