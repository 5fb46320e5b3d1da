from __future__ import annotations

import json

from geo import Article, bench_record, parse_article


def test_every_mention_points_at_its_text(sample_parsed):
    text = sample_parsed.article.text
    assert sample_parsed.mentions
    for m in sample_parsed.mentions:
        assert text[m.start : m.end] == m.name
        assert m.candidates[0] == m.place


def test_sample_places_resolve_in_the_region(sample_parsed):
    by_name = {m.name: m.place for m in sample_parsed.mentions}
    assert by_name["Palmyra"].country == "SY"
    assert by_name["Damascus"].country == "SY"
    assert by_name["Baghdad"].country == "IQ"
    assert by_name["Tehran"].country == "IR"
    assert by_name["Deir\u00a0Ezzor"].country == "SY"  # a spelling variant, NBSP inside
    assert by_name["Iraq"].kind == "country"
    assert "Syria Deeply" not in by_name  # the publication, not a place


def test_common_words_are_not_places(gazetteer):
    parsed = parse_article(
        Article(id="t", text="While Monday was quiet, Long Race Share."), gazetteer
    )
    assert parsed.mentions == ()


def test_bench_record_follows_the_shared_schema(sample_parsed):
    record = json.loads(json.dumps(bench_record(sample_parsed)))
    assert record["id"] == sample_parsed.article.id
    for toponym in record["toponyms"]:
        assert {"start", "end", "name", "lat", "lon", "geonameid", "literal"} <= set(toponym)
        if toponym["lat"] is None:  # recognised, but no candidate is likely enough to place it
            assert toponym["lon"] is None and toponym["place_id"] is None
        else:
            assert -90 <= toponym["lat"] <= 90 and -180 <= toponym["lon"] <= 180
            assert 0 < toponym["confidence"] <= 1 and toponym["candidates"]
    palmyra = next(t for t in record["toponyms"] if t["name"] == "Palmyra")
    assert palmyra["geonameid"] == "163808"  # Tadmur


def test_the_entity_model_runs_on_numpy_blas_with_one_thread():
    # numpy's OpenBLAS is about 1.5 times as fast as thinc's blis here (see geo.nlp)
    from threadpoolctl import threadpool_info

    from geo.nlp import pipeline

    nlp = pipeline()
    assert all(not nlp.get_pipe(name).model.ops.use_blis for name in nlp.pipe_names)
    blas = [pool for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(pool["num_threads"] == 1 for pool in blas)
