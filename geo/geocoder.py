"""A geopy geocoder over the local gazetteer, so code written for geopy works offline.

:class:`OfflineGeocoder` is a :class:`geopy.geocoders.base.Geocoder`: it has
geopy's ``geocode`` and ``reverse`` and returns :class:`geopy.location.Location`
objects, whose ``raw`` is the gazetteer candidate as a dict. It never touches
the network. Distances are geopy's geodesic.

Examples
--------
>>> geocoder = OfflineGeocoder()
>>> location = geocoder.geocode("Deir ez-Zor")
>>> location.address, round(location.latitude, 2), round(location.longitude, 2)
('Deir ez-Zor, SY', 35.34, 40.14)
>>> near = geocoder.reverse("34.56, 38.28", exactly_one=False, radius_km=5)
>>> "Tadmur" in [location.raw["name"] for location in near]
True
>>> geocoder.geocode("Qwxzrt") is None
True
"""

from __future__ import annotations

from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.gazetteer import Candidate, LocalGazetteer

__all__ = ["OfflineGeocoder"]


class OfflineGeocoder(Geocoder):
    """geopy-compatible geocoder answering from a :class:`~geo.gazetteer.LocalGazetteer`.

    Parameters
    ----------
    gazetteer
        The gazetteer to ask (default: a new :class:`~geo.gazetteer.LocalGazetteer`).
    country
        ISO alpha-2 code every query is restricted to, unless a call says otherwise.
    **kwargs
        Passed to :class:`geopy.geocoders.base.Geocoder` (unused: nothing is fetched).
    """

    def __init__(
        self, *, gazetteer: LocalGazetteer | None = None, country: str | None = None, **kwargs
    ) -> None:
        super().__init__(**kwargs)
        self.gazetteer = gazetteer or LocalGazetteer()
        self.country = country

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        limit: int = 10,
        country: str | None = None,
        fuzzy: bool = False,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Places named ``query``: the best one, or a ranked list; None when there is none.

        ``timeout`` is accepted for geopy compatibility and ignored.
        """
        candidates = self.gazetteer.lookup(
            query, country=country or self.country, limit=1 if exactly_one else limit, fuzzy=fuzzy
        )
        return _answer([_location(c) for c in candidates], exactly_one)

    def reverse(
        self,
        query: Point | tuple[float, float] | str,
        *,
        exactly_one: bool = True,
        limit: int = 5,
        radius_km: float = 50.0,
        timeout: float | None = None,
    ) -> Location | list[Location] | None:
        """Places within ``radius_km`` of ``query`` ("lat, lon", a tuple or a geopy Point)."""
        point = Point(query)
        candidates = self.gazetteer.nearest(
            point.latitude, point.longitude, radius_km=radius_km, limit=1 if exactly_one else limit
        )
        return _answer([_location(c) for c in candidates], exactly_one)


def _location(c: Candidate) -> Location:
    address = ", ".join(part for part in (c.name, c.country) if part)
    return Location(address, (c.lat, c.lon), c.to_dict())


def _answer(locations: list[Location], exactly_one: bool):
    if not locations:
        return None
    return locations[0] if exactly_one else locations
