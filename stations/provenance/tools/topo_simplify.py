"""Topology-preserving Douglas-Peucker for an edge-matched polygon coverage.

Rings are cut into arcs at nodes (vertices where the set of polygons sharing the boundary changes); each arc is
simplified once with Douglas-Peucker (shapely LineString.simplify, preserve_topology=False, end points kept) and
the same simplified arc is used by every polygon that shares it, so shared borders stay identical (no gaps or
overlaps). Tolerance of an arc = the smallest tolerance of the polygons it borders.
"""
from shapely.geometry import LineString, Polygon, MultiPolygon


def _rings(geom):
    polys = [geom] if geom.geom_type == 'Polygon' else list(geom.geoms)
    return [[list(p.exterior.coords)] + [list(i.coords) for i in p.interiors] for p in polys]


def simplify_coverage(geoms, tol_of):
    """geoms: list of shapely (Multi)Polygons forming an edge-matched coverage; tol_of: list of tolerances (deg)."""
    seg_owner = {}
    structure = []          # per geom: list of polygons: list of rings: list of coords
    for gi, g in enumerate(geoms):
        polys = _rings(g)
        structure.append(polys)
        for rings in polys:
            for ring in rings:
                for p, q in zip(ring[:-1], ring[1:]):
                    seg_owner.setdefault(frozenset((tuple(p), tuple(q))), set()).add(gi)
    cache = {}

    def simplify_arc(coords, owners):
        key = tuple(coords)
        rkey = tuple(reversed(coords))
        if key in cache:
            return cache[key]
        if rkey in cache:
            return list(reversed(cache[rkey]))
        tol = min(tol_of[o] for o in owners)
        if len(coords) <= 2:
            out = list(coords)
        else:
            out = list(LineString(coords).simplify(tol, preserve_topology=False).coords)
            out[0], out[-1] = coords[0], coords[-1]
        cache[key] = out
        return out

    result = []
    for gi, polys in enumerate(structure):
        newpolys = []
        for rings in polys:
            newrings = []
            for ring in rings:
                pts = [tuple(p) for p in ring[:-1]]
                n = len(pts)
                labels = [frozenset(seg_owner[frozenset((pts[i], pts[(i + 1) % n]))]) for i in range(n)]
                cuts = [i for i in range(n) if labels[i] != labels[i - 1]]
                if not cuts:  # whole ring has one label: anchor at vertex 0 and the farthest vertex
                    x0, y0 = pts[0]
                    far = max(range(n), key=lambda i: (pts[i][0] - x0) ** 2 + (pts[i][1] - y0) ** 2)
                    cuts = [0, far]
                out = []
                for k, s in enumerate(cuts):
                    e = cuts[(k + 1) % len(cuts)]
                    idx = list(range(s, e + 1)) if e > s else list(range(s, n)) + list(range(0, e + 1))
                    arc = [pts[i % n] for i in idx]
                    sa = simplify_arc(arc, labels[s])
                    out.extend(sa[:-1])
                out.append(out[0])
                newrings.append(out)
            newpolys.append(Polygon(newrings[0], newrings[1:]))
        result.append(MultiPolygon(newpolys) if len(newpolys) > 1 or geoms[gi].geom_type == 'MultiPolygon'
                      else newpolys[0])
    return result
