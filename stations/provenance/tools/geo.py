"""Small geodesy helpers used by the build scripts (no network, numpy only).

* wgs84_to_gcj02: the public GCJ-02 obfuscation formula (Krasovsky ellipsoid a=6378245,
  ee=0.00669342162296594323), the same constants as the widely circulated 'eviltransform' /
  coordtransform code. Applied to points inside China only.
* haversine_m / point_segment_m: distances on a sphere of radius R = 6371008.8 m (IUGG mean
  radius). point_segment_m is the great-circle cross-track distance to the arc AB when the
  foot of the perpendicular falls on the arc, otherwise the haversine distance to the nearer
  end point.
"""
import math
import numpy as np

R = 6371008.8
_A = 6378245.0
_EE = 0.00669342162296594323


def _tlat(x, y):
    r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    r += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return r


def _tlon(x, y):
    r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    r += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    r += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    r += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return r


def wgs84_to_gcj02(lon, lat):
    dlat = _tlat(lon - 105.0, lat - 35.0)
    dlon = _tlon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - _EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return lon + dlon, lat + dlat


def haversine_m(lon1, lat1, lon2, lat2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp = p2 - p1
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * R * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _bearing(lon1, lat1, lon2, lat2):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2) - np.asarray(lon1))
    y = np.sin(dl) * np.cos(p2)
    x = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.arctan2(y, x)


def point_segment_m(plon, plat, alon, alat, blon, blat):
    """Distance (m) from point P to each great-circle segment A-B (arrays A, B)."""
    alon, alat, blon, blat = map(np.asarray, (alon, alat, blon, blat))
    d13 = haversine_m(alon, alat, plon, plat) / R
    d12 = haversine_m(alon, alat, blon, blat) / R
    t13 = _bearing(alon, alat, plon, plat)
    t12 = _bearing(alon, alat, blon, blat)
    dxt = np.arcsin(np.clip(np.sin(d13) * np.sin(t13 - t12), -1, 1))
    cosdxt = np.cos(dxt)
    dat = np.arccos(np.clip(np.cos(d13) / np.where(cosdxt == 0, 1e-300, cosdxt), -1, 1))
    on_arc = (np.cos(t13 - t12) > 0) & (dat <= d12)
    end = np.minimum(d13 * R, haversine_m(blon, blat, plon, plat))
    return np.where(on_arc, np.abs(dxt) * R, end)


def rings_of(geom):
    """All rings (exterior and interiors) of a shapely Polygon/MultiPolygon as Nx2 arrays."""
    polys = [geom] if geom.geom_type == 'Polygon' else list(geom.geoms)
    out = []
    for p in polys:
        out.append(np.asarray(p.exterior.coords))
        out.extend(np.asarray(i.coords) for i in p.interiors)
    return out


def distance_to_boundary_m(lon, lat, geom):
    best = float('inf')
    for ring in rings_of(geom):
        a, b = ring[:-1], ring[1:]
        d = point_segment_m(lon, lat, a[:, 0], a[:, 1], b[:, 0], b[:, 1])
        best = min(best, float(d.min()))
    return best
