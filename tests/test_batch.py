from __future__ import annotations

import pytest

from geo import Article, bench_record, parse_article, parse_records, resolve_records
from geo.errors import ParseError

TEXTS = [
    "Fighting in Aleppo.",
    "Talks in Geneva.",
    "Clashes in Homs.",
    "Aid reached Mosul.",
    "Protests in Beirut.",
    "Strikes near Idlib.",
]
PLACES = ["Aleppo", "Geneva", "Homs", "Mosul", "Beirut", "Idlib"]
ARTICLES = [Article(id=f"n{i}", text=text) for i, text in enumerate(TEXTS)]


@pytest.mark.parametrize("processes", [1, 2])
def test_records_are_the_pipeline_records_in_input_order(gazetteer, processes):
    records = list(parse_records(ARTICLES, processes=processes))
    assert [r["id"] for r in records] == [a.id for a in ARTICLES]
    assert records == [bench_record(parse_article(a, gazetteer)) for a in ARTICLES]
    assert records[0]["toponyms"][0]["name"] == "Aleppo"


def test_a_generator_of_articles_streams_in_order():
    records = parse_records((a for a in reversed(ARTICLES)), processes=2)
    assert [r["id"] for r in records] == [a.id for a in reversed(ARTICLES)]


@pytest.mark.parametrize("processes", [1, 2])
def test_no_articles_no_records(processes):
    assert list(parse_records([], processes=processes)) == []


@pytest.mark.parametrize("processes", [1, 2])
def test_a_failing_article_is_named_and_ends_the_run(processes):
    articles = [ARTICLES[0], Article(id="broken", text=None), ARTICLES[1]]
    records = parse_records(articles, processes=processes)
    assert next(records)["id"] == ARTICLES[0].id
    with pytest.raises(ParseError, match="article 'broken': the parser failed"):
        next(records)


def test_given_spans_are_resolved_in_input_order():
    spans = [(t.index(p), t.index(p) + len(p)) for t, p in zip(TEXTS, PLACES, strict=True)]
    jobs = [(a, [span]) for a, span in zip(ARTICLES, spans, strict=True)]
    records = list(resolve_records(jobs, processes=2))
    assert records == list(resolve_records(jobs, processes=1))
    assert [[(t["start"], t["end"]) for t in r["toponyms"]] for r in records] == [
        [span] for span in spans
    ]
    assert [r["toponyms"][0]["country"] for r in records] == ["SY", "CH", "SY", "IQ", "LB", "SY"]


def test_progress_bar_on_stderr(capsys):
    list(parse_records(ARTICLES[:2], processes=1, progress=True))
    assert "2/2" in capsys.readouterr().err


def test_processes_must_be_positive():
    with pytest.raises(ValueError, match="processes must be 1 or more"):
        parse_records(ARTICLES, processes=0)
