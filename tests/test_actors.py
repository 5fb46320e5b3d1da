"""The actor data and the recogniser: the real data file, and small user files written per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo.actors import BUILTIN_ACTORS, COLUMNS, KINDS, ActorBook, usable_actors
from geo.errors import ActorError, InputFileError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "articles" / "syria-deeply-2017-06-02-iran-backed-forces.txt"
HEADER = ",".join(COLUMNS)
GOOD_ROW = (
    "wagner,Wagner Group,Wagner|Wagner PMC,proxy,russia,mercenaries,#123456,https://example.org"
)


@pytest.fixture(scope="module")
def book() -> ActorBook:
    return ActorBook.load([BUILTIN_ACTORS])


def _found(book: ActorBook, text: str) -> list[tuple[str, str, str]]:
    return [(m.text, m.actor.id, m.relation) for m in book.find(text)]


def _csv(tmp_path: Path, *lines: str, name: str = "actors.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --- the data file ---------------------------------------------------------------------------


def test_data_ids_colours_and_aliases_are_unique(book):
    assert len(book) >= 30
    colours = [actor.colour for actor in book]
    assert len(set(colours)) == len(colours)
    owner: dict[str, str] = {}
    for actor in book:
        assert actor.kind in KINDS and actor.source.startswith("https://")
        for form in (actor.name, *actor.aliases):
            key = form if form.isupper() else form.lower()
            assert owner.setdefault(key, actor.id) == actor.id, f"{form!r} is doubled"


def test_every_patron_backs_one_proxy(book):
    backed = [actor for actor in book if actor.patron]
    assert {a.id: a.patron for a in backed} == {
        "iran_backed": "iran",
        "us_backed": "us",
        "sna": "turkey",
    }
    assert all(actor.kind == "proxy" for actor in backed)


def test_every_alias_finds_its_own_actor(book):
    for actor in book:
        for form in (actor.name, *actor.aliases):
            (mention,) = book.find(f"Reports say {form} moved in.")
            assert (mention.text, mention.actor.id) == (form, actor.id) or (
                mention.relation == "generic" and form in mention.actor.generic
            ), form


@pytest.mark.parametrize(
    ("form", "actor_id"),
    [
        ("so-called Islamic State", "isis"),
        ("Daesh", "isis"),
        ("ISIL", "isis"),
        ("Hashd al-Shaabi", "pmf"),
        ("Kurdish forces", "ypg"),
        ("Syrian Arab Army", "syrian_government"),
        ("SAA", "syrian_government"),
        ("regime forces", "syrian_government"),
        ("Iraqi security forces", "iraqi_government"),
        ("Revolutionary Guard", "iran"),
        ("Iranian proxies", "iran_backed"),
        ("Shiite militias", "iran_backed"),
        ("Pentagon", "us"),
        ("CJTF-OIR", "coalition"),
        ("Moscow", "russia"),
        ("Ankara", "turkey"),
        ("Syrian National Army", "sna"),
        ("Hizballah", "hezbollah"),
        ("Jabhat al-Nusra", "hts"),
        ("Revolutionary Commando Army", "maghawir_al_thawra"),
        ("Harakat al-Nujaba", "nujaba"),
        ("IDF", "israel"),
        ("British Special Forces", "uk"),
        ("Kurdistan Regional Government", "peshmerga"),
        ("government troops", "government"),
        ("insurgents", "rebels"),
        ("jihadists", "militants"),
    ],
)
def test_actors_of_the_brief_are_named(book, form, actor_id):
    assert _found(book, f"On Monday {form} advanced.") == [(form, actor_id, "named")]


# --- find --------------------------------------------------------------------------------------

COMPOUNDS = [
    ("Iran-Backed Forces in Iraq", "Iran-Backed", "iran_backed", "backed"),
    ("Tehran-backed paramilitary groups", "Tehran-backed", "iran_backed", "backed"),
    ("Iranian-backed groups could link up", "Iranian-backed", "iran_backed", "backed"),
    ("IRGC-affiliated units", "IRGC-affiliated", "iran_backed", "backed"),
    ("a U.S.-backed alliance of fighters", "U.S.-backed", "us_backed", "backed"),
    ("a U.S.\u2013backed alliance", "U.S.\u2013backed", "us_backed", "backed"),
    ("American-supported fighters", "American-supported", "us_backed", "backed"),
    ("Turkish-backed fighters entered", "Turkish-backed", "sna", "backed"),
    ("a Russian-backed offensive", "Russian-backed", "russia", "backed"),
    ("Kurdish-held territory", "Kurdish-held", "ypg", "held"),
    ("the ISIS-controlled crossroads", "ISIS-controlled", "isis", "held"),
    ("ISIS-held Raqqa", "ISIS-held", "isis", "held"),
    ("the militant-held eastern city", "militant-held", "militants", "held"),
    ("government-held areas", "government-held", "government", "held"),
    ("rebel-held Aleppo", "rebel-held", "rebels", "held"),
    ("regime-held Palmyra", "regime-held", "syrian_government", "held"),
    ("opposition-held Idlib", "opposition-held", "rebels", "held"),
    ("Turkish-occupied Afrin", "Turkish-occupied", "turkey", "held"),
    ("a U.S.-led raid", "U.S.-led", "us", "led"),
    ("Kurdish-led forces", "Kurdish-led", "ypg", "led"),
    ("pro-government media", "pro-government", "government", "pro"),
    ("pro-Assad fighters", "pro-Assad", "syrian_government", "pro"),
    ("pro-Iranian fighters", "pro-Iranian", "iran_backed", "pro"),
]


@pytest.mark.parametrize(("text", "span", "actor_id", "relation"), COMPOUNDS)
def test_compounds(book, text, span, actor_id, relation):
    assert _found(book, text) == [(span, actor_id, relation)]


def test_based_is_no_mention(book):
    assert _found(book, "a U.K.-based monitoring group and a U.S.-based think-tank") == []


def test_capitals_only_aliases(book):
    text = "IS fighters said the town is lost. Is it? US jets, not us."
    assert _found(book, text) == [("IS", "isis", "named"), ("US", "us", "named")]


def test_longest_match_wins(book):
    assert _found(book, "fighters of Kata’ib Hezbollah and of the U.S.-led coalition") == [
        ("Kata’ib Hezbollah", "kataib_hezbollah", "named"),
        ("U.S.-led coalition", "coalition", "named"),
    ]


def test_possessive_and_parenthesis(book):
    text = "Iraq’s Popular Mobilization Forces (PMF) reached Assad’s border."
    mentions = book.find(text)
    assert [(m.start, m.end, m.actor.id) for m in mentions] == [
        (7, 34, "pmf"),
        (36, 39, "pmf"),
        (49, 54, "syrian_government"),
    ]
    assert [m.text for m in mentions] == ["Popular Mobilization Forces", "PMF", "Assad"]


def test_spacing_and_hyphen_variants_keep_original_offsets(book):
    text = "Islamic\u00a0State and\nHashd al\u2011Shaabi"
    assert [(m.start, m.text, m.actor.id) for m in book.find(text)] == [
        (0, "Islamic\u00a0State", "isis"),
        (18, "Hashd al\u2011Shaabi", "pmf"),
    ]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("to battle the militants", [("the militants", "isis", "generic")]),
        ("isolating the group’s pockets", [("the group", "isis", "generic")]),
        ("against the militant group", [("the militant group", "isis", "generic")]),
        ("The regime and its allies", [("The regime", "syrian_government", "generic")]),
        ("its alliance", [("its alliance", "sdf", "generic")]),
        ("their paramilitaries", [("their paramilitaries", "pmf", "generic")]),
        ("gains for the regime", [("the regime", "syrian_government", "generic")]),
        ("where regime shelling", [("regime", "syrian_government", "generic")]),
        ("a group alone", []),
        ("Government forces and rebels", [
            ("Government forces", "government", "named"),
            ("rebels", "rebels", "named"),
        ]),
        ("Iraqi Shia militants", [("militants", "militants", "named")]),
    ],
)  # fmt: skip
def test_generic_nouns(book, text, found):
    assert _found(book, text) == found


def test_sample_article(book):
    mentions = book.find(SAMPLE.read_text(encoding="utf-8"))
    assert all(a.end <= b.start for a, b in zip(mentions, mentions[1:], strict=False))
    ids = {m.actor.id for m in mentions}
    assert {"isis", "pmf", "sdf", "iran_backed", "us_backed", "hezbollah", "uk"} <= ids
    assert {"imam_ali_brigades", "maghawir_al_thawra", "coalition", "ypg"} <= ids
    assert not any(m.text in {"is", "us"} for m in mentions)


# --- user files --------------------------------------------------------------------------------


def test_user_file_adds_and_overrides(tmp_path, monkeypatch):
    isis = next(row for row in BUILTIN_ACTORS.read_text(encoding="utf-8").splitlines()[1:])
    assert isis.startswith("isis,")
    isis = isis.rsplit(",", 1)[0]  # the optional country column, empty for ISIS
    _csv(tmp_path, HEADER, GOOD_ROW, isis.replace("#1a1a1a", "#000000"))
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    book = ActorBook.load()
    builtin = ActorBook.load([BUILTIN_ACTORS])
    assert len(book) == len(builtin) + 1
    assert book.get("isis").colour == "#000000" and builtin.get("isis").colour == "#1a1a1a"
    assert next(iter(book)).id == "isis"
    assert book.get("wagner").patron == "russia"
    assert _found(book, "Russian-backed Wagner") == [
        ("Russian-backed", "wagner", "backed"),
        ("Wagner", "wagner", "named"),
    ]


def test_no_user_file_means_builtin_only(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    assert [a.id for a in ActorBook.load()] == [a.id for a in ActorBook.load([BUILTIN_ACTORS])]


def test_unknown_columns_are_ignored(tmp_path):
    path = _csv(tmp_path, HEADER + ",notes", "x,X Force,XF,armed_group,,,#AbCdEf,,a note")
    (actor,) = ActorBook.load([path])
    assert (actor.id, actor.aliases, actor.patron, actor.colour) == ("x", ("XF",), None, "#abcdef")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([HEADER.replace(",colour", ""), GOOD_ROW], ":1: the header lacks the column(s) colour"),
        ([HEADER, GOOD_ROW, ",Nameless,,state,,,#123456,"], ":3: empty id"),
        ([HEADER, GOOD_ROW, "y,,,state,,,#123456,"], ":3: empty name"),
        ([HEADER, GOOD_ROW, GOOD_ROW], ":3: the id 'wagner' is used on line 2 too"),
        ([HEADER, GOOD_ROW.replace("#123456", "red")], ":2: colour 'red' is not a hex colour"),
        ([HEADER, GOOD_ROW.replace("proxy", "militia")], ":2: kind 'militia' is not one of"),
        ([HEADER, GOOD_ROW.replace("russia", "nobody")], ":2: patron 'nobody' is not the id"),
        ([HEADER, GOOD_ROW + ",extra"], ":2: more values than the header has columns"),
    ],
)
def test_validation_names_file_and_line(tmp_path, lines, message):
    path = _csv(tmp_path, *lines)
    with pytest.raises(ActorError) as caught:
        ActorBook.load([BUILTIN_ACTORS, path])
    assert str(caught.value).startswith(f"{path}:")
    assert f"{path}{message}" in str(caught.value)


def test_patron_in_own_file_needs_no_builtin(tmp_path):
    path = _csv(tmp_path, HEADER, GOOD_ROW.replace("russia", "boss"), "boss,Boss,,state,,,#654321,")
    book = ActorBook.load([path])
    assert _found(book, "Boss-backed") == [("Boss-backed", "wagner", "backed")]


def test_missing_file(tmp_path):
    with pytest.raises(InputFileError, match="cannot read the actor file"):
        ActorBook.load([tmp_path / "none.csv"])


def test_get_unknown_id(book):
    with pytest.raises(ActorError, match="no actor has the id 'nope'") as caught:
        book.get("nope")
    assert isinstance(caught.value, ValueError)


# --- country actors ----------------------------------------------------------------------------


def test_country_actor_is_stable(book):
    # Literals computed once: the colour must not depend on the process (hash seed).
    saudi = book.country_actor("SA", "Saudi Arabia")
    assert (saudi.id, saudi.name, saudi.kind, saudi.colour) == (
        "country:SA",
        "Saudi Arabia",
        "state",
        "#a6761d",
    )
    assert book.country_actor("eg", "Egypt").colour == "#e31a1c"
    assert book.country_actor("SA", "Saudi Arabia") == saudi


@pytest.mark.parametrize(
    ("code", "name", "actor_id"),
    [("IR", "Iran", "iran"), ("TR", "Türkiye", "turkey"), ("GB", "United Kingdom", "uk")],
)
def test_country_actor_returns_the_data_state(book, code, name, actor_id):
    assert book.country_actor(code, name) is book.get(actor_id)


def test_country_actor_rejects_bad_code(book):
    with pytest.raises(ActorError, match="not an ISO 3166-1 alpha-2 code"):
        book.country_actor("SAU", "Saudi Arabia")


def test_country_column_names_the_state_of_a_country(book, tmp_path):
    assert book.country_actor("SY", "Syria").id == "syrian_government"
    assert book.country_actor("IQ", "Iraq").id == "iraqi_government"
    path = _csv(tmp_path, HEADER + ",country", GOOD_ROW + ",Russia")
    with pytest.raises(ActorError, match=r"actors.csv:2: country 'Russia' is not an ISO 3166-1"):
        ActorBook.load([path])


def test_an_unknown_patron_names_the_file_line_and_the_fix(tmp_path):
    path = _csv(tmp_path, HEADER, GOOD_ROW.replace("russia", "nobody"))
    with pytest.raises(ActorError) as caught:
        ActorBook.load([BUILTIN_ACTORS, path])
    assert str(caught.value) == (
        f"{path}:2: patron 'nobody' is not the id of any actor; give the id of an actor in"
        " this or the built-in file, or leave it empty"
    )


def test_a_bad_user_file_leaves_the_built_in_actors_and_says_why(tmp_path, monkeypatch):
    monkeypatch.setenv("GEO_DATA_DIR", str(tmp_path))
    path = _csv(tmp_path, HEADER, GOOD_ROW.replace("#123456", "red"))
    book, problem = usable_actors()
    assert problem == (
        f"{path}:2: colour 'red' is not a hex colour such as #1f78b4. The built-in actors are"
        " used until the file is fixed."
    )
    assert len(book) == len(ActorBook.load([BUILTIN_ACTORS]))
    assert ",red," in path.read_text(encoding="utf-8")  # the user's file is left as it was
    path.write_text(f"{HEADER}\n{GOOD_ROW}\n", encoding="utf-8")
    book, problem = usable_actors()
    assert problem is None and book.get("wagner")
