from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

import pytest

from geo.errors import ArticleError, InputFileError
from geo.ingest import (
    MAX_UPLOAD_BYTES,
    IngestReport,
    article_from_paste,
    articles_from_jsonl,
    articles_from_upload,
)

from .conftest import DATA

INGEST = DATA / "ingest"
PAGE = INGEST / "aleppo-shelling.html"
MARKDOWN = INGEST / "briefing.md"
CORPUS = INGEST / "corpus.jsonl"
TEXT = "Clashes in Homs\n\nFighting went on near Homs and Hama overnight.\n"
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
ACCEPTED = "upload .txt, .md, .markdown, .html, .htm, .jsonl or .ndjson"
SAFE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _hash8(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def _only(report: IngestReport):
    assert isinstance(report, IngestReport) and report.skipped == ()
    assert len(report.articles) == 1
    return report.articles[0]


@pytest.mark.parametrize("name", ["report.txt", "REPORT.TXT"])
def test_text_is_kept_exactly_with_its_first_line_as_title(name):
    data = TEXT.replace("\n", "\r\n").encode("utf-8")
    article = _only(articles_from_upload(name, data))
    assert article.text == data.decode("utf-8")  # exact: offsets index it
    assert article.title == "Clashes in Homs"
    assert article.id == f"report-{_hash8(article.text)}"


def test_a_long_first_line_is_no_title_the_file_stem_is():
    text = "Fighting went on near Homs " * 10
    article = _only(articles_from_upload("Homs overnight.txt", text.encode()))
    assert len(text.strip()) > 150 and article.title == "Homs overnight"


@pytest.mark.parametrize("name", ["briefing.md", "briefing.markdown", "Briefing.MD"])
def test_markdown_becomes_plain_text_in_paragraphs(name):
    article = _only(articles_from_upload(name, MARKDOWN.read_bytes()))
    assert article.text == (
        "Fighting near Aleppo\n\n"
        "Government forces shelled the eastern districts of Aleppo on Friday.\n\n"
        "Places named in the report:\n\n"
        "Idlib\n"
        "Hama, where clashes went on\n\n"
        "Sources\n\n"
        "See the monitor reports."
    )
    assert article.title == "Fighting near Aleppo"
    assert article.id.startswith("briefing-")


def test_markdown_drops_raw_html_scripts_and_keeps_code_and_alt_text():
    source = (
        "Text <script>alert(1)</script>near `Tanf` ![a map of Idlib](map.png)\n\n"
        "<div>\n<style>p { color: red }</style>\nraw Homs\n</div>\n\n"
        "```\nHama 12 km\n```\n"
    )
    article = _only(articles_from_upload("n.md", source.encode()))
    assert article.text == "Text near Tanf a map of Idlib\n\nraw Homs\n\nHama 12 km"
    assert article.title == "Text near Tanf a map of Idlib"  # no heading: the first line


@pytest.mark.parametrize("name", ["aleppo-shelling.html", "ALEPPO-SHELLING.htm"])
def test_html_main_text_and_metadata_without_scripts_or_menus(name):
    article = _only(articles_from_upload(name, PAGE.read_bytes()))
    assert "Government forces shelled the eastern districts of Aleppo on Friday" in article.text
    assert "Rebel groups in Idlib province said" in article.text
    for unwanted in ("alert(1)", "tracker", "color: red", "display: none", "Sport", "<"):
        assert unwanted not in article.text
    assert article.title == "Shelling near Aleppo"
    assert article.published == dt.date(2017, 6, 2)
    assert article.author == "Jane Roe"
    assert article.source == "Example News"
    assert article.url == "https://news.example.org/aleppo-shelling"
    assert article.id == f"aleppo-shelling-{_hash8(article.text)}"


def test_html_without_main_text_falls_back_to_its_visible_text():
    import trafilatura

    page = (
        "<html><head><title>Comments</title><script>alert(1)</script></head><body>"
        '<div id="comments"><p>Clashes in Homs overnight, residents said.</p>'
        "<noscript>enable JavaScript</noscript><iframe>framed</iframe>"
        "<script>alert(2)</script></div></body></html>"
    )
    assert trafilatura.extract(page, include_comments=False, favor_recall=True) is None  # premise
    article = _only(articles_from_upload("page.html", page.encode()))
    assert article.text == "Clashes in Homs overnight, residents said."
    assert article.title == "Comments"


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><script>alert(1)</script><style>p {}</style></body></html>",
        b"<!-- nothing but a comment -->",
        b"<html><body><iframe>framed text</iframe></body></html>",
    ],
)
def test_html_without_visible_text_is_an_empty_article(page):
    with pytest.raises(ArticleError, match=r"^empty\.html: the article is empty$"):
        articles_from_upload("empty.html", page)


