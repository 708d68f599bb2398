#!/usr/bin/env python3
"""Learn two word lists for entity extraction from unlabelled newswire.

Usage: tools/gen-newswire-lists.py [--out DIR] [SHARED]

SHARED is the shared folder (default ../shared beside the repository); the
script reads the article bodies of corpus/reuters21578/*.sgm and the
tokens of corpus/conll2003/eng.train (the words only: no tag is read) and
writes into DIR (default config/gazetteer):

  common-words.txt  words newswire writes in lower case: seen at least 20
                    times away from a sentence or line start, at least 60%
                    of those in lower case ("net", "heavy", "thousands",
                    "period").  Such a word alone is no name, whatever the
                    capital it has at the start of a sentence or a table row.
  companies.txt     names written before a legal-form suffix ("Merrill Lynch"
                    of "Merrill Lynch and Co", "Smith Barney" of "Smith
                    Barney, Harris Upham and Co") at least 3 times: a name on the list is a
                    company, so an organisation, wherever it is named
                    without its suffix.  A run of capitalised words that
                    another capitalised word joins on the left through "of"
                    or "and" is left out (the company may be longer), as are
                    names of places in gazetteer/, runs that open with a
                    common word, and one word that is itself an
                    organisation word or suffix ("Industries") or in
                    capitals, or that ends or follows in two longer names ("International"
                    of "Nomura International"); one
                    word needs 5 sightings.

Output order is fixed (by count, then name), so the same inputs give the
same files.  Exit status: 0 ok, 1 an input is missing, 2 usage error.
"""
import argparse
import collections
import glob
import os
import re
import sys

SUFFIXES = {"Inc", "Corp", "Co", "Ltd", "Plc", "PLC", "Corporation", "Company", "Cos", "AG", "SA", "NV",
            "LP", "Incorporated", "Limited", "NA", "N.A."}
COMPANY_WORDS = {"Bank", "Group", "Holdings", "Industries", "Securities", "Trust", "Capital", "Investments",
                 "Insurance", "Financial", "Brothers", "Partners", "Enterprises"}
WORD = re.compile(r"[A-Za-z][A-Za-z.&'-]*|[0-9][0-9.,]*|[^\sA-Za-z0-9]")
SENT_END = {".", "!", "?", '"', ":", ";", "-"}


def capitalised(w):
    return w[:1].isupper()


def lines_of_reuters(shared):
    for path in sorted(glob.glob(os.path.join(shared, "corpus", "reuters21578", "reut2-*.sgm"))):
        data = open(path, encoding="latin-1").read()
        for body in re.findall(r"<BODY>(.*?)</BODY>", data, re.S):
            body = body.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            # Bodies are hard-wrapped: a name and its suffix may be on two
            # lines ("Wells Fargo\nand Co"), so a paragraph is one line.
            for para in re.split(r"\n(?=    )|\n\s*\n", body):
                yield " ".join(para.split("\n"))


def lines_of_conll(shared):
    sentence = []
    with open(os.path.join(shared, "corpus", "conll2003", "eng.train"), encoding="utf-8") as f:
        for line in f:
            line = line.split(" ")[0].strip()
            if not line or line == "-DOCSTART-":
                if sentence:
                    yield " ".join(sentence)
                sentence = []
            else:
                sentence.append(line)
    if sentence:
        yield " ".join(sentence)


