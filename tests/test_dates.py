from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from geo.dates import DateMention, date_near, find_dates

#: Syria Deeply, "Why Iran-Backed Forces in Iraq and Syria Can't Link Up Yet"
FRIDAY = dt.date(2017, 6, 2)
D = dt.date


@pytest.mark.parametrize(
    ("text", "span", "date", "precision"),
    [
        ("Forces reached the border on Monday.", "Monday", D(2017, 5, 29), "day"),
        ("Following Monday's advance in Iraq", "Monday", D(2017, 5, 29), "day"),
        ("Following Monday\u2019s advance in Iraq", "Monday", D(2017, 5, 29), "day"),
        ("An SDF commander said Wednesday that", "Wednesday", D(2017, 5, 31), "day"),
        ("the coalition said Thursday.", "Thursday", D(2017, 6, 1), "day"),
        ("Prayers on Friday were calm.", "Friday", FRIDAY, "day"),
        ("on Saturday", "Saturday", D(2017, 5, 27), "day"),
        ("last Friday", "last Friday", D(2017, 5, 26), "day"),
        ("last Monday", "last Monday", D(2017, 5, 29), "day"),
        ("talks resume next Monday", "next Monday", D(2017, 6, 5), "day"),
        ("Yesterday, the army advanced.", "Yesterday", D(2017, 6, 1), "day"),
        ("fighting continued today", "today", FRIDAY, "day"),
        ("strikes are expected tonight", "tonight", FRIDAY, "day"),
        ("the militia said last week", "last week", D(2017, 5, 22), "week"),
        ("a militia earlier this week, since", "earlier this week", D(2017, 5, 29), "week"),
        ("met al-Assad last month to explore", "last month", D(2017, 5, 1), "month"),
        ("Earlier this month", "Earlier this month", D(2017, 6, 1), "month"),
        ("since last year", "last year", D(2016, 1, 1), "year"),
        ("approaching the base on May 18, forcing", "May 18", D(2017, 5, 18), "day"),
        ("May 18 strikes", "May 18", D(2017, 5, 18), "day"),
        ("on 18 May the coalition", "18 May", D(2017, 5, 18), "day"),
        ("reached the frontier on May 29, 2017 Imam", "May 29, 2017", D(2017, 5, 29), "day"),
        ("reached the frontier on 29 May 2017.", "29 May 2017", D(2017, 5, 29), "day"),
        ("paused publication on May 15, 2018, and", "May 15, 2018", D(2018, 5, 15), "day"),
        ("on Monday, May 29, the PMF", "Monday, May 29", D(2017, 5, 29), "day"),
        ("on the 5th of June", "5th of June", D(2017, 6, 5), "day"),
        ("on June 20", "June 20", D(2017, 6, 20), "day"),  # 18 days ahead: this year
        ("on August 1", "August 1", D(2017, 8, 1), "day"),  # 60 days ahead: this year
        ("on Sept. 5", "Sept. 5", D(2016, 9, 5), "day"),  # 95 days ahead: the year before
        ("on Dec. 28", "Dec. 28", D(2016, 12, 28), "day"),
        ("on Jan 3, 2016", "Jan 3, 2016", D(2016, 1, 3), "day"),
        ("on Feb. 14", "Feb. 14", D(2017, 2, 14), "day"),
        ("published 2017-05-29 in Beirut", "2017-05-29", D(2017, 5, 29), "day"),
        ("near Tanf, in mid May \u2013 a move", "mid May", D(2017, 5, 15), "month"),
        ("clashes in mid-May.", "mid-May", D(2017, 5, 15), "month"),
        ("Mid-May saw clashes", "Mid-May", D(2017, 5, 15), "month"),
        ("In May, the army moved.", "May", D(2017, 5, 1), "month"),
        ("in early May", "early May", D(2017, 5, 1), "month"),
        ("bombing ISIS in Syria since February, and", "February", D(2017, 2, 1), "month"),
        ("since July", "July", D(2016, 7, 1), "month"),  # the most recent July
        ("in July", "July", D(2017, 7, 1), "month"),  # under two months ahead
        ("until October", "October", D(2016, 10, 1), "month"),
        ("since Sept. the town", "Sept.", D(2016, 9, 1), "month"),
        ("in March 2011", "March 2011", D(2011, 3, 1), "month"),
        ("by late May 2017", "late May 2017", D(2017, 5, 1), "month"),
        ("in 2016", "2016", D(2016, 1, 1), "year"),
        ("by mid-2015 the group", "mid-2015", D(2015, 1, 1), "year"),
    ],
)
def test_find_dates_resolves_against_a_friday_article(text, span, date, precision):
    (mention,) = find_dates(text, FRIDAY)
    assert (mention.text, mention.date, mention.precision) == (span, date, precision)
    assert text[mention.start : mention.end] == span