def test_jsonl_upload_keeps_good_lines_and_says_why_others_were_skipped():
    report = articles_from_upload("corpus.jsonl", CORPUS.read_bytes())
    assert report.skipped == (
        "line 3: Expecting property name enclosed in double quotes at column 2 (not valid JSON)",
        'line 4: expected an object with a "text" string',
        "line 5: published must be an ISO date such as 2017-06-02, not '2017-13-45'",
    )
    assert [a.id for a in report.articles] == ["aleppo-1", "corpus-2", "aleppo-1-2"]
    first = report.articles[0]
    assert (first.title, first.published, first.source, first.author, first.url) == (
        "Aleppo",
        dt.date(2017, 6, 2),
        "Example News",
        "Jane Roe",
        "https://news.example.org/a",
    )
    assert [a.text for a in report.articles][1:] == [
        "Clashes near Idlib.",
        "Another report from Aleppo.",
    ]


def test_ndjson_is_jsonl():
    report = articles_from_upload("feed.NDJSON", b'{"text": "Clashes in Homs."}\n')
    assert [(a.id, a.text) for a in report.articles] == [("feed-1", "Clashes in Homs.")]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", 'line 1: expected an object with a "text" string, not an array'),
        ('{"text": 3}', 'line 1: expected an object with a "text" string'),
        ('{"text": "  "}', "line 1: the article is empty"),
        ("null", 'line 1: expected an object with a "text" string, not null'),
    ],
)
def test_jsonl_with_no_usable_line_names_the_first_problem(line, message):
    with pytest.raises(ArticleError) as caught:
        articles_from_jsonl([line, "", "also bad"], origin="c.jsonl")
    assert str(caught.value) == f"c.jsonl: no usable article; {message}"


def test_jsonl_lines_as_bytes_from_a_file():
    lines = [
        '\ufeff{"id": "X", "text": "Clashes in Homs."}\n'.encode(),
        b'{"text": "Caf\xe9 in Hama."}\n',
        b'{"text": "Airstrikes on Raqqa.", "published": "2017-06-02T10:00:00Z"}\r\n',
    ]
    report = articles_from_jsonl(lines, origin="/some/where/Feed 2.jsonl")
    assert [a.id for a in report.articles] == ["x", "feed-2-3"]
    assert report.articles[1].published == dt.date(2017, 6, 2)
    assert report.skipped == (
        "line 2: not UTF-8 text (invalid byte at offset 13); save the file as UTF-8 and try again",
    )


def test_jsonl_generated_ids_do_not_collide_with_given_ones():
    lines = ['{"id": "c-2", "text": "Homs."}', '{"text": "Hama."}']
    report = articles_from_jsonl(lines, origin="c.jsonl")
    assert [a.id for a in report.articles] == ["c-2", "c-2-2"]


def test_an_empty_corpus_is_an_error():
    with pytest.raises(ArticleError, match=r"^c\.jsonl: no usable article; every line is blank$"):
        articles_from_jsonl(["", "  \n"], origin="c.jsonl")


@pytest.mark.parametrize("name", ["map.png", "notes", "report.txt.exe", "", "archive.tar.gz"])
def test_other_kinds_are_refused_with_the_accepted_ones_listed(name):
    with pytest.raises(InputFileError) as caught:
        articles_from_upload(name, b"Clashes in Homs.")
    shown = name or "''"
    assert str(caught.value) == f"{shown}: cannot read this kind of file; {ACCEPTED}"


def test_too_large_uploads_are_refused():
    with pytest.raises(InputFileError) as caught:
        articles_from_upload("big.txt", b"x" * 150, max_bytes=100)
    assert str(caught.value) == "big.txt is 150 bytes; the limit is 100 bytes"
    assert _only(articles_from_upload("ok.txt", b"x" * 100, max_bytes=100)).text == "x" * 100


