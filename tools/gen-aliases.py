#!/usr/bin/env python3
"""Generate newsarc's alias tables under config/aliases/.

Usage: tools/gen-aliases.py [SHARED]   (SHARED defaults to ../shared)

Reads, from SHARED:
  gazetteer-sources/i18n-iso-countries/en.json   (MIT)
  gazetteer-sources/geonames/countryInfo.txt     (GeoNames, CC BY 4.0)
  corpus/reuters21578/all-*-strings.lc.txt and cat-descriptions_120396.txt
      (the category vocabulary only: codes and the public names they stand for)
and the hand-written tables in tools/aliases-extra/.  Output is sorted and
deterministic; the generated files are committed, so building newsarc
never needs SHARED.
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
OUT = os.path.join(TOP, "config", "aliases")


def read_extra(name):
    rows = []
    with open(os.path.join(HERE, "aliases-extra", name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                parts = [p for p in line.split("\t") if p]
                rows.append((parts[0], parts[1:]))
    return rows


def key(s):
    return re.sub(r"[\s_-]+", " ", s.replace(".", "").lower()).strip()


class Table:
    def __init__(self):
        self.rows = {}      # canonical -> list of aliases
        self.owner = {}     # folded alias -> canonical

    def add(self, canonical, aliases):
        row = self.rows.setdefault(canonical, [])
        self.owner.setdefault(key(canonical), canonical)
        for a in aliases:
            k = key(a)
            if k in self.owner:
                continue   # first mapping wins, as in the C loader
            self.owner[k] = canonical
            row.append(a)

    def write(self, path, header):
        with open(path, "w", encoding="utf-8") as f:
            f.write(header)
            for canonical in sorted(self.rows):
                f.write("\t".join([canonical] + self.rows[canonical]) + "\n")


def places(shared):
    t = Table()
    # Hand-written first: they fix the canonical names of Reuters codes
    # and of countries whose ISO names are not what news writes.
    for canonical, aliases in read_extra("places.tsv"):
        t.add(canonical, aliases)
    iso = json.load(open(os.path.join(shared, "gazetteer-sources/i18n-iso-countries/en.json"),
                         encoding="utf-8"))["countries"]
    geonames = {}
    for line in open(os.path.join(shared, "gazetteer-sources/geonames/countryInfo.txt"), encoding="utf-8"):
        if line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) > 4:
            geonames[cols[0]] = cols[4]
    for code in sorted(set(iso) | set(geonames)):
        names = iso.get(code, [])
        names = [names] if isinstance(names, str) else list(names)
        if code in geonames:
            names.append(geonames[code])
        known = [t.owner[key(n)] for n in names if key(n) in t.owner]
        # Canonical: a name the hand-written table already chose, else the
        # shortest ISO form without a comma ("Russia" over "Russian Federation").
        canonical = known[0] if known else min((n for n in names if "," not in n), key=len, default=names[0])
        t.add(canonical, names)
    codes = os.path.join(shared, "corpus/reuters21578/all-places-strings.lc.txt")
    if os.path.exists(codes):
        for code in open(codes).read().split():
            name = " ".join(w.capitalize() for w in code.split("-"))
            canonical = t.owner.get(key(code)) or t.owner.get(key(name)) or name
            t.add(canonical, [code])
    return t


def described(shared):
    """Code -> (description text) from the Reuters category descriptions."""
    path = os.path.join(shared, "corpus/reuters21578/cat-descriptions_120396.txt")
    if not os.path.exists(path):
        return {}
    text = open(path, encoding="latin-1").read()
    out = {}
    for m in re.finditer(r"([^\n@]*?(?:\n[^\n@(]*?)?)\s*\(([A-Z][A-Z0-9-]*)\)", text):
        out[m.group(2).lower()] = " ".join(m.group(1).split())
    return out


def people(shared):
    t = Table()
    for canonical, aliases in read_extra("people.tsv"):
        t.add(canonical, aliases)
    desc = described(shared)
    codes = os.path.join(shared, "corpus/reuters21578/all-people-strings.lc.txt")
    if os.path.exists(codes):
        for code in open(codes).read().split():
            if key(code) in t.owner or "-" in code:
                continue   # hyphenated codes are full names: the code fallback reads them
            d = re.sub(r"[()]", "", desc.get(code, ""))
            name = d.split(",")[0].strip() if "," in d else d
            words = name.split()
            surname = code.split("-")[-1]
            # The name is the last words ending with the code's surname: two
            # words, or three with an initial or a particle.
            if words and key(words[-1]).replace(" ", "") == surname.replace(" ", ""):
                n = 3 if len(words) >= 3 and (re.match(r"^[A-Z]\.$", words[-3]) or
                                                words[-2].lower() in ("de", "von", "van", "la", "del")) else 2
                t.add(" ".join(words[-n:]), [code])
    return t


def orgs(shared):
    t = Table()
    for canonical, aliases in read_extra("orgs.tsv"):
        t.add(canonical, aliases)
    desc = described(shared)
    codes = os.path.join(shared, "corpus/reuters21578/all-orgs-strings.lc.txt")
    if os.path.exists(codes):
        for code in open(codes).read().split():
            if key(code) in t.owner:
                continue
            d = re.sub(r"\[.*?\]", "", desc.get(code, "")).strip(" *")
            if d:
                t.add(d, [code, code.upper()])
    return t


HEADER = """# newsarc alias table: {what}.
# Generated by tools/gen-aliases.py; edit tools/aliases-extra/ and rerun.
# Format: canonical name, then its aliases, separated by tabs.  Lookups
# ignore case, dots and the difference between hyphens, underscores and
# blanks.
{credits}"""

GEONAMES = ("# Country names derived from GeoNames (geonames.org), CC BY 4.0, and from\n"
            "# i18n-iso-countries (Copyright (c) 2016 widdix GmbH; MIT licence, see NOTICE).\n")
REUTERS = "# Includes the category codes of Reuters-21578, Distribution 1.0 (codes only).\n"


def main():
    shared = sys.argv[1] if len(sys.argv) > 1 else os.path.join(TOP, "..", "shared")
    os.makedirs(OUT, exist_ok=True)
    places(shared).write(os.path.join(OUT, "places.tsv"),
                         HEADER.format(what="places", credits=GEONAMES + REUTERS))
    people(shared).write(os.path.join(OUT, "people.tsv"), HEADER.format(what="people", credits=REUTERS))
    orgs(shared).write(os.path.join(OUT, "orgs.tsv"), HEADER.format(what="organisations", credits=REUTERS))
    t = Table()
    t.write(os.path.join(OUT, "topics.tsv"),
            HEADER.format(what="topics (codes such as Reuters' 'earn' are kept as written)", credits=""))
    t = Table()
    for canonical, aliases in read_extra("sources.tsv"):
        t.add(canonical, aliases)
    t.write(os.path.join(OUT, "sources.tsv"), HEADER.format(what="sources", credits=""))


if __name__ == "__main__":
    main()
