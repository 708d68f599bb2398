#!/usr/bin/env python3
"""Generate newsarc's alias tables, config/aliases/*.tsv.

Usage: tools/gen-aliases.py [SHARED]      (SHARED defaults to ../shared)

Reads, under SHARED:
  gazetteer-sources/i18n-iso-countries/en.json  English country names (MIT)
  gazetteer-sources/geonames/countryInfo.txt    GeoNames countries (CC BY 4.0)
  corpus/reuters21578/all-{places,people,orgs,topics}-strings.lc.txt
  corpus/reuters21578/cat-descriptions_120396.txt
      Reuters-21578 category codes and the public names they stand for;
      no article text is read.
and the hand-written tables in tools/aliases-extra/, which come first and
so decide canonical names.  The output is sorted and the same on every
run; it is committed, so building newsarc never needs SHARED.

The script stops with an error when a Reuters code would be left without
a canonical name or when a canonical name is also another entry's alias,
since the loader (lib/normalise.c) would then give a different answer
from the one the tables seem to say.
"""
import json
import os
import re
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
OUT = os.path.join(TOP, "config", "aliases")


def key(s):
    """The lookup key, as lib/normalise.c folds it: lower case, no dots,
    hyphens, underscores and blanks alike, no separator at either end."""
    s = s.replace("\u2019", "'").replace(".", "").lower()
    return re.sub(r"[\s\u00a0_-]+", " ", s).strip()


def code_name(code):
    """The name lib/normalise.c makes of a code it has no entry for:
    "james-baker" -> "James Baker"."""
    words = re.split(r"[-_ ]+", code.strip("-_ "))
    return " ".join(re.sub(r"(^|\.)([a-z])", lambda m: m.group(1) + m.group(2).upper(), w) for w in words)


def ascii_form(s):
    """"Côte d'Ivoire" -> "Cote d'Ivoire"; None when S is ASCII already."""
    if s.isascii():
        return None
    a = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode()
    return a if a.strip() else None


def sort_key(s):
    return (unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower(), s)


class Table:
    """Rows of a canonical name and its aliases, with the same rules as the
    loader: the first row to claim an alias keeps it, and a canonical name
    always belongs to its own row."""

    def __init__(self, what):
        self.what = what
        self.rows = {}   # canonical -> aliases, in the order added
        self.owner = {}  # key -> canonical
        self.notes = []

    def add(self, canonical, aliases=(), keep_as_written=False):
        canonical = " ".join(canonical.split())
        k = key(canonical)
        if k in self.owner and self.owner[k] != canonical:
            if key(self.owner[k]) == k:
                sys.exit("gen-aliases: %s: '%s' and '%s' are one name to the loader"
                         % (self.what, canonical, self.owner[k]))
            sys.exit("gen-aliases: %s: canonical name '%s' is already an alias of '%s'"
                     % (self.what, canonical, self.owner[k]))
        row = self.rows.setdefault(canonical, [])
        self.owner[k] = canonical
        for a in aliases:
            a = " ".join(a.split())
            ak = key(a)
            if not ak or a == canonical or a in row:
                continue
            other = self.owner.get(ak)
            if other is not None and other != canonical:
                self.notes.append("'%s' stays with '%s', not '%s'" % (a, other, canonical))
                continue
            if other == canonical and (ak == k or not keep_as_written):
                continue  # the loader finds it through an equal key already
            self.owner[ak] = canonical
            row.append(a)

    def canonical_of(self, name):
        return self.owner.get(key(name))

    def write(self, path, header):
        with open(path, "w", encoding="utf-8") as f:
            f.write(header)
            for canonical in sorted(self.rows, key=sort_key):
                f.write("\t".join([canonical] + self.rows[canonical]) + "\n")


def read_extra(name):
    rows = []
    with open(os.path.join(HERE, "aliases-extra", name), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("\t") if p.strip()]
            if line.startswith("\t") or not parts:
                sys.exit("gen-aliases: aliases-extra/%s:%d: no canonical name" % (name, n))
            rows.append((parts[0], parts[1:]))
    return rows


def reuters(shared, field):
    path = os.path.join(shared, "corpus/reuters21578/all-%s-strings.lc.txt" % field)
    with open(path, encoding="ascii") as f:
        return f.read().split()


# Plain misspellings in the category descriptions.  Names of people are
# corrected in tools/aliases-extra/people.tsv instead, where the Reuters
# spelling stays as an alias.
MISSPELT = {"Ringitt": "Ringgit"}