@pytest.mark.parametrize(
    "text",
    [
        "Forces may advance.",
        "May God protect them, he said.",
        "The PMF said they were ready to march into Syria.",
        "They marched on Raqqa and march again.",
        "March on, he said.",
        "in may",
        "on may 18",
        "the mayor's office",
        "A Marchese family",
        "2,000 fighters and 150 vehicles",
        "on May 32",
        "on 31 June",
        "2017-02-30",
        "since May's election",
        "a decade of war",
        "Mondays are quiet",
        "monday",
    ],
)
def test_find_dates_no_false_hits(text):
    assert find_dates(text, FRIDAY) == []


def test_find_dates_in_text_order_with_offsets():
    text = (
        "BEIRUT \u2013 Iraq\u2019s adviser met Assad last month. Iraqi warplanes have bombed ISIS "
        "since February. The PMF reached the border on Monday, and the SDF said Wednesday "
        "it had advanced since May 29, 2017."
    )
    found = find_dates(text, FRIDAY)
    expected = ["last month", "February", "Monday", "Wednesday", "May 29, 2017"]
    assert [d.text for d in found] == expected
    assert [text[d.start : d.end] for d in found] == [d.text for d in found]
    assert [d.start for d in found] == sorted(d.start for d in found)


def test_find_dates_without_a_publication_date():
    text = "On Monday, last month and in May, but also on May 29, 2017 and 2017-06-01 and May 18."
    found = {d.text: d for d in find_dates(text, None)}
    assert list(found) == ["Monday", "last month", "May", "May 29, 2017", "2017-06-01", "May 18"]
    assert [found[k].date for k in ("Monday", "last month", "May", "May 18")] == [None] * 4
    assert found["last month"].precision == "month"
    assert found["May 29, 2017"].date == D(2017, 5, 29)
    assert found["2017-06-01"].date == D(2017, 6, 1)


def test_find_dates_accepts_a_datetime():
    (mention,) = find_dates("on Monday", dt.datetime(2017, 6, 2, 18, 30))
    assert mention.date == D(2017, 5, 29) and type(mention.date) is dt.date


def test_find_dates_year_turns_over():
    new_year = D(2017, 1, 5)
    found = find_dates("On December 28, since November, last month and last week", new_year)
    assert [(d.text, d.date) for d in found] == [
        ("December 28", D(2016, 12, 28)),
        ("November", D(2016, 11, 1)),
        ("last month", D(2016, 12, 1)),
        ("last week", D(2016, 12, 26)),
    ]


def test_leap_day_without_a_year():
    assert find_dates("on Feb. 29", D(2016, 3, 10))[0].date == D(2016, 2, 29)
    (mention,) = find_dates("on Feb. 29", D(2017, 3, 10))
    assert mention.text == "Feb. 29" and mention.date is None


def test_date_mention_is_frozen():
    mention = DateMention(0, 6, "Monday", D(2017, 5, 29), "day")
    with pytest.raises(dataclasses.FrozenInstanceError):
        mention.date = None


def test_date_near_picks_the_first_date_inside_the_sentence():
    text = "On Monday they left. They arrived on May 31 and stayed until June 1. No date here."
    dates = find_dates(text, FRIDAY)
    second = text.index("They")
    third = text.index("No date")
    assert date_near(dates, 0, second).text == "Monday"
    assert date_near(dates, second, third).text == "May 31"
    assert date_near(dates, third, len(text)) is None
    assert date_near(list(reversed(dates)), second, third).text == "May 31"
    assert date_near(dates, 4, 8) is None  # "Monday" sticks out of the span