def test_the_default_limit_is_20_mb():
    assert MAX_UPLOAD_BYTES == 20 * 1024 * 1024
    with pytest.raises(InputFileError) as caught:
        articles_from_upload("big.txt", b" " * int(25.3 * 1024 * 1024))
    assert str(caught.value) == "big.txt is 25.3 MB; the limit is 20 MB"
    with pytest.raises(InputFileError, match="20971521 bytes; the limit is 20971520 bytes"):
        articles_from_upload("big.jsonl", b" " * (MAX_UPLOAD_BYTES + 1))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.txt", PNG_HEADER, "photo.txt: binary data, not text (NUL byte at offset 8)"),
        ("photo.html", PNG_HEADER, "photo.html: binary data, not text (NUL byte at offset 8)"),
        (
            "latin1.txt",
            "Café in Homs".encode("latin-1"),
            "latin1.txt: not UTF-8 text (invalid byte at offset 3); "
            "save the file as UTF-8 and try again",
        ),
        ("empty.txt", b"", "empty.txt: the article is empty"),
        ("blank.md", b" \n\t\n", "blank.md: the article is empty"),
        (
            "only-markup.md",
            b"---\n\n<!-- draft -->\n\n![](map.png)\n",
            "only-markup.md: the article is empty",
        ),
        ("c.jsonl", PNG_HEADER, "c.jsonl: binary data, not text (NUL byte at offset 8)"),
    ],
)
def test_text_that_is_not_an_article_gets_a_clear_message(name, data, message):
    with pytest.raises(ArticleError) as caught:
        articles_from_upload(name, data)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("../../etc/passwd.txt", "passwd"),
        ("..\\..\\Windows\\win.ini.txt", "win-ini"),
        ("CON.txt", "con"),
        ("<script>.html", "script"),
        (".txt", "article"),
        ("???.md", "article"),
        ("Ḥalab – تقرير.txt", "halab"),
        ("x" * 100 + ".txt", "x" * 60),
        ("a\x00b\n.txt", "a-b"),
    ],
)
def test_hostile_names_give_safe_ids(name, slug):
    data = b"<p>Clashes in Homs.</p>" if name.endswith(".html") else b"Clashes in Homs."
    article = _only(articles_from_upload(name, data))
    assert article.id == f"{slug}-{_hash8(article.text)}"
    assert SAFE_ID.fullmatch(article.id) and len(article.id) <= 69


def test_the_same_text_gets_the_same_id_and_other_text_another():
    first = _only(articles_from_upload("note.txt", TEXT.encode()))
    again = _only(articles_from_upload("note.txt", TEXT.encode()))
    other = _only(articles_from_upload("note.txt", (TEXT + "More.").encode()))
    assert first.id == again.id and first.id != other.id


def test_paste_takes_its_fields():
    article = article_from_paste(
        TEXT, title=" Homs ", published=dt.date(2017, 6, 2), source="Monitor", url="u"
    )
    assert (article.text, article.title, article.published) == (TEXT, "Homs", dt.date(2017, 6, 2))
    assert (article.source, article.url, article.id) == ("Monitor", "u", f"homs-{_hash8(TEXT)}")
    assert article_from_paste(TEXT, published="2017-06-02").published == dt.date(2017, 6, 2)
    assert article_from_paste(TEXT, published="").published is None


def test_paste_defaults_title_to_its_first_short_line_and_id_to_pasted():
    assert article_from_paste(TEXT).title == "Clashes in Homs"
    long_line = "Fighting " * 20
    article = article_from_paste(long_line)
    assert article.title == "" and article.id == f"pasted-{_hash8(long_line)}"


@pytest.mark.parametrize(
    ("text", "published", "message"),
    [
        (TEXT, "02/06/2017", "published must be an ISO date such as 2017-06-02, not '02/06/2017'"),
        (TEXT, "2017-02-30", "published must be an ISO date such as 2017-06-02, not '2017-02-30'"),
        ("  \n", None, "pasted text: the article is empty"),
        ("Homs\x00", None, "pasted text: binary data, not text (NUL byte at offset 4)"),
    ],
)
def test_paste_refuses_a_bad_date_or_no_text(text, published, message):
    with pytest.raises(ArticleError) as caught:
        article_from_paste(text, published=published)
    assert str(caught.value) == message


BOOK_MESSAGE = (
    "{origin}: the article has {n:,} characters; one article can have at most 1,000,000 "
    "(about 500 pages). Split it into several articles, such as one per chapter, or a JSONL "
    "corpus with one article per line"
)


def test_a_20_mb_text_is_refused_as_one_article_with_how_to_split_it():
    data = b"Clashes in Homs. " * (20 * 1024 * 1024 // 17)
    with pytest.raises(ArticleError) as caught:
        articles_from_upload("book.txt", data)
    assert str(caught.value) == BOOK_MESSAGE.format(origin="book.txt", n=len(data))


def test_a_jsonl_line_too_long_for_an_article_is_skipped_and_the_rest_kept():
    long = json.dumps({"id": "book", "text": "x " * 600_000})
    report = articles_from_jsonl(['{"text": "Clashes in Homs."}', long], origin="c.jsonl")
    assert [a.text for a in report.articles] == ["Clashes in Homs."]
    assert report.skipped == (BOOK_MESSAGE.format(origin="line 2", n=1_200_000),)