def descriptions(shared, heading):
    """CODE (lower case) -> the name before "(CODE)" in one section of the
    Reuters category descriptions."""
    with open(os.path.join(shared, "corpus/reuters21578/cat-descriptions_120396.txt"),
              encoding="latin-1") as f:
        text = f.read()
    start = text.index(heading)
    end = text.find("@heading", start + len(heading))
    section = text[start + len(heading):end if end > 0 else len(text)]
    section = re.sub(r"\[[^\]]*\]", " ", section)            # translations
    section = re.sub(r"@\w+\[[^\]]*\]|@\*|@\w+", "\n", section)  # markup
    out = {}
    # A name runs back from "(CODE)" to the previous blank line, "(CODE)"
    # or heading line; entries may wrap.
    # A bracketed part that is not a code ("(former)", "(Bank of Canada)")
    # belongs to the name's line.
    other = r"\((?![A-Z][A-Z0-9-]*\))[^()\n]*\)"
    for m in re.finditer(r"([^()\n]+(?:%s[^()\n]*)*(?:\n[^\n()]*?)?)\s*\(([A-Z][A-Z0-9-]*)\)" % other, section):
        name = " ".join(m.group(1).split())
        for wrong, right in MISSPELT.items():
            name = name.replace(wrong, right)
        out[m.group(2).lower()] = name
    return out


# ---- places ----