def place_names(gaz):
    names = set()
    for name, first in (("countries.tsv", 0), ("regions.tsv", 0), ("cities.tsv", 0), ("demonyms.tsv", 0)):
        path = os.path.join(gaz, name)
        if not os.path.exists(path):
            continue
        for line in open(path, encoding="utf-8"):
            if line.startswith("#"):
                continue
            names.add(line.split("\t")[first].strip().lower())
    return names


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    top = os.path.dirname(here)
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("shared", nargs="?", default=os.path.join(top, "..", "shared"))
    ap.add_argument("--out", default=os.path.join(top, "config", "gazetteer"))
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.shared, "corpus")):
        print("gen-newswire-lists: no corpus folder in %s" % args.shared, file=sys.stderr)
        return 1
    lower = collections.Counter()
    upper = collections.Counter()
    lines = []
    for source in (lines_of_reuters(args.shared), lines_of_conll(args.shared)):
        for line in source:
            toks = WORD.findall(line)
            letters = [c for c in line if c.isalpha()]
            if letters and all(c.isupper() for c in letters):
                continue  # a headline in capitals says nothing about case
            lines.append(toks)
            for i, w in enumerate(toks):
                if i == 0 or toks[i - 1] in SENT_END or not w[0].isalpha() or (len(w) > 1 and w.isupper()):
                    continue
                (upper if capitalised(w) else lower)[w.lower()] += 1
    common = sorted(w for w in set(lower) | set(upper)
                    if lower[w] + upper[w] >= 20 and lower[w] >= 0.6 * (lower[w] + upper[w]) and len(w) > 1)
    common_set = set(common)
    places = place_names(args.out)
    org_words = set()
    for name in ("org-words.txt", "org-suffixes.txt"):
        path = os.path.join(args.out, name)
        if os.path.exists(path):
            org_words |= {l.strip() for l in open(path, encoding="utf-8") if not l.startswith("#")}
    companies = collections.Counter()
    for toks in lines:
        for i, w in enumerate(toks):
            if w not in SUFFIXES or i == 0:
                continue
            j = i
            if j >= 2 and toks[j - 1] in ("and", "&") and w in ("Co", "Cos"):
                j -= 1  # "Merrill Lynch and Co"
            k = j
            while k > 0 and i - k < 6 and toks[k - 1] not in SUFFIXES and (k == j or not toks[k - 1].endswith("'s")) and (
                    capitalised(toks[k - 1]) or
                                            (toks[k - 1] in ("and", "&", "of") and k >= 2 and capitalised(toks[k - 2]))):
                k -= 1
            while k < j and not capitalised(toks[k]):
                k += 1
            if k >= j:
                continue
            if k >= 2 and toks[k - 1] in ("and", "&", "of") and capitalised(toks[k - 2]) and toks[k - 2] not in SUFFIXES:
                continue
            c = k
            head = None
            while c >= 2 and toks[c - 1] == "," and capitalised(toks[c - 2]):
                # "Smith Barney, Harris Upham and Co", "L.F. Rothschild,
                # Unterberg, Towbin Inc": the firm is also named by the
                # words before the first comma alone.
                b = c - 1
                while b > 0 and c - 1 - b < 3 and capitalised(toks[b - 1]) and toks[b - 1] not in SUFFIXES:
                    b -= 1
                head = (b, c - 1)
                c = b
            if head:
                b, e = head
                words = toks[b:e]
                if (words and words[0].lower() not in common_set and (b == 0 or not capitalised(toks[b - 1]))
                        and " ".join(words).lower() not in places):
                    companies[" ".join(words)] += 1
            name = toks[k:j]
            if name[0] == "The":
                name = name[1:]
            if len(name) >= 3 and name[-1] in COMPANY_WORDS:
                # "Wells Fargo Bank NA", "Jardine Matheson Holdings Ltd":
                # the firm is also named without its last word.
                short = name[:-1]
                if (all(capitalised(w) for w in short) and short[0].lower() not in common_set
                        and " ".join(short).lower() not in places):
                    companies[" ".join(short)] += 1
            while name and (name[-1] in SUFFIXES or name[-1] in ("and", "&")):
                name = name[:-1]
            if len(name) == 1 and (name[0] in org_words or name[0].isupper()):
                continue  # "Industries", "Holdings"; a ticker-like "ITT" is its own name
            if not name or name[0].lower() in common_set or name[-1] in ("and", "&", "of"):
                continue
            text = " ".join(name)
            if text.lower() in places or any(c.isdigit() for c in text):
                continue
            companies[text] += 1
    inner = collections.Counter(w for n in companies for w in n.split(" ")[1:])
    if os.environ.get("DEBUG_WORD"):
        w = os.environ["DEBUG_WORD"]
        print(w, companies[w], inner[w], [n for n in companies if w in n.split(" ")[1:]][:10], file=sys.stderr)
    kept = sorted((n for n, c in companies.items()
                   if c >= (3 if " " in n else 5) and (" " in n or inner[n] < 2)), key=lambda n: (-companies[n], n))
    with open(os.path.join(args.out, "common-words.txt"), "w", encoding="utf-8") as f:
        f.write("# newsarc gazetteer: words newswire writes in lower case (%d entries).\n" % len(common))
        f.write("# Generated by tools/gen-newswire-lists.py from the bodies of Reuters-21578\n"
                "# and the words of CoNLL-2003 eng.train; do not edit.  One word a line.\n")
        for w in common:
            f.write(w + "\n")
    with open(os.path.join(args.out, "companies.txt"), "w", encoding="utf-8") as f:
        f.write("# newsarc gazetteer: names newswire writes before a legal-form suffix (%d entries).\n"
                % len(kept))
        f.write("# Generated by tools/gen-newswire-lists.py from the bodies of Reuters-21578\n"
                "# and the words of CoNLL-2003 eng.train; do not edit.  One name a line.\n")
        for n in kept:
            f.write(n + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
