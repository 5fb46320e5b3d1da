from __future__ import annotations

import datetime as dt

import pytest

from geo.article import load_article, matching_text, sentence_spans
from geo.errors import ArticleError, InputFileError

from .conftest import DATA, SAMPLE


def test_sample_loads_with_its_metadata():
    article = load_article(SAMPLE)
    assert article.id == "syria-deeply-2017-06-02-iran-backed-forces"
    assert article.title == "Why Iran-Backed Forces in Iraq and Syria Can't Link Up Yet"
    assert article.author == "Hashem Osseiran"
    assert article.source == "Syria Deeply"
    assert article.published == dt.date(2017, 6, 2)
    assert article.text == SAMPLE.read_text(encoding="utf-8")  # exact text, offsets kept


def test_matching_text_keeps_offsets_and_plain_characters():
    text = load_article(SAMPLE).text
    plain = matching_text(text)
    assert len(plain) == len(text)
    assert "\u00a0" in text and "\u00a0" not in plain
    assert "\u2019" not in plain


def test_sentences_of_the_sample():
    text = load_article(SAMPLE).text
    sentences = [text[s:e] for s, e in sentence_spans(text)]
    palmyra = [s for s in sentences if "ancient town of Palmyra" in s]
    assert len(palmyra) == 1
    assert palmyra[0].startswith("On the second front") and palmyra[0].endswith(
        "capital Deir Ezzor."
    )
    assert "U.S. and British Special Forces" in next(s for s in sentences if "Maghawir" in s)


@pytest.mark.parametrize(
    ("name", "error", "message"),
    [
        ("missing.txt", InputFileError, "missing.txt: no such file"),
        ("utf16.txt", ArticleError, "utf16.txt: binary data, not text (NUL byte at offset 3)"),
        ("blank.txt", ArticleError, "blank.txt: the article is empty"),
    ],
)
def test_bad_files_give_clear_errors(name, error, message):
    with pytest.raises(error) as info:
        load_article(DATA / name)
    assert str(info.value).endswith(message)


def test_invalid_utf8_is_refused_with_the_offset(tmp_path):
    (tmp_path / "latin1.txt").write_bytes("Homs caf\xe9".encode("latin-1"))
    with pytest.raises(ArticleError, match=r"not UTF-8 text \(invalid byte at offset 8\)"):
        load_article(tmp_path / "latin1.txt")


def test_malformed_sidecar_is_an_error(tmp_path):
    (tmp_path / "a.txt").write_text("Homs.", encoding="utf-8")
    (tmp_path / "a.json").write_text("{title: no quotes}", encoding="utf-8")
    with pytest.raises(ArticleError, match="metadata sidecar is not valid JSON"):
        load_article(tmp_path / "a.txt")
    (tmp_path / "a.json").write_text('{"published": "2 June 2017"}', encoding="utf-8")
    with pytest.raises(ArticleError, match="'published' must be an ISO date"):
        load_article(tmp_path / "a.txt")