def country_names(shared):
    """ISO code -> English names, i18n-iso-countries first, then GeoNames."""
    with open(os.path.join(shared, "gazetteer-sources/i18n-iso-countries/en.json"), encoding="utf-8") as f:
        iso = json.load(f)["countries"]
    names = {}
    for code, v in iso.items():
        names[code] = [v] if isinstance(v, str) else list(v)
    with open(os.path.join(shared, "gazetteer-sources/geonames/countryInfo.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cols = line.rstrip("\n").split("\t")
            name = " ".join(cols[4].split())
            if name not in names.setdefault(cols[0], []):
                names[cols[0]].append(name)
    return names


def is_abbreviation(name):
    return re.fullmatch(r"[A-Z.]+", name) is not None


def variants(name):
    """Other ways news writes NAME: without accents or a bracketed part,
    "St" for "Saint", "&" for "and", without a leading "The", and an
    inverted "Korea, Republic of" turned round."""
    forms = [name]
    a = ascii_form(name)
    if a:
        forms.append(a)
    forms += [re.sub(r"\s*\([^)]*\)", "", f) for f in forms if "(" in f]
    out = forms[1:]
    for n in (f for f in forms if "(" not in f):
        if n.startswith("Saint "):
            out.append("St " + n[6:])
        if " and " in n and "," not in n:
            out.append(n.replace(" and ", " & "))
        if n.startswith("The "):
            out.append(n[4:])
        m = re.fullmatch(r"(.+), (.+)", n)
        if m and (m.group(2).endswith(" of") or " " not in m.group(2)):
            out.append(m.group(2) + " " + m.group(1))
    return out


def places(shared):
    t = Table("places")
    for canonical, aliases in read_extra("places.tsv"):
        t.add(canonical, aliases + variants(canonical), keep_as_written=True)
    for code, names in sorted(country_names(shared).items()):
        known = [t.canonical_of(n) for n in names if t.canonical_of(n)]
        if known:
            canonical = known[0]
        else:
            # The shortest full name, not an abbreviation or an inverted
            # "Korea, Republic of" form: "Russia" over "Russian Federation".
            plain = [n for n in names if "," not in n and "(" not in n and not is_abbreviation(n)]
            canonical = min(plain, key=len) if plain else names[0]
        aliases = []
        for n in names:
            aliases += [n] + variants(n)
        t.add(canonical, aliases)
    missing = [c for c in reuters(shared, "places") if not t.canonical_of(c)]
    if missing:
        sys.exit("gen-aliases: Reuters place codes with no country: " + " ".join(missing)
                 + "\n(add them to tools/aliases-extra/places.tsv)")
    for c in reuters(shared, "places"):
        t.add(t.canonical_of(c), [c])
    return t


# ---- people ----

# Words that come before a name in the descriptions: titles, offices and
# honorifics.  The name is what follows the last of them.
TITLE = re.compile(r"""\b(?:President|Minister|Governor|Secretary|Chancellor|Treasurer|Chairman|
    Director(?:-General)?|Secretary-General|Commissioner|Premier|Speaker|Leader|Statesman|
    Representative|Negotiations|Office|Staff|Agency|Bank|Board|Company|Politburo|Party|
    Parliament|Majlis|Mrs|Dr|General|Major-General|Sheikh|Hojatoleslam|Ayatollah|Lord|
    Telegraph|Food|Affairs|Resources|Industry|Trade|Finance|Privatisation|Development|
    Treasury|Council|State|\)|Exchequer|Forestry|Fund|Institute)\b""", re.X)


PARTICLES = {"de", "la", "del", "du", "von", "van", "al", "bin", "ibn", "ul"}


def person_name(code, description):
    """The name in DESCRIPTION ("Prime Minister Robert (Bob) Hawke") of the
    person CODE stands for, and their formal name when they go by a
    nickname: ("Bob Hawke", "Robert Hawke").  ("", None) when no part of
    the description ends with the code's surname."""
    surname = key(code.split("-")[-1])
    # "Milton Friedman, economist", "Agriculture, Fisheries and Food
    # Minister Alvaro Barreto": the name is in one comma-separated part.
    for part in description.split(","):
        nick = re.search(r"[A-Z][a-z]+\s*\(\s*([A-Z][a-z]+)\s*\)\s*\S+\s*$", part)
        if nick:
            part = part[:nick.start(1) - 1] + part[nick.end(1) + 1:]
        last = None
        for m in TITLE.finditer(part):
            last = m
        words = (part[last.end():] if last else part).replace("(", " ").replace(")", " ").split()
        if not words or not key(words[-1]).replace(" ", "").endswith(surname):
            continue
        # "Youssri mustapha", "francisco Rojas": capitals the source missed.
        words = [w[0].upper() + w[1:] if w[0].islower() and w.split("-")[0].lower() not in PARTICLES
                 else w for w in words]
        if nick:
            return nick.group(1) + " " + words[-1], " ".join(words)
        return " ".join(words), None
    return "", None


def people(shared):
    t = Table("people")
    for canonical, aliases in read_extra("people.tsv"):
        t.add(canonical, aliases, keep_as_written=True)
    desc = descriptions(shared, "@heading[People Codes (269)]")
    unresolved = []
    for code in reuters(shared, "people"):
        if t.canonical_of(code):
            continue
        name, formal = person_name(code, desc.get(code, ""))
        if not name:
            unresolved.append(code)
        elif name != code_name(code):
            # Only where the loader's own reading of the code would be
            # wrong: a surname alone, particles, hyphenated names.
            t.add(name, [code] + ([formal] if formal else []))
    if unresolved:
        sys.exit("gen-aliases: Reuters people codes with no description: " + " ".join(unresolved)
                 + "\n(add them to tools/aliases-extra/people.tsv)")
    return t


# ---- organisations, topics, sources ----

def orgs(shared):
    t = Table("organisations")
    for canonical, aliases in read_extra("orgs.tsv"):
        t.add(canonical, aliases, keep_as_written=True)
    desc = descriptions(shared, "@heading[Organization Codes (56)]")
    missing = [c for c in reuters(shared, "orgs") if not t.canonical_of(c)]
    if missing:
        sys.exit("gen-aliases: Reuters organisation codes with no entry: " + " ".join(missing)
                 + "\n(add them to tools/aliases-extra/orgs.tsv)")
    for c in reuters(shared, "orgs"):
        # The descriptions' spelling ("Organisation of Petroleum Exporting
        # Countries") as one more alias.
        t.add(t.canonical_of(c), [desc[c]] if c in desc else [])
    return t


def readable_topic(code, desc):
    """A topic's name as a reader expects it: the descriptions' name in
    sentence case ("Interest rates", "U.S. dollar"), else the code as
    words ("Castor oil")."""
    if desc:
        words = desc.split()
        return " ".join([words[0]] + [w if "." in w else w.lower() for w in words[1:]])
    words = code.replace("-", " ").split()
    return " ".join([words[0].capitalize()] + words[1:])


def topics(shared):
    """Topics go by readable names ("Earnings", "Mergers and acquisitions",
    "Interest rates"); the Reuters codes and the descriptions' names are
    aliases, so topic:earn still finds them."""
    t = Table("topics")
    extra = {}
    for canonical, aliases in read_extra("topics.tsv"):
        extra[aliases[0]] = (canonical, aliases)
    desc = descriptions(shared, "****Subject Codes (135)")
    for c in reuters(shared, "topics"):
        if c in extra:
            t.add(extra[c][0], extra[c][1])
        else:
            t.add(readable_topic(c, desc.get(c)), [c] + ([desc[c]] if c in desc else []))
    # A row with no alias ("Barley" for barley) stays: the loader gives
    # the code its capitalised name from it.
    return t


def sources():
    t = Table("sources")
    for canonical, aliases in read_extra("sources.tsv"):
        t.add(canonical, aliases, keep_as_written=True)
    return t


FORMAT = """\
# Format: a canonical name, then its aliases, separated by tabs.  Lookups
# ignore case and dots and treat hyphens, underscores and blanks alike, so
# a code or alias that differs from its canonical name only in those ways
# needs no entry (west-germany finds West Germany).  Generated by
# tools/gen-aliases.py: edit tools/aliases-extra/ and run it again rather
# than editing this file.
"""

REUTERS_CODES = """\
# Also the place codes of "Reuters-21578, Distribution 1.0" (codes only).
"""

REUTERS = """\
# Sources: the category codes of "Reuters-21578, Distribution 1.0" and the
# names its category descriptions give them; no article text.
"""

HEADERS = {
    "places": """\
# newsarc alias table: places.
#
# Canonical names are the short English names news agencies use today for
# states that exist (Myanmar, Cambodia, Eswatini, Ivory Coast, Turkey), and
# the name of the time for states that no longer exist (Soviet Union, West
# Germany, East Germany, Czechoslovakia, Yugoslavia, North Yemen, South
# Yemen); former names of a state that exists are its aliases (Burma,
# Kampuchea, Swaziland, Zaire).  Every Reuters-21578 place code maps to
# one of these names, most through its own spelling (west-germany).
#
# Country names are derived from GeoNames (geonames.org), CC BY 4.0
# (https://creativecommons.org/licenses/by/4.0/), countryInfo.txt, and
# from i18n-iso-countries 7.14.0, en.json: Copyright (c) 2016 widdix
# GmbH, MIT licence (full notice in NOTICE).  Changes: names selected,
# canonical forms chosen, variants added.
""" + REUTERS_CODES,
    "people": """\
# newsarc alias table: people.
#
# Canonical names are given name(s) and surname as English-language news
# writes them, without titles (Ronald Reagan, Karl Otto Poehl, Ruhollah
# Khomeini), spelt as in the Reuters category descriptions with plain
# misspellings corrected.  Only codes the loader would read wrongly are
# listed: a surname alone (reagan), particles and hyphens (de-la-madrid,
# lee-teng-hui); a code such as james-baker already reads "James Baker".
""" + REUTERS,
    "orgs": """\
# newsarc alias table: organisations.
#
# Canonical names: an organisation whose abbreviation is said as a word
# (an acronym: OPEC, NATO, GATT, ASEAN, UNCTAD, Comecon) goes by that
# word, written as the organisation writes it; any other goes by its full
# English name as it writes it (International Monetary Fund, World Health
# Organization), with its letters (IMF, WHO) as an alias.  Organisations
# commonly called by a short name use that name (World Bank, European
# Community, Federal Reserve).  One since renamed goes by its present name,
# the old one being an alias (ECAFE is ESCAP, IMCO the International
# Maritime Organization).
""" + REUTERS,
    "topics": """\
# newsarc alias table: topics.
#
# Canonical names are readable names in sentence case ("Earnings",
# "Mergers and acquisitions", "Interest rates", "Crude oil"), what facets
# show; the Reuters-21578 topic codes (earn, acq, interest, crude) and the
# names its category descriptions give them are aliases, so topic:earn
# and --filter topic=earn find the same articles as topic:Earnings.
""" + REUTERS,
    "sources": """\
# newsarc alias table: sources (news agencies and publishers).
#
# Canonical names are the agency's name as it writes it in English;
# abbreviations and wire credits ("reuter", "AP") are aliases.
""",
}


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "..", "shared")
    if not os.path.isdir(shared):
        sys.exit("gen-aliases: no shared data folder at '%s'" % shared)
    tables = {
        "places": places(shared),
        "people": people(shared),
        "orgs": orgs(shared),
        "topics": topics(shared),
        "sources": sources(),
    }
    os.makedirs(OUT, exist_ok=True)
    for name, t in tables.items():
        t.write(os.path.join(OUT, name + ".tsv"), HEADERS[name] + "#\n" + FORMAT)
        for note in t.notes:
            print("gen-aliases: %s: note: %s" % (name, note), file=sys.stderr)
        print("gen-aliases: %s: %d names, %d aliases"
              % (name, len(t.rows), sum(len(a) for a in t.rows.values())), file=sys.stderr)


if __name__ == "__main__":
    main()
