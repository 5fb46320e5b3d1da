"""Where the text puts a name: "Paris, Texas", "Manbij, a town in northern Syria".

A name followed by a comma and a region ("Gatineau, Que.", "Hugo, Oklahoma")
or by a description ("X is a city in Sarpy County, Nebraska") is placed by
the text itself. The recogniser takes such a pair as evidence that both are
places; the resolver keeps the candidates that lie where the text says.
"""

from __future__ import annotations

import re

from geo.gazetteer import Candidate, Gazetteer
from geo.geometry import degrees_around

__all__ = ["COUNTY_MARGIN_KM", "HOLDING_KINDS", "QUALIFIER", "lies_in", "qualifier_places"]

#: The kinds of place a qualifier names: those that hold other places.
HOLDING_KINDS = ("country", "admin1", "admin2")
#: A region named right after a name and a comma: "Paris, Texas", "Gatineau, Que.".
QUALIFIER = re.compile(r",\s*([A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*)?)")
#: "X is a city in Sarpy County, Nebraska", "X, a town in Homs": where the text says X is.
#: An aside between the name and its description may hold a pronunciation or another
#: name: "Buena Vista (pronounced ...) is a city in", "Manbij (Arabic: ...), a town in".
_DESCRIBED_IN = re.compile(
    r"(?:\s*\([^()]{0,80}\))?(?:,|\s+(?:is|was))\s+(?:an?|the)\s+(?:[^\s,.;]+\s+){0,5}?(?:located\s+)?(?:in|of)\s+"
    r"(?:the\s+)?([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*){0,3})(?:,\s*([A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)?))?"
)
#: How far outside an admin-2 region's box (its towns' box) a place still lies in it.
COUNTY_MARGIN_KM = 25
#: Regions looked up per qualifying name: there are 17 Marion Counties in the US.
_QUALIFIERS_LOOKED_UP = 30
#: How far after a name its description may run.
_DESCRIPTION_CHARS = 120


def qualifier_places(
    gazetteer: Gazetteer | None, plain: str, end: int
) -> tuple[tuple[Candidate, ...], ...]:
    """The regions and countries the text puts a name in, right after it: one group per name.

    After a comma ("Paris, Texas") or in a description ("Springfield is a city
    in Sarpy County, Nebraska"; "Manbij, a town in northern Syria"): the
    countries, admin-1 and admin-2 regions each name there may be. A place
    that is where the text says lies in one of each group. An admin-2 region
    ("Marion County": there are 17 in the US) counts when the wider region
    named with it holds it, or when it is the only one of its name.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> text = "Springfield is a city in Sarpy County, Nebraska, United States."
    >>> groups = qualifier_places(LocalGazetteer(), text, 11)
    >>> [[(c.name, c.kind) for c in named] for named in groups]
    [[('Sarpy County', 'admin2')], [('Nebraska', 'admin1')]]
    """
    if gazetteer is None:
        return ()
    names = []
    qualifier = QUALIFIER.match(plain, end, end + 40)
    if qualifier:
        names.append(qualifier.group(1))
    described = _DESCRIBED_IN.match(plain, end, end + _DESCRIPTION_CHARS)
    if described:
        names += [name for name in described.groups() if name]
    found = []
    for name in names:
        regions = [
            c
            for c in gazetteer.lookup(name, limit=_QUALIFIERS_LOOKED_UP)
            if c.kind in HOLDING_KINDS and not c.adjective
        ]
        best = max((c.score for c in regions), default=0.0)
        found.append([c for c in regions if c.score == best])  # "Georgia", not George County
    groups = []
    for i, regions in enumerate(found):
        wider = [q for later in found[i + 1 :] for q in later if q.kind != "admin2"]
        counties = [c for c in regions if c.kind == "admin2"]
        within = [c for c in counties if any(lies_in(c, q) for q in wider)]
        wide = [c for c in regions if c.kind != "admin2"][:3]
        named = within or (counties if len(counties) == 1 else []) + wide
        if named:
            groups.append(tuple(named))
    return tuple(groups)


def lies_in(c: Candidate, region: Candidate) -> bool:
    """Whether ``c`` lies in ``region``: a country, an admin-1 region (by codes) or an admin-2.

    An admin-2 region's box is often its towns' (smaller than the region): a
    place within :data:`COUNTY_MARGIN_KM` of the box counts as inside.

    Examples
    --------
    >>> from geo.gazetteer import LocalGazetteer
    >>> gaz = LocalGazetteer()
    >>> quebec = next(c for c in gaz.lookup("Quebec") if c.kind == "admin1")
    >>> lies_in(gaz.lookup("Gatineau")[0], quebec), lies_in(gaz.lookup("Ottawa")[0], quebec)
    (True, False)
    """
    if c.country != region.country:
        return False
    if region.kind == "country":
        return True
    if c.admin1 != region.admin1:
        return False
    if region.kind == "admin1":
        return True
    if region.bbox is None:  # an admin-2 region with no extent
        return False
    west, south, east, north = region.bbox
    dlat, dlon = degrees_around(c.lat, COUNTY_MARGIN_KM)
    return west - dlon <= c.lon <= east + dlon and south - dlat <= c.lat <= north + dlat
