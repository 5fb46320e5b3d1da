"""Dates stated in article text, resolved against the article's publication date.

:func:`find_dates` finds absolute dates ("May 29, 2017", "29 May", "2017-05-29",
"in May", "mid-May", "in 2016") and relative ones ("on Monday", "yesterday",
"last month", "earlier this week") and resolves them to a
:class:`datetime.date` with a precision: "day", "week", "month" or "year".
A week is given by its Monday, a month by its first day (the 15th for
"mid-May"), a year by 1 January.

Month and weekday names count only when capitalised, so "marched" or "march
into Syria" are not months, and a month name alone needs a preposition or
"early"/"mid"/"late" before it ("In May", "since February"), so "May" the verb
is never a month.

Examples
--------
>>> import datetime
>>> text = "Forces reached the border on Monday, after clashes in mid-May."
>>> [(d.text, d.date.isoformat(), d.precision) for d in find_dates(text, datetime.date(2017, 6, 2))]
[('Monday', '2017-05-29', 'day'), ('mid-May', '2017-05-15', 'month')]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from geo.spans import DisjointSpans

__all__ = ["DateMention", "date_near", "find_dates"]

Precision = Literal["day", "week", "month", "year"]

#: A month-day without a year is in the article's year, unless that puts it
#: more than this long after the article: then it is in the year before.
FUTURE_SLACK = dt.timedelta(days=62)


@dataclass(frozen=True)
class DateMention:
    """A date stated in a text.

    ``text`` is ``article[start:end]``. ``date`` is the resolved day standing
    for the mention at its ``precision``: the day itself; the Monday of a week;
    the first of a month (the 15th for "mid-May"); 1 January of a year. It is
    None when the mention needs the publication date and none was given.

    Examples
    --------
    >>> DateMention(0, 6, "Monday", dt.date(2017, 5, 29), "day").date.weekday()
    0
    """

    start: int
    end: int
    text: str
    date: dt.date | None
    precision: Precision


_MONTHS = {name: i for i, name in enumerate(calendar.month_name) if name}
# Jan, Feb, ..., Sep and Sept; "May" has no shorter form.
_ABBREVIATIONS = {name[:3]: i for name, i in _MONTHS.items() if name != "May"} | {"Sept": 9}
_WEEKDAYS = {name: i for i, name in enumerate(calendar.day_name)}

_MONTH = (
    r"(?P<month>(?:" + "|".join(_MONTHS) + r")\b"
    r"|(?:" + "|".join(sorted(_ABBREVIATIONS, key=len, reverse=True)) + r")(?:\.|\b))"
)
_DAY = r"(?P<day>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)?\b"
_YEAR = r"(?P<year>(?:19|20)\d\d)\b(?!-\d)"
_WEEKDAY_PREFIX = r"(?:(?:" + "|".join(_WEEKDAYS) + r"),?\s+)?"
_WEEKDAY = r"(?P<weekday>" + "|".join(_WEEKDAYS) + r")\b"
_MODIFIER = r"(?:(?P<modifier>(?i:early|mid|late))(?:\s+|-))"
_PREPOSITION = r"(?:\b(?P<preposition>(?i:in|since|until|till|by|from|during|through))\s+)?"

_ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d\d)-(?P<day>\d\d)\b")
_AND_YEAR = r"(?:,?\s+" + _YEAR + ")?"
_MONTH_DAY = re.compile(r"\b(?P<body>" + _WEEKDAY_PREFIX + _MONTH + r"\s+" + _DAY + _AND_YEAR + ")")
_DAY_MONTH = re.compile(
    r"\b(?P<body>" + _WEEKDAY_PREFIX + _DAY + r"\s+(?:of\s+)?" + _MONTH + _AND_YEAR + ")"
)
_MONTH_YEAR = re.compile(r"\b(?P<body>" + _MODIFIER + r"?" + _MONTH + r",?\s+" + _YEAR + ")")
_MONTH_ONLY = re.compile(
    _PREPOSITION + r"\b(?P<body>" + _MODIFIER + r"?" + _MONTH + r")(?!['’]s\b)"
)
_DAY_OF_WEEK = re.compile(r"\b(?P<body>(?:(?P<relative>(?i:last|past|next))\s+)?" + _WEEKDAY + ")")
_RELATIVE = re.compile(
    r"\b(?P<body>(?i:yesterday|today|tonight"
    r"|(?P<last>last)\s+(?P<unit>week|month|year)"
    r"|(?:(?:earlier|later)\s+)?this\s+(?P<this_unit>week|month|year)))\b"
)
_YEAR_ONLY = re.compile(_PREPOSITION + r"\b(?P<body>" + _MODIFIER + r"?" + _YEAR + ")")


def _month_number(name: str) -> int:
    name = name.rstrip(".")
    return _MONTHS.get(name) or _ABBREVIATIONS[name]


def _guess_year(month: int, day: int, published: dt.date) -> int:
    year = published.year
    if dt.date(year, month, min(day, 28)) > published + FUTURE_SLACK:
        year -= 1
    return year


def _day_date(year: str | None, month: int, day: int, published: dt.date | None) -> dt.date | None:
    if year is None and published is None:
        return None
    try:
        y = int(year) if year else _guess_year(month, day, published)
        return dt.date(y, month, day)
    except ValueError:  # 29 February of a year that has none
        return None


def _iso(m: re.Match[str], published: dt.date | None) -> tuple[dt.date | None, Precision] | None:
    try:
        return dt.date(int(m["year"]), int(m["month"]), int(m["day"])), "day"
    except ValueError:
        return None


def _month_day(
    m: re.Match[str], published: dt.date | None
) -> tuple[dt.date | None, Precision] | None:
    month, day = _month_number(m["month"]), int(m["day"])
    if day > calendar.monthrange(2000, month)[1]:
        return None
    return _day_date(m["year"], month, day, published), "day"


def _month_start(
    m: re.Match[str], published: dt.date | None
) -> tuple[dt.date | None, Precision] | None:
    groups = m.groupdict()
    month = _month_number(m["month"])
    day = 15 if (m["modifier"] or "").lower() == "mid" else 1
    if groups.get("year"):
        return dt.date(int(m["year"]), month, day), "month"
    preposition = (groups.get("preposition") or "").lower()
    if not (preposition or m["modifier"]):
        return None  # a bare "May" may be the verb
    if published is None:
        return None, "month"
    if preposition == "since":  # the most recent such month, not after
        year = published.year if month <= published.month else published.year - 1
    else:
        year = _guess_year(month, 1, published)
    return dt.date(year, month, day), "month"


def _day_of_week(
    m: re.Match[str], published: dt.date | None
) -> tuple[dt.date | None, Precision] | None:
    if published is None:
        return None, "day"
    weekday, relative = _WEEKDAYS[m["weekday"]], (m["relative"] or "").lower()
    if relative == "next":
        return published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7), "day"
    back = (published.weekday() - weekday) % 7
    if relative and not back:
        back = 7
    return published - dt.timedelta(days=back), "day"


def _relative(
    m: re.Match[str], published: dt.date | None
) -> tuple[dt.date | None, Precision] | None:
    word = m["body"].lower()
    unit = (m["unit"] or m["this_unit"] or "").lower()
    precision = unit or "day"
    if published is None:
        return None, precision
    if word == "yesterday":
        return published - dt.timedelta(days=1), "day"
    if not unit:  # today, tonight
        return published, "day"
    last = m["last"] is not None
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday())
        return monday - dt.timedelta(days=7 if last else 0), "week"
    if unit == "month":
        first = published.replace(day=1)
        return (first - dt.timedelta(days=1)).replace(day=1) if last else first, "month"
    return dt.date(published.year - (1 if last else 0), 1, 1), "year"


def _year(m: re.Match[str], published: dt.date | None) -> tuple[dt.date | None, Precision] | None:
    if not (m["preposition"] or m["modifier"]):
        return None
    return dt.date(int(m["year"]), 1, 1), "year"


_Resolver = Callable[[re.Match[str], dt.date | None], tuple[dt.date | None, Precision] | None]

#: Patterns in order of priority: a later match overlapping an earlier one is dropped.
_RULES: tuple[tuple[re.Pattern[str], _Resolver], ...] = (
    (_ISO, _iso),
    (_MONTH_DAY, _month_day),
    (_DAY_MONTH, _month_day),
    (_MONTH_YEAR, _month_start),
    (_MONTH_ONLY, _month_start),
    (_DAY_OF_WEEK, _day_of_week),
    (_RELATIVE, _relative),
    (_YEAR_ONLY, _year),
)


def find_dates(text: str, published: dt.date | None) -> list[DateMention]:
    """The dates stated in ``text``, in text order, resolved against ``published``.

    Found and resolved (for an article published on Friday 2 June 2017):

    * weekdays, the most recent one on or before ``published``: "on Monday",
      "Monday's advance" and "said Wednesday" give 29 and 31 May, "Friday"
      gives 2 June; "last Friday" is a week before, "next Monday" after;
    * "today", "tonight", "yesterday" (day); "last week", "this week",
      "earlier this week" (week: its Monday); "last month", "this month"
      (month: its first day); "last year", "this year" (year: 1 January);
    * "May 29, 2017", "29 May 2017", "Monday, May 29", "May 18", "18 May",
      "Sept. 5", "2017-05-29" (day); a day without a year is in the article's
      year unless that is more than :data:`FUTURE_SLACK` after the article,
      then in the year before;
    * "May 2017", and after "in", "since", "until", "till", "by", "from",
      "during" or "through": "May", "early May", "mid May", "mid-May" (month:
      the first, or the 15th for "mid"); the year is guessed as for a day, but
      after "since" it is the most recent such month not after the article;
    * "in 2016", "since 2011", "by late 2016" (year).

    Spans leave out the preposition ("since February" gives "February") but
    keep "early", "mid", "late", "last", "next" and a weekday before a date.
    Without ``published`` everything is still found, and what needs it has
    date None.

    Examples
    --------
    >>> friday = dt.date(2017, 6, 2)
    >>> [(d.text, str(d.date)) for d in find_dates("Yesterday, since February", friday)]
    [('Yesterday', '2017-06-01'), ('February', '2017-02-01')]
    >>> [(d.text, d.date) for d in find_dates("They may march on Raqqa on May 18.", None)]
    [('May 18', None)]
    """
    if isinstance(published, dt.datetime):
        published = published.date()
    taken = DisjointSpans()
    found: list[DateMention] = []
    for pattern, resolve in _RULES:
        for m in pattern.finditer(text):
            start, end = m.span("body") if "body" in pattern.groupindex else m.span()
            if taken.overlaps(start, end):
                continue
            resolved = resolve(m, published)
            if resolved is None:
                continue
            taken.add(start, end)
            found.append(DateMention(start, end, text[start:end], *resolved))
    return sorted(found, key=lambda d: d.start)


def date_near(dates: list[DateMention], start: int, end: int) -> DateMention | None:
    """The first of ``dates`` lying wholly inside ``text[start:end]`` (a sentence), or None.

    Examples
    --------
    >>> text = "On Monday they left. They arrived on May 31."
    >>> date_near(find_dates(text, dt.date(2017, 6, 2)), 21, len(text)).text
    'May 31'
    >>> date_near([], 0, 10) is None
    True
    """
    inside = [d for d in dates if start <= d.start and d.end <= end]
    return min(inside, key=lambda d: d.start) if inside else None
