/* xapian-c.cc - the C binding over libxapian (see xapian-c.h) and newsarc's
 * free-text indexer.
 *
 * The only C++ in newsarc.  Exported functions that return a status run
 * their body through guarded(), which maps every exception to an
 * na_status_t and a message, and the few without a status go through
 * quietly() or must(); so no C++ exception ever unwinds into C frames.
 *
 * The indexer splits text into words by the rules of Xapian 1.4's
 * TermGenerator (queryparser/termgenerator_internal.cc) and must keep
 * producing the same terms, or Xapian's QueryParser, quest and omega stop
 * finding what newsarc indexed; tests/unit/test-xapian.c checks it against
 * a real TermGenerator.  It differs only in speed: stems are cached across
 * documents and terms are built in reused buffers.
 */
#include "xapian-c.h"

extern "C" {
#include "hash.h"
#include "utf8.h"
}

#include <xapian.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <string>
#include <strings.h>
#include <system_error>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#if defined(__SANITIZE_ADDRESS__)
#define NA_LSAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NA_LSAN 1
#endif
#endif
#ifdef NA_LSAN
#include <sanitizer/lsan_interface.h>
#endif

/* Every document's rank by one value slot at one revision of one local
 * database: sorting by a 4-byte rank orders the matches exactly as the
 * value itself does (equal values share a rank, so ties still fall to
 * docids), while Xapian copies each candidate's sort key as it keeps its
 * best matches, and a date-and-id key of 20-odd bytes costs an
 * allocation per copy that four bytes do not. */
struct na__ranks {
    Xapian::valueno slot = 0;
    std::vector<uint32_t> rank;    /* by docid; 0: no value, as "" sorts first */
};

/* Every document's value of one facet slot at one revision, as a number
 * per document into the slot's distinct values: a facet spy then counts
 * a match with one array step, where reading its value from the value
 * stream and hashing it cost a few hundred instructions. */
struct na__combos {
    std::vector<uint32_t> id;         /* by docid: 1 + index into values; 0: no value */
    std::vector<std::string> values;
};

/* A reader's tables (na_xdb_keep_ranks()), all of one revision of one
 * database, dropped together when the reader has moved on. */
struct na__rank_cache {
    bool valid = false;
    std::string uuid;
    Xapian::rev revision = 0;
    std::shared_ptr<const na__ranks> ranks;
    std::unordered_map<Xapian::valueno, std::shared_ptr<const na__combos>> combos;

    void sync(const Xapian::Database &db)
    {
        std::string u = db.get_uuid();
        Xapian::rev r = db.get_revision();
        if (valid && r == revision && u == uuid)
            return;
        ranks.reset();
        combos.clear();
        uuid = u;
        revision = r;
        valid = true;
    }
};

/* Term prefixes with the number of digits that follow them. */
typedef std::vector<std::pair<std::string, size_t>> na__single_terms_t;

struct na_xdb {
    Xapian::Database db;                  /* all shards as one */
    std::vector<Xapian::Database> shards; /* each, for metadata */
    std::vector<std::string> specs;       /* as given, to open them again */
    std::vector<std::string> stubs;       /* per spec: the generation its stub named, or "" */
    na_xdb_remote_t remote = { 0, 0 };    /* timeouts of tcp: specs, to open them again */
    std::shared_ptr<na__rank_cache> ranks; /* na_xdb_keep_ranks(); shared with its enquires */
    /* Keys to remember (na_xdb_keep_metadata), and what was read of them
     * at this revision: found or not, and the value. */
    std::unordered_set<std::string> kept_keys;
    std::unordered_map<std::string, std::pair<bool, std::string>> kept;
    /* Prefixes of which a document holds at most one term of so many
     * digits (na_xdb_declare_single_term); shared with its enquires,
     * which a search makes one of each time. */
    std::shared_ptr<na__single_terms_t> single_terms = std::make_shared<na__single_terms_t>();
};
struct na_xwdb { Xapian::WritableDatabase db; };
struct na_xdoc { Xapian::Document doc; };
struct na_xquery { Xapian::Query q; };
struct na_xmset {
    na_xmset(Xapian::MSet m, Xapian::doccount f = 0, Xapian::doccount n = ~Xapian::doccount(0))
        : mset(std::move(m)), first(f), size(std::min(n, mset.size() > f ? mset.size() - f : 0))
    {
    }
    Xapian::MSet mset;
    /* The page's first hit in MSET, which may start before it (see
     * na__page_by_weight) and hold one more after it; and when not empty,
     * the order of MSET's hits (indices into it) that the page follows. */
    Xapian::doccount first;
    Xapian::doccount size;
    std::vector<Xapian::doccount> order;
    /* When set, the run that counted the matches, for the total and its
     * bounds: MSET then came from a second run for the page alone. */
    bool recounted = false;
    Xapian::MSet counted;
    /* When set, the exact total, summed from term frequencies (see
     * na__disjoint_count): MSET then counted only what its page needed. */
    bool summed = false;
    Xapian::doccount total = 0;
    /* The stemmer of the last snippet, kept for the next: a page of
     * results asks for one per hit, all in one language. */
    mutable Xapian::Stem stem;
    mutable std::string stem_language;
    mutable bool has_stem = false;
    /* The database and query MSET ran, for highlighting without the
     * terms under AND_NOT (see na__highlight_mset); set by
     * na_xenquire_run.  HIGHLIGHT is that MSet once made, when the query
     * has an AND_NOT (HAS_HIGHLIGHT false: MSET serves). */
    Xapian::Database db;
    Xapian::Query query;
    mutable bool highlight_known = false, has_highlight = false;
    mutable Xapian::MSet highlight;
};

namespace {

/* ---- errors ---- */

/* Thrown inside a guarded() body for failures that are not Xapian's. */
struct na__failure {
    na_status_t code;
    std::string message;
};

[[noreturn]] void na__fail(na_status_t code, std::string message)
{
    throw na__failure{ code, std::move(message) };
}

[[noreturn]] void na__die_nomem()
{
    /* As util.c: a program cannot go on without memory, and the functions
     * that get here have no status to return. */
    std::fputs("newsarc: fatal: out of memory in the xapian binding\n", stderr);
    std::abort();
}

/* Xapian's messages are sentences ("Unable to get write lock on ...");
 * status.h wants one lower-case line without a full stop.  A first word
 * that is an acronym or a CamelCase type name keeps its case. */
void na__tidy_message(na_error_t *err)
{
    if (!err)
        return;
    char *m = err->message;
    for (char *c = m; *c; c++)
        if (*c == '\n' || *c == '\r' || *c == '\t')
            *c = ' ';
    size_t n = std::strlen(m);
    while (n && (m[n - 1] == '.' || m[n - 1] == ' '))
        m[--n] = '\0';
    if (m[0] >= 'A' && m[0] <= 'Z') {
        bool lower_rest = true;
        for (const char *c = m + 1; *c && *c != ' '; c++)
            if (*c >= 'A' && *c <= 'Z')
                lower_rest = false;
        if (lower_rest && m[1] >= 'a' && m[1] <= 'z')
            m[0] = static_cast<char>(m[0] - 'A' + 'a');
    }
}

/* Records E under CODE; WITH_TYPE puts Xapian's error type first, for the
 * catch-all codes where the type is the useful part.  A full disk or
 * quota is the user's to fix: it is said in strerror's words alone
 * (na_strerror), since Xapian's own text ("DatabaseError: Error writing
 * block 201 (No space left on device)") adds nothing they can act on. */
na_status_t na__xapian_error(na_error_t *err, na_status_t code, const Xapian::Error &e, bool with_type)
{
    const char *errstr = e.get_error_string();
    static const int full[] = { ENOSPC, EDQUOT };
    for (int full_errno : full)
        if (errstr && strcasecmp(errstr, na_strerror(full_errno)) == 0)
            return na_error_set(err, code, "%s", na_strerror(full_errno));
    na_error_set(err, code, "%s%s%s%s%s%s", with_type ? e.get_type() : "", with_type ? ": " : "",
                 e.get_msg().c_str(), errstr ? " (" : "", errstr ? errstr : "", errstr ? ")" : "");
    na__tidy_message(err);
    return code;
}

/* Runs FN, mapping every exception to a status and ERR's message.  The
 * order matters: Xapian's error classes form a hierarchy, and the more
 * specific ones carry meaning callers act on (LOCKED: wait and retry;
 * NOT_FOUND: create; QUERY: show the user). */
template <typename Fn>
na_status_t guarded(na_error_t *err, Fn &&fn) noexcept
{
    try {
        fn();
        return NA_OK;
    } catch (const na__failure &f) {
        return na_error_set(err, f.code, "%s", f.message.c_str());
    } catch (const Xapian::DatabaseLockError &e) {
        return na__xapian_error(err, NA_ERR_LOCKED, e, false);
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return na__xapian_error(err, NA_ERR_NOT_FOUND, e, false);
    } catch (const Xapian::DatabaseVersionError &e) {
        /* An opening error, but the database is there: a version newer
         * or older than this libxapian reads. */
        return na__xapian_error(err, NA_ERR_DATABASE, e, true);
    } catch (const Xapian::DatabaseOpeningError &e) {
        return na__xapian_error(err, NA_ERR_NOT_FOUND, e, false);
    } catch (const Xapian::DocNotFoundError &e) {
        return na__xapian_error(err, NA_ERR_NOT_FOUND, e, false);
    } catch (const Xapian::QueryParserError &e) {
        return na__xapian_error(err, NA_ERR_QUERY, e, false);
    } catch (const Xapian::DatabaseCorruptError &e) {
        return na__xapian_error(err, NA_ERR_CORRUPT, e, true);
    } catch (const Xapian::Error &e) {
        return na__xapian_error(err, NA_ERR_DATABASE, e, true);
    } catch (const std::bad_alloc &) {
        return na_error_set(err, NA_ERR_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        return na_error_set(err, NA_ERR_INTERNAL, "unexpected exception: %s", e.what());
    } catch (...) {
        return na_error_set(err, NA_ERR_INTERNAL, "unexpected exception of unknown type");
    }
}

/* For getters without a status: a Xapian failure gives FALLBACK (the
 * header says so), running out of memory aborts. */
template <typename T, typename Fn>
T quietly(T fallback, Fn &&fn) noexcept
{
    try {
        return fn();
    } catch (const std::bad_alloc &) {
        na__die_nomem();
    } catch (...) {
        return fallback;
    }
}

/* For setters without a status, which only fail on a caller's bug (such as
 * an invalid value slot) or without memory: both abort, since silently
 * dropping part of a document would corrupt the index unnoticed. */
template <typename Fn>
void must(Fn &&fn) noexcept
{
    try {
        fn();
    } catch (const std::bad_alloc &) {
        na__die_nomem();
    } catch (const Xapian::Error &e) {
        char msg[512];
        std::snprintf(msg, sizeof msg, "xapian: %s: %s", e.get_type(), e.get_msg().c_str());
        na__bug(__FILE__, __LINE__, msg);
    } catch (...) {
        NA_BUG("unexpected exception in the xapian binding");
    }
}

/* ---- small helpers ---- */

char *copy_string(const char *data, size_t n, size_t *len)
{
    char *p = static_cast<char *>(std::malloc(n + 1));
    if (!p)
        throw std::bad_alloc();
    if (n)
        std::memcpy(p, data, n);
    p[n] = '\0';
    if (len)
        *len = n;
    return p;
}

char *copy_string(const std::string &s, size_t *len)
{
    return copy_string(s.data(), s.size(), len);
}

/* Resolves LANGUAGE ("english", "en", "none", NULL) to a stemmer. */
Xapian::Stem make_stem(const char *language)
{
    if (!language || !*language || std::strcmp(language, "none") == 0)
        return Xapian::Stem();
    try {
        return Xapian::Stem(language);
    } catch (const Xapian::InvalidArgumentError &) {
        na__fail(NA_ERR_INVALID, std::string("unknown language '") + language + "'");
    }
}

/* A stopper owned by the TermGenerator or QueryParser it is given to. */
const Xapian::Stopper *make_stopper(const char *const *words, size_t count)
{
    std::unique_ptr<Xapian::SimpleStopper> s(new Xapian::SimpleStopper);
    for (size_t i = 0; i < count; i++)
        s->add(words[i]);
    return s.release()->release();
}

/* MSet::snippet escapes & < > for HTML; callers here print plain text
 * (and JSON, which has its own escaping), so the entities go back. */
std::string unescape_html(const std::string &s)
{
    static const struct {
        const char *entity;
        size_t len;
        char c;
    } entities[] = {
        { "&amp;", 5, '&' }, { "&lt;", 4, '<' }, { "&gt;", 4, '>' }, { "&quot;", 6, '"' }, { "&#39;", 5, '\'' },
    };
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        bool done = false;
        if (s[i] == '&')
            for (const auto &e : entities)
                if (s.compare(i, e.len, e.entity) == 0) {
                    out += e.c;
                    i += e.len;
                    done = true;
                    break;
                }
        if (!done)
            out += s[i++];
    }
    return out;
}

na_xquery_t *wrap(Xapian::Query q)
{
    return new na_xquery_t{ std::move(q) };
}

/* The body of the *_find functions, for either kind of database. */
template <typename DB>
na_docid_t find_term(DB &db, const char *term)
{
    Xapian::PostingIterator it = db.postlist_begin(term);
    if (it == db.postlist_end(term))
        na__fail(NA_ERR_NOT_FOUND, std::string("no document has the term '") + term + "'");
    return *it;
}

/* The documents indexed by TERM, in docid order, as a malloc()ed array. */
template <class DB>
na_docid_t *postings(DB &db, const char *term, size_t *count)
{
    std::vector<na_docid_t> ids;
    for (auto it = db.postlist_begin(term); it != db.postlist_end(term); ++it)
        ids.push_back(*it);
    *count = ids.size();
    na_docid_t *out = static_cast<na_docid_t *>(std::malloc((ids.size() ? ids.size() : 1) * sizeof *out));
    if (!out)
        throw std::bad_alloc();
    if (!ids.empty())
        std::memcpy(out, ids.data(), ids.size() * sizeof *out);
    return out;
}

template <typename DB>
std::string get_metadata(DB &db, const char *key)
{
    if (!key || !*key)
        na__fail(NA_ERR_INVALID, "empty metadata key");
    std::string v = db.get_metadata(key);
    if (v.empty())
        na__fail(NA_ERR_NOT_FOUND, std::string("no metadata '") + key + "'");
    return v;
}

/* A query matching every document, made afresh.  Never copy
 * Xapian::Query::MatchAll: it is one static object whose reference count
 * is a plain unsigned, so copies made and dropped by several threads at
 * once lose updates, and the count can reach zero and free it while it is
 * in use (Xapian's query.h says so).  The server's worker threads each
 * made an Enquire over it per request, which crashed the server inside
 * libxapian now and then under load. */
Xapian::Query na__match_all()
{
    return Xapian::Query(std::string());
}

/* ---- words, the way TermGenerator sees them ---- */

/* What Xapian::Unicode says about the ASCII range, looked up once: most
 * news text is ASCII, and a table beats two calls per character.  Built
 * from Xapian's own functions so it cannot disagree with them. */
struct na__ascii_table {
    unsigned char word[128]; /* lower-cased word character, or 0 */
    na__ascii_table()
    {
        for (unsigned c = 0; c < 128; c++)
            word[c] = Xapian::Unicode::is_wordchar(c) ? static_cast<unsigned char>(Xapian::Unicode::tolower(c)) : 0;
    }
};
const na__ascii_table na__ascii;

/* "Ignore this character" from the infix checks: zero-width characters
 * inside a word, which neither end it nor appear in the term. */
const unsigned NA__IGNORE = 0xffffffffu;

/* TermGenerator's maximum word length in bytes (its default); longer
 * words are dropped without using up a position. */
const size_t NA__MAX_WORD = 64;

inline bool na__continuation(unsigned char b)
{
    return (b & 0xc0) == 0x80;
}

/* Decodes the character at P (P < END) as Xapian's Utf8Iterator does,
 * storing its length in *N.  Invalid, overlong and truncated sequences
 * read as one ISO-8859-1 byte each, which TermGenerator then treats as the
 * Latin-1 letter it encodes; the same terms need the same reading.  That
 * is the strict decoder's reading except for surrogates (U+D800..DFFF,
 * lead byte 0xed), which Utf8Iterator decodes; indexed text has none (it
 * is sanitised), but the reading stays TermGenerator's. */
inline unsigned na__decode(const unsigned char *p, const unsigned char *end, unsigned *n)
{
    size_t avail = static_cast<size_t>(end - p);
    unsigned cp;
    size_t k = na_utf8_decode(reinterpret_cast<const char *>(p), avail, &cp);
    if (k) {
        *n = static_cast<unsigned>(k);
        return cp;
    }
    if (p[0] == 0xed && avail >= 3 && na__continuation(p[1]) && na__continuation(p[2])) {
        *n = 3;
        return 0xd000 | ((p[1] & 0x3f) << 6) | (p[2] & 0x3f);
    }
    *n = 1;
    return p[0];
}

/* The character at P and its length; ASCII without a function call. */
inline unsigned na__char_at(const unsigned char *p, const unsigned char *end, unsigned *n)
{
    if (*p < 0x80) {
        *n = 1;
        return *p;
    }
    return na__decode(p, end, n);
}

/* The lower-cased form of C when it is a word character, else 0. */
inline unsigned na__word_lower(unsigned c)
{
    if (c < 128)
        return na__ascii.word[c];
    return Xapian::Unicode::is_wordchar(c) ? Xapian::Unicode::tolower(c) : 0;
}

inline bool na__is_digit(unsigned c)
{
    if (c < 128)
        return c >= '0' && c <= '9';
    return Xapian::Unicode::get_category(c) == Xapian::Unicode::DECIMAL_DIGIT_NUMBER;
}

inline bool na__is_zero_width(unsigned c)
{
    return (c >= 0x200b && c <= 0x200d) || c == 0x2060 || c == 0xfeff;
}

/* A character that joins two word characters into one word, as in
 * "AT&T" or "don't" (what goes into the term), 0 if it separates them, or
 * NA__IGNORE to join without a trace. */
inline unsigned na__infix(unsigned c)
{
    switch (c) {
    case '\'': case '&': case 0xb7: case 0x5f4: case 0x2027:
        return c;
    case 0x2019: case 0x201b: /* typographic apostrophes: index as ' */
        return '\'';
    }
    return na__is_zero_width(c) ? NA__IGNORE : 0;
}

/* The same between two digits, as in "1,000.5": Unicode's numeric
 * separators (and only those, so "1'000" splits). */
inline unsigned na__infix_digit(unsigned c)
{
    switch (c) {
    case ',': case '.': case ';':
    case 0x037e: case 0x0589: case 0x060d: case 0x07f8:
    case 0x2044: case 0xfe10: case 0xfe13: case 0xfe14:
        return c;
    }
    return na__is_zero_width(c) ? NA__IGNORE : 0;
}

/* Up to three of these end a word as in "C++" or "C#". */
inline bool na__is_suffix(unsigned c)
{
    return c == '+' || c == '#';
}

inline void na__append(std::string &s, unsigned c)
{
    if (c < 128)
        s += static_cast<char>(c);
    else
        Xapian::Unicode::append_utf8(s, c);
}

/* TermGenerator stems only words that start with a letter, not digits
 * or symbols ("1980s" stays as it is). */
bool na__should_stem(const std::string &word)
{
    const unsigned mask = (1u << Xapian::Unicode::LOWERCASE_LETTER) | (1u << Xapian::Unicode::TITLECASE_LETTER) |
                          (1u << Xapian::Unicode::MODIFIER_LETTER) | (1u << Xapian::Unicode::OTHER_LETTER);
    Xapian::Utf8Iterator u(word);
    return (mask >> Xapian::Unicode::get_category(*u)) & 1;
}

/* The stem cache: word -> stem, or "" when the word gets no stemmed term
 * (a stopword, a word starting with a digit), so that one lookup answers
 * both questions.  Most words of a news article are looked up here, so it
 * is built for few cache misses, which is what a node-based
 * std::unordered_map costs (its lookups took a third of the indexer's time
 * on Reuters-21578): an open-addressing table of 8-byte slots, each a hash
 * and an offset into one arena where the word and its stem sit side by
 * side.  Frequent words come first in news text, so they also share the
 * arena's first cache lines.  Words are at most NA__MAX_WORD bytes. */
class na__stem_cache {
    /* (hash << 32) | (arena offset + 1); 0 is an empty slot. */
    std::vector<uint64_t> slots = std::vector<uint64_t>(1u << 12);
    /* Records: key length, stem length (2 bytes each), key, stem. */
    std::vector<unsigned char> arena;
    size_t count = 0;

    /* The slot index comes from the low bits, which the mix fills. */
    static uint32_t hash(const char *s, size_t n)
    {
        return static_cast<uint32_t>(na_hash64_mix(na_hash64(NA_HASH_SEED, s, n)));
    }

    void grow()
    {
        std::vector<uint64_t> old(slots.size() * 2);
        old.swap(slots);
        size_t mask = slots.size() - 1;
        for (uint64_t s : old)
            if (s) {
                size_t i = (s >> 32) & mask;
                while (slots[i])
                    i = (i + 1) & mask;
                slots[i] = s;
            }
    }

  public:
    size_t limit = 200000; /* words; about 25 MB at most */

    /* Finds WORD; on a hit sets *STEM and *LEN (borrowed until the next
     * insert or clear) and returns true.  *H receives the hash for
     * insert. */
    bool find(const std::string &word, uint32_t *h, const char **stem, size_t *len) const
    {
        *h = hash(word.data(), word.size());
        size_t mask = slots.size() - 1;
        for (size_t i = *h & mask; slots[i]; i = (i + 1) & mask) {
            uint64_t s = slots[i];
            if (static_cast<uint32_t>(s >> 32) != *h)
                continue;
            const unsigned char *r = arena.data() + (static_cast<uint32_t>(s) - 1);
            size_t klen = r[0] | (r[1] << 8);
            if (klen == word.size() && std::memcmp(r + 4, word.data(), klen) == 0) {
                *stem = reinterpret_cast<const char *>(r + 4 + klen);
                *len = r[2] | (r[3] << 8);
                return true;
            }
        }
        return false;
    }

    /* Adds WORD (not in the cache, hash H) with STEM; returns the stored
     * stem as find does.  When full, it starts again rather than track
     * use: the vocabulary that matters is back within a few documents. */
    const char *insert(const std::string &word, uint32_t h, const std::string &stem)
    {
        if (count >= limit)
            clear();
        if ((count + 1) * 2 > slots.size())
            grow();
        size_t off = arena.size();
        if (off + 4 + word.size() + stem.size() >= 0xffffffffu)
            throw std::bad_alloc(); /* unreachable below limit */
        const unsigned char head[4] = { static_cast<unsigned char>(word.size()),
                                        static_cast<unsigned char>(word.size() >> 8),
                                        static_cast<unsigned char>(stem.size()),
                                        static_cast<unsigned char>(stem.size() >> 8) };
        arena.insert(arena.end(), head, head + 4);
        arena.insert(arena.end(), word.begin(), word.end());
        arena.insert(arena.end(), stem.begin(), stem.end());
        size_t mask = slots.size() - 1;
        size_t i = h & mask;
        while (slots[i])
            i = (i + 1) & mask;
        slots[i] = (static_cast<uint64_t>(h) << 32) | (off + 1);
        count++;
        return reinterpret_cast<const char *>(arena.data() + off + 4 + word.size());
    }

    void clear()
    {
        std::fill(slots.begin(), slots.end(), 0);
        arena.clear();
        count = 0;
    }
};

/* libxapian 1.4's query parser leaks a term object (96 bytes) when a
 * query it first fails to parse and then reparses as plain words has a
 * leading operator, two words joined by punctuation and a NEAR before a
 * pair of words: "OR x;y NEAR a b" (tests/fuzz/regressions/query/).
 * Under LeakSanitizer, what the parser itself allocates is not checked
 * (one counted scope per thread, so it nests); field processors, which
 * are ours, check theirs again inside it. */
struct na__parser_scope {
#ifdef NA_LSAN
    explicit na__parser_scope(bool xapian_side) : xapian(xapian_side)
    {
        if (xapian)
            __lsan_disable();
        else
            __lsan_enable();
    }
    ~na__parser_scope()
    {
        if (xapian)
            __lsan_enable();
        else
            __lsan_disable();
    }
    na__parser_scope(const na__parser_scope &) = delete;
    na__parser_scope &operator=(const na__parser_scope &) = delete;

  private:
    bool xapian;
#else
    explicit na__parser_scope(bool) {}
#endif
};

/* A boolean field whose value a C function turns into a query.  A
 * rejected value is recorded in the parser's field_error and stands in as
 * MatchNothing; na_xqp_parse then reports it as NA_ERR_QUERY.  Throwing
 * QueryParserError from here would be simpler, but Xapian 1.4's parser
 * leaks its pending term objects when a field processor throws. */
class na__field_processor : public Xapian::FieldProcessor {
    na_xfield_fn fn;
    void *ud;
    std::string *error; /* the owning na_xqp's field_error */

  public:
    na__field_processor(na_xfield_fn f, void *u, std::string *e) : fn(f), ud(u), error(e) {}

    Xapian::Query operator()(const std::string &value) override
    {
        na__parser_scope ours(false);
        na_xquery_t *q = nullptr;
        na_error_t err;
        na_error_clear(&err);
        na_status_t st = fn(ud, value.c_str(), &q, &err);
        std::unique_ptr<na_xquery_t> owned(q);
        if (st == NA_OK && q)
            return q->q;
        if (error->empty()) {
            if (st != NA_OK)
                *error = err.message[0] ? err.message : "bad field value '" + value + "'";
            else
                *error = "no query for the field value '" + value + "'";
        }
        return Xapian::Query::MatchNothing;
    }
};

} // namespace

/* ---- the handles with more than a Xapian object ---- */

struct na_xindexer {
    Xapian::Stem stemmer;
    bool stemming = false;
    std::unordered_set<std::string> stopwords;
    na__stem_cache stems;
    na_xdoc_t *doc = nullptr; /* borrowed; see na_xindexer_begin */
    Xapian::termpos pos = 0;
    std::string word, term; /* reused, so that most words allocate nothing */
    /* Set when the text goes to Xapian's TermGenerator instead: for the
     * tests' reference, and for CJK n-grams, which are not reimplemented. */
    std::unique_ptr<Xapian::TermGenerator> tg;
};

struct na_xqp {
    Xapian::QueryParser qp;
    /* The first field registration Xapian refused; the setters cannot
     * report it, so na_xqp_parse does. */
    std::string pending_error;
    /* The first value a field handler rejected during the current parse. */
    std::string field_error;
};

/* Q under any weight scaling, which changes no match. */
static Xapian::Query na__unscaled(const Xapian::Query &q)
{
    Xapian::Query u = q;
    while (u.get_type() == Xapian::Query::OP_SCALE_WEIGHT && u.get_num_subqueries() == 1)
        u = u.get_subquery(0);
    return u;
}

/* The type of na__unscaled(Q). */
static Xapian::Query::op na__unscaled_type(const Xapian::Query &q)
{
    return na__unscaled(q).get_type();
}

/* Does Q match the documents of one term, or every document, so that
 * Xapian counts its matches from the index alone? */
static bool na__counted_by_index(const Xapian::Query &q)
{
    Xapian::Query::op t = na__unscaled_type(q);
    return t == Xapian::Query::LEAF_TERM || t == Xapian::Query::LEAF_MATCH_ALL;
}

/* Does Q match every document? */
static bool na__matches_all(const Xapian::Query &q)
{
    return na__unscaled_type(q) == Xapian::Query::LEAF_MATCH_ALL;
}

/* Reads the next string of a packed value (see na_xdoc_add_packed_value)
 * from *P into ITEM and moves *P past it; false at END or on a value cut
 * short, which then counts no further. */
static bool na__unpack_next(const char **p, const char *end, std::string &item)
{
    size_t len = 0;
    unsigned shift = 0;
    for (;;) {
        if (*p == end || shift > 28)
            return false;
        unsigned char c = static_cast<unsigned char>(*(*p)++);
        len |= static_cast<size_t>(c & 0x7f) << shift;
        shift += 7;
        if (!(c & 0x80))
            break;
    }
    if (len == 0 || len > static_cast<size_t>(end - *p))
        return false;
    item.assign(*p, len);
    *p += len;
    return true;
}

/* One facet: the slot counted, whether its values are packed lists
 * (na_xdoc_add_packed_value) to be split after counting, and the term
 * prefix whose term frequencies give the same counts over every
 * document (empty: none). */
struct na__facet {
    Xapian::valueno slot;
    bool packed;
    std::string prefix;
};

/* Counts a slot's values as the stock ValueCountMatchSpy does, for one
 * local database: the matcher shows it documents in increasing docid
 * order, so one value stream moved forward with them reads each value in
 * a step, where Document::get_value() looks each up afresh.  A document
 * out of order, were there one, is read the usual way.  xapian-tcpsrv
 * does not know it, and over several shards documents carry their
 * shard's docids, so it counts only a single local database. */
class na__stream_spy : public Xapian::MatchSpy {
    Xapian::ValueIterator it, end;
    Xapian::valueno slot;
    Xapian::docid last = 0;
    /* The value counted last and its counter: neighbouring articles often
     * hold the same values (a day's wires from one place), and comparing
     * with the last costs less than hashing.  The map's nodes never move,
     * so the pointer stays good as it grows. */
    std::string last_value;
    Xapian::doccount *last_count = nullptr;

    void count(std::string &&v)
    {
        if (last_count && v == last_value) {
            ++*last_count;
            return;
        }
        last_count = &counts[v];
        ++*last_count;
        last_value = std::move(v);
    }

  public:
    std::unordered_map<std::string, Xapian::doccount> counts;

    na__stream_spy(const Xapian::Database &db, Xapian::valueno s)
        : it(db.valuestream_begin(s)), end(db.valuestream_end(s)), slot(s)
    {
    }

    void operator()(const Xapian::Document &doc, double) override
    {
        Xapian::docid did = doc.get_docid();
        if (did <= last) {
            std::string v = doc.get_value(slot);
            if (!v.empty())
                count(std::move(v));
            return;
        }
        add(did);
    }

    /* Counts document DID, after every one counted so far: as the
     * matcher would show it, without a Document (a posting list's walk). */
    void add(Xapian::docid did)
    {
        last = did;
        if (it != end && it.get_docid() < did)
            it.skip_to(did);
        if (it != end && it.get_docid() == did)
            count(*it);
    }
};

/* The stock spy for shards that are all remote: each xapian-tcpsrv
 * counts its own matches with the stock spy it rebuilds from this one's
 * name and slot, and merge_results() adds its counts here.  Xapian 1.4's
 * matcher skips remote documents when it calls spies, except for a hit
 * that sorts below the page while the page is full (with any sort but
 * pure relevance, which newsarc never uses), which it shows the spy
 * again: a count of its own would count such hits twice.  So this one
 * counts nothing itself, and a run with a page counts exactly. */
class na__server_spy : public Xapian::ValueCountMatchSpy {
  public:
    explicit na__server_spy(Xapian::valueno s) : Xapian::ValueCountMatchSpy(s) {}

    void operator()(const Xapian::Document &, double) override {}
};

/* A facet's spy in the last run: the stock one, the local one, or
 * neither (counted from term frequencies). */
class na__table_spy;
struct na__spy {
    Xapian::ValueCountMatchSpy *stock;
    na__stream_spy *local;
    na__table_spy *table;
};

/* The ranks of SLOT in DB as it is open now, from CACHE when they are of
 * this revision, else read anew: every value of the slot, sorted. */
static std::shared_ptr<const na__ranks> na__ranks_for(na__rank_cache &cache, const Xapian::Database &db,
                                                      Xapian::valueno slot)
{
    cache.sync(db);
    if (cache.ranks && cache.ranks->slot == slot)
        return cache.ranks;
    auto r = std::make_shared<na__ranks>();
    r->slot = slot;
    std::vector<std::pair<std::string, Xapian::docid>> values;
    values.reserve(db.get_doccount());
    for (Xapian::ValueIterator v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v)
        values.emplace_back(*v, v.get_docid());
    std::sort(values.begin(), values.end());
    r->rank.assign(static_cast<size_t>(db.get_lastdocid()) + 1, 0);
    uint32_t k = 0;
    for (size_t i = 0; i < values.size(); i++) {
        if (i == 0 || values[i].first != values[i - 1].first)
            k++;
        r->rank[values[i].second] = k;
    }
    cache.ranks = r;
    return r;
}

/* The values of facet SLOT in DB as it is open now, from CACHE when they
 * are of this revision, else read anew from the slot's value stream. */
static std::shared_ptr<const na__combos> na__combos_for(na__rank_cache &cache, const Xapian::Database &db,
                                                        Xapian::valueno slot)
{
    cache.sync(db);
    auto have = cache.combos.find(slot);
    if (have != cache.combos.end())
        return have->second;
    auto c = std::make_shared<na__combos>();
    c->id.assign(static_cast<size_t>(db.get_lastdocid()) + 1, 0);
    std::unordered_map<std::string, uint32_t> index;
    for (Xapian::ValueIterator v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
        auto r = index.emplace(*v, static_cast<uint32_t>(c->values.size() + 1));
        if (r.second)
            c->values.push_back(r.first->first);
        c->id[v.get_docid()] = r.first->second;
    }
    cache.combos[slot] = c;
    return c;
}

/* Counts a facet slot's values through its table (na__combos): one
 * counter per distinct value, summed by value when asked. */
class na__table_spy : public Xapian::MatchSpy {
    std::shared_ptr<const na__combos> t;
    std::vector<Xapian::doccount> n; /* by 1 + index into t->values */

  public:
    explicit na__table_spy(std::shared_ptr<const na__combos> table)
        : t(std::move(table)), n(t->values.size() + 1, 0)
    {
    }

    void operator()(const Xapian::Document &doc, double) override
    {
        Xapian::docid d = doc.get_docid();
        if (d < t->id.size())
            ++n[t->id[d]];
    }

    /* Calls FN(value, count) for each value counted. */
    template <class Fn> void each(Fn fn) const
    {
        for (size_t i = 1; i < n.size(); i++)
            if (n[i])
                fn(t->values[i - 1], n[i]);
    }
};

/* A sort key of four bytes, big-endian: a document's rank, which orders
 * as its value does. */
class na__rank_key : public Xapian::KeyMaker {
    std::shared_ptr<const na__ranks> r;

  public:
    explicit na__rank_key(std::shared_ptr<const na__ranks> ranks) : r(std::move(ranks)) {}

    std::string operator()(const Xapian::Document &doc) const override
    {
        Xapian::docid d = doc.get_docid();
        uint32_t k = d < r->rank.size() ? r->rank[d] : 0;
        const char b[4] = { static_cast<char>(k >> 24), static_cast<char>(k >> 16), static_cast<char>(k >> 8),
                            static_cast<char>(k) };
        return std::string(b, 4);
    }
};

struct na_xenquire {
    Xapian::Database db;
    Xapian::Enquire enquire;
    bool local;  /* one database, on this machine: na__stream_spy counts */
    bool remote; /* every shard through xapian-tcpsrv: na__server_spy counts */
    /* Sorted by relevance, equal weights by SORT_SLOT (descending when
     * SORT_DESCENDING): see na__page_by_weight(). */
    bool relevance_then_value = false;
    Xapian::valueno sort_slot = 0;
    bool sort_descending = false;
    /* The reader's tables when it keeps them (na_xdb_keep_ranks()) and
     * is local: Xapian runs a KeyMaker and a spy of ours only in this
     * process. */
    std::shared_ptr<na__rank_cache> ranks;
    /* Facet counting uses one spy per facet, Xapian's stock
     * ValueCountMatchSpy or, over one local database, na__stream_spy (or
     * na__table_spy, reading the reader's table of the slot): a
     * multi-valued field keeps all of a document's values packed in one
     * slot, so the spy counts distinct combinations, each split
     * afterwards into its values.  A document holds each value once in
     * its combination, so the sums are exact, and since xapian-tcpsrv
     * rebuilds the stock spies for remote shards, exact remotely too; the
     * cost is one value read per match and facet, whatever the number of
     * values a document has. */
    std::vector<na__facet> facets;
    /* The spies of the last run, one a facet, owned by the enquire; new
     * spies each run because a spy's counts only ever grow.  Empty before
     * a run, or after one that failed to set them all up. */
    std::vector<na__spy> spies;
    /* The time limit set, in seconds (0: none), for a second enquire. */
    double time_limit = 0;
    /* The run that counted the last run's matches without weights, when
     * it was split (see na_xenquire_run); it owns the spies then. */
    std::unique_ptr<Xapian::Enquire> counter;
    /* The reader's na_xdb_declare_single_term() prefixes, when local. */
    std::shared_ptr<const na__single_terms_t> single_terms;

    na_xenquire(const Xapian::Database &d, bool l, bool r) : db(d), enquire(d), local(l), remote(r)
    {
        enquire.set_query(na__match_all());
    }
};

namespace {

/* ---- the indexer ---- */

/* The stem of WORD for a "Z" term (length 0: none), through the cache: a
 * miss runs the stopper and the stemmer once per distinct word. */
const char *na__stem(na_xindexer_t *ix, const std::string &word, size_t *len)
{
    uint32_t h;
    const char *stem;
    if (ix->stems.find(word, &h, &stem, len))
        return stem;
    std::string s;
    if (!ix->stopwords.count(word) && na__should_stem(word))
        s = ix->stemmer(word);
    *len = s.size();
    return ix->stems.insert(word, h, s);
}

/* Adds ix->word to the document, as TermGenerator's STEM_SOME with
 * STOP_STEMMED: the word with the next position, then Z + prefix + stem. */
void na__add_word(na_xindexer_t *ix, const char *prefix, size_t plen, unsigned wdf_inc)
{
    const std::string &word = ix->word;
    if (word.size() > NA__MAX_WORD)
        return;
    Xapian::Document &doc = ix->doc->doc;
    std::string &term = ix->term;
    term.assign(prefix, plen);
    term += word;
    doc.add_posting(term, ++ix->pos, wdf_inc);
    if (!ix->stemming)
        return;
    size_t slen;
    const char *stem = na__stem(ix, word, &slen);
    if (slen == 0)
        return;
    term.assign(1, 'Z');
    term.append(prefix, plen);
    term.append(stem, slen);
    doc.add_term(term, wdf_inc);
}

/* Splits TEXT into words and adds each.  A word starts at a word character
 * (letters, marks, numbers, '_'), lower-cased as it goes, and is either:
 * - an acronym: single ASCII capitals separated by dots ("U.S.A." gives
 *   "usa"), at least two, not followed by a word character;
 * - a run of word characters, joined across one infix character with a
 *   word character on both sides ("AT&T", "don't", "1,000.5"), then up to
 *   three '+' or '#' unless a word character follows ("c++", "c#"). */
void na__split(na_xindexer_t *ix, const unsigned char *p, const unsigned char *end, const char *prefix,
               size_t plen, unsigned wdf_inc)
{
    std::string &word = ix->word;
    unsigned n = 0; /* length in bytes of the character at p */
    for (;;) {
        unsigned ch; /* the lower-cased character at p */
        for (;;) {
            if (p == end)
                return;
            ch = na__word_lower(na__char_at(p, end, &n));
            if (ch)
                break;
            p += n;
        }
        word.clear();

        if (*p >= 'A' && *p <= 'Z') {
            const unsigned char *q = p;
            do {
                word += static_cast<char>(*q++ - 'A' + 'a');
            } while (q != end && *q == '.' && ++q != end && *q >= 'A' && *q <= 'Z');
            /* One capital is no acronym: "M&S" must reach the infix rule. */
            unsigned qn;
            if (word.size() > 1 && (q == end || !na__word_lower(na__char_at(q, end, &qn)))) {
                p = q;
                goto end_of_word;
            }
            word.clear();
        }

        for (;;) {
            unsigned prev;
            do {
                na__append(word, ch);
                prev = ch;
                p += n;
                if (p == end)
                    goto end_of_word;
                ch = na__word_lower(na__char_at(p, end, &n));
            } while (ch);

            /* p is at a character that is not a word character: an infix
             * if a word character follows it. */
            unsigned raw = na__char_at(p, end, &n);
            const unsigned char *next = p + n;
            if (next == end)
                break;
            unsigned next_n;
            unsigned next_raw = na__char_at(next, end, &next_n);
            unsigned next_ch = na__word_lower(next_raw);
            if (!next_ch)
                break;
            unsigned infix = na__is_digit(prev) && na__is_digit(next_raw) ? na__infix_digit(raw) : na__infix(raw);
            if (!infix)
                break;
            if (infix != NA__IGNORE)
                na__append(word, infix);
            ch = next_ch;
            p = next;
            n = next_n;
        }

        {
            /* p is at the character that ended the word, inside TEXT. */
            size_t len = word.size();
            unsigned count = 0;
            while (na__is_suffix(*p)) {
                if (++count > 3) {
                    word.resize(len);
                    break;
                }
                word += static_cast<char>(*p);
                if (++p == end)
                    goto end_of_word;
            }
            /* "fish+chips" is two words, not "fish+" and "chips". */
            if (na__word_lower(na__char_at(p, end, &n)))
                word.resize(len);
        }

    end_of_word:
        na__add_word(ix, prefix, plen, wdf_inc);
    }
}

na_status_t na__indexer_new(const char *language, bool reference, na_xindexer_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        std::unique_ptr<na_xindexer_t> ix(new na_xindexer_t);
        ix->stemmer = make_stem(language);
        ix->stemming = !ix->stemmer.is_none();
        /* TermGenerator reads this variable too (CJK::is_cjk_enabled). */
        const char *cjk = std::getenv("XAPIAN_CJK_NGRAM");
        if (reference || (cjk && *cjk)) {
            ix->tg.reset(new Xapian::TermGenerator);
            ix->tg->set_stemmer(ix->stemmer);
            ix->tg->set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
            ix->tg->set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);
        }
        *out = ix.release();
    });
}

/* Runs a QueryParser registration, keeping the first error it raises. */
template <typename Fn>
void na__register(na_xqp_t *qp, const char *field, Fn &&fn)
{
    must([&] {
        try {
            fn();
        } catch (const Xapian::InvalidOperationError &e) {
            if (qp->pending_error.empty())
                qp->pending_error = std::string("field '") + field + "': " + e.get_msg();
        }
    });
}

/* The hit I of MSET, which must exist: MSet's operator[] checks nothing. */
Xapian::MSetIterator na__hit(const na_xmset_t *mset, size_t i)
{
    if (i >= mset->size)
        na__fail(NA_ERR_INVALID, "no hit " + std::to_string(i) + " in a page of " + std::to_string(mset->size));
    Xapian::doccount at = mset->first + static_cast<Xapian::doccount>(i);
    return mset->mset[mset->order.empty() ? at : mset->order[at]];
}

} // namespace

/* ---- everything C sees ---- */

extern "C" {

const char *na_x_version(void)
{
    return Xapian::version_string();
}

bool na_x_language_known(const char *language)
{
    try {
        (void)make_stem(language);
        return true;
    } catch (...) {
        return false;
    }
}

char *na_x_utf8_lower(const char *s, size_t len)
{
    return quietly<char *>(nullptr, [&] {
        std::string out;
        out.reserve(len);
        const unsigned char *p = reinterpret_cast<const unsigned char *>(s), *end = p + len;
        while (p < end) {
            unsigned n;
            unsigned c = na__char_at(p, end, &n);
            /* A byte na__decode read as Latin-1 is not UTF-8: copy it. */
            if (c >= 0x80 && n == 1)
                out += static_cast<char>(*p);
            else
                na__append(out, Xapian::Unicode::tolower(c));
            p += n;
        }
        return copy_string(out, nullptr);
    });
}

/* ---- writable database ---- */

na_status_t na_xwdb_open(const char *path, unsigned flags, na_xwdb_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        int x = (flags & NA_XWDB_CREATE) ? (Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS) : Xapian::DB_OPEN;
        if (flags & NA_XWDB_WAIT_LOCK)
            x |= Xapian::DB_RETRY_LOCK;
        *out = new na_xwdb_t{ Xapian::WritableDatabase(path, x) };
    });
}

na_status_t na_xwdb_close(na_xwdb_t *db, na_error_t *err)
{
    if (!db)
        return NA_OK;
    /* close() commits unless a transaction is open, and reports a failed
     * commit, which the destructor would swallow. */
    na_status_t st = guarded(err, [&] { db->db.close(); });
    delete db;
    return st;
}

na_status_t na_xwdb_commit(na_xwdb_t *db, na_error_t *err)
{
    return guarded(err, [&] { db->db.commit(); });
}

na_status_t na_xwdb_replace(na_xwdb_t *db, const char *unique_term, const na_xdoc_t *doc, na_error_t *err)
{
    return guarded(err, [&] { db->db.replace_document(unique_term, doc->doc); });
}

na_status_t na_xwdb_add(na_xwdb_t *db, const na_xdoc_t *doc, na_error_t *err)
{
    return guarded(err, [&] { db->db.add_document(doc->doc); });
}

na_status_t na_x_compact(const char *const *paths, size_t count, const char *out, na_error_t *err)
{
    return guarded(err, [&] {
        Xapian::Database all;
        for (size_t i = 0; i < count; i++)
            all.add_database(Xapian::Database(paths[i], Xapian::DB_BACKEND_GLASS));
        /* FULL, not FULLER: later runs update the merged database, and
         * oversize items would make every such update split blocks. */
        all.compact(out, Xapian::Compactor::FULL);
    });
}

na_status_t na_xwdb_delete(na_xwdb_t *db, const char *unique_term, na_error_t *err)
{
    return guarded(err, [&] { db->db.delete_document(unique_term); });
}

na_status_t na_xwdb_find(na_xwdb_t *db, const char *term, na_docid_t *docid, na_error_t *err)
{
    return guarded(err, [&] { *docid = find_term(db->db, term); });
}

na_status_t na_xwdb_get_value(na_xwdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len,
                              na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(db->db.get_document(docid).get_value(slot), len); });
}

na_status_t na_xwdb_get_data(na_xwdb_t *db, na_docid_t docid, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(db->db.get_document(docid).get_data(), len); });
}

na_status_t na_xwdb_get_data_value(na_xwdb_t *db, na_docid_t docid, na_slot_t slot, char **data, size_t *data_len,
                                   char **value, size_t *value_len, na_error_t *err)
{
    *data = nullptr;
    *value = nullptr;
    na_status_t st = guarded(err, [&] {
        Xapian::Document doc = db->db.get_document(docid);
        std::string d = doc.get_data(), v = doc.get_value(slot);
        *data = copy_string(d, data_len);
        *value = copy_string(v, value_len);
    });
    if (st) {
        free(*data);
        free(*value);
        *data = *value = nullptr;
    }
    return st;
}

na_status_t na_xwdb_postings(na_xwdb_t *db, const char *term, na_docid_t **out, size_t *count, na_error_t *err)
{
    *out = nullptr;
    *count = 0;
    return guarded(err, [&] { *out = postings(db->db, term, count); });
}

na_status_t na_xwdb_each_term(na_xwdb_t *db, const char *prefix,
                              bool (*fn)(const char *term, size_t len, unsigned freq, void *ud), void *ud,
                              na_error_t *err)
{
    return guarded(err, [&] {
        const std::string pfx = prefix ? prefix : "";
        /* Copied first: FN may change the database, which would
         * invalidate a live iterator. */
        std::vector<std::pair<std::string, unsigned>> terms;
        for (Xapian::TermIterator t = db->db.allterms_begin(pfx); t != db->db.allterms_end(pfx); ++t)
            terms.emplace_back(*t, t.get_termfreq());
        for (const auto &t : terms)
            if (!fn(t.first.c_str(), t.first.size(), t.second, ud))
                break;
    });
}

na_status_t na_xwdb_each_metadata(na_xwdb_t *db, const char *prefix,
                                  bool (*fn)(const char *key, const char *value, size_t len, void *ud), void *ud,
                                  na_error_t *err)
{
    return guarded(err, [&] {
        const std::string pfx = prefix ? prefix : "";
        std::vector<std::pair<std::string, std::string>> items;
        for (Xapian::TermIterator k = db->db.metadata_keys_begin(pfx); k != db->db.metadata_keys_end(pfx); ++k)
            items.emplace_back(*k, db->db.get_metadata(*k));
        for (const auto &kv : items)
            if (!fn(kv.first.c_str(), kv.second.data(), kv.second.size(), ud))
                break;
    });
}

na_status_t na_xwdb_update(na_xwdb_t *db, na_docid_t docid, const char *drop_prefix, const char *const *terms,
                           size_t count, const void *data, size_t len, na_error_t *err)
{
    return guarded(err, [&] {
        Xapian::Document doc = db->db.get_document(docid);
        std::vector<std::string> drop;
        for (auto it = doc.termlist_begin(); it != doc.termlist_end(); ++it) {
            if (!drop_prefix || !*drop_prefix)
                break;
            it.skip_to(drop_prefix);
            if (it == doc.termlist_end() || (*it).compare(0, std::strlen(drop_prefix), drop_prefix) != 0)
                break;
            drop.push_back(*it);
        }
        for (const auto &t : drop)
            doc.remove_term(t);
        for (size_t i = 0; i < count; i++)
            if (terms[i][0] && std::strlen(terms[i]) <= 245)
                doc.add_boolean_term(terms[i]);
        doc.set_data(std::string(static_cast<const char *>(data), len));
        db->db.replace_document(docid, doc);
    });
}

na_status_t na_xwdb_delete_docid(na_xwdb_t *db, na_docid_t docid, na_error_t *err)
{
    return guarded(err, [&] { db->db.delete_document(docid); });
}

na_status_t na_xwdb_get_metadata(na_xwdb_t *db, const char *key, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(get_metadata(db->db, key), len); });
}

na_status_t na_xwdb_set_metadata(na_xwdb_t *db, const char *key, const void *value, size_t len, na_error_t *err)
{
    return guarded(err, [&] {
        if (!key || !*key)
            na__fail(NA_ERR_INVALID, "empty metadata key");
        db->db.set_metadata(key, std::string(static_cast<const char *>(value), len));
    });
}

unsigned na_xwdb_doccount(na_xwdb_t *db)
{
    return quietly(0u, [&] { return db->db.get_doccount(); });
}

/* ---- read-only database ---- */

/* The generation the stub directory at PATH names ("" when PATH is not
 * one), read as Xapian reads it: its first "auto" or "glass" line. */
static std::string stub_line(const std::string &path)
{
    std::FILE *f = std::fopen((path + "/XAPIANDB").c_str(), "r");
    if (!f)
        return "";
    char line[4096];
    std::string target;
    while (target.empty() && std::fgets(line, sizeof line, f)) {
        std::string l(line);
        while (!l.empty() && (l.back() == '\n' || l.back() == '\r' || l.back() == ' '))
            l.pop_back();
        for (const char *kind : { "auto ", "glass " })
            if (l.compare(0, std::strlen(kind), kind) == 0)
                target = l.substr(std::strlen(kind));
    }
    std::fclose(f);
    return target;
}

char *na_xdb_stub_target(const char *path)
{
    std::string t;
    try {
        t = stub_line(path);
    } catch (...) {
        return nullptr;
    }
    if (t.empty())
        return nullptr;
    std::string full = t[0] == '/' ? t : std::string(path) + "/" + t;
    return strdup(full.c_str());
}

na_status_t na_xdb_open(const char *const *specs, size_t count, na_xdb_t **out, na_error_t *err)
{
    return na_xdb_open_with(specs, count, nullptr, out, err);
}

na_status_t na_xdb_open_with(const char *const *specs, size_t count, const na_xdb_remote_t *remote, na_xdb_t **out,
                             na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        if (count == 0)
            na__fail(NA_ERR_INVALID, "no database to open");
        std::unique_ptr<na_xdb_t> h(new na_xdb_t);
        if (remote)
            h->remote = *remote;
        /* 0 is Xapian's default; its unit is the millisecond. */
        useconds_t idle = h->remote.timeout_ms ? h->remote.timeout_ms : 10000;
        useconds_t connect = h->remote.connect_timeout_ms ? h->remote.connect_timeout_ms : 10000;
        for (size_t i = 0; i < count; i++) {
            const char *spec = specs[i];
            h->specs.push_back(spec);
            h->stubs.push_back(std::strncmp(spec, "tcp:", 4) != 0 ? stub_line(spec) : "");
            if (std::strncmp(spec, "tcp:", 4) != 0) {
                h->shards.push_back(Xapian::Database(spec));
                h->db.add_database(h->shards.back());
                continue;
            }
            /* tcp:HOST:PORT; the last colon, so that HOST may hold some. */
            const char *colon = std::strrchr(spec + 4, ':');
            const char *digits = colon ? colon + 1 : "";
            char *stop = nullptr;
            unsigned long port = std::strtoul(digits, &stop, 10);
            if (!colon || colon == spec + 4 || *digits < '0' || *digits > '9' || *stop || port == 0 ||
                port > 65535)
                na__fail(NA_ERR_INVALID, std::string("remote database '") + spec + "' is not tcp:HOST:PORT");
            std::string host(spec + 4, static_cast<size_t>(colon - (spec + 4)));
            h->shards.push_back(Xapian::Remote::open(host, static_cast<unsigned>(port), idle, connect));
            h->db.add_database(h->shards.back());
        }
        *out = h.release();
    });
}

na_status_t na_xdb_combine(na_xdb_t *const *parts, size_t count, na_xdb_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        if (count == 0)
            na__fail(NA_ERR_INVALID, "no database to open");
        std::unique_ptr<na_xdb_t> h(new na_xdb_t);
        h->remote = parts[0]->remote;
        for (size_t i = 0; i < count; i++) {
            h->db.add_database(parts[i]->db);
            h->shards.insert(h->shards.end(), parts[i]->shards.begin(), parts[i]->shards.end());
            h->specs.insert(h->specs.end(), parts[i]->specs.begin(), parts[i]->specs.end());
            h->stubs.insert(h->stubs.end(), parts[i]->stubs.begin(), parts[i]->stubs.end());
        }
        *out = h.release();
    });
}

void na_xdb_close(na_xdb_t *db)
{
    /* Only the handle: result sets and parsers hold their own references
     * to the shards, which close with the last of them. */
    delete db;
}

bool na_xdb_stub_changed(na_xdb_t *db)
{
    return quietly(false, [&] {
        for (size_t i = 0; i < db->specs.size(); i++)
            if (db->specs[i].compare(0, 4, "tcp:") != 0 && stub_line(db->specs[i]) != db->stubs[i])
                return true;
        return false;
    });
}

na_status_t na_xdb_reopen(na_xdb_t *db, na_error_t *err)
{
    return na_xdb_refresh(db, NULL, err);
}

/* Reopens DB's shards, all remote, each from its own thread: Xapian
 * reopens sub-databases one after another, a round trip each, which a
 * long-running reader pays before every request.  The shards share their
 * connections with DB's combined handle.  Returns whether any moved;
 * rethrows the first shard's exception. */
static bool reopen_remotes(na_xdb_t *db)
{
    size_t n = db->shards.size();
    std::vector<char> moved(n, 0);
    std::vector<std::exception_ptr> failed(n);
    std::vector<std::thread> threads;
    auto reopen = [&](size_t i) {
        try {
            moved[i] = db->shards[i].reopen();
        } catch (...) {
            failed[i] = std::current_exception();
        }
    };
    for (size_t i = 1; i < n; i++) {
        try {
            threads.emplace_back(reopen, i);
        } catch (const std::system_error &) {
            reopen(i); /* no thread: here, in turn */
        }
    }
    reopen(0);
    for (std::thread &t : threads)
        t.join();
    for (const std::exception_ptr &e : failed)
        if (e)
            std::rethrow_exception(e);
    return std::find(moved.begin(), moved.end(), 1) != moved.end();
}

/* Moves DB to the latest revision of the databases it has open, and
 * drops what it remembers of the one it leaves; whether it moved. */
static bool reopen_revision(na_xdb_t *db)
{
    bool moved = na_xdb_all_remote(db) && db->shards.size() > 1 ? reopen_remotes(db) : db->db.reopen();
    if (moved)
        db->kept.clear();
    return moved;
}

na_status_t na_xdb_refresh(na_xdb_t *db, bool *changed, na_error_t *err)
{
    if (changed)
        *changed = true;
    return guarded(err, [&] {
        if (!na_xdb_stub_changed(db)) {
            bool moved = reopen_revision(db);
            if (changed)
                *changed = moved;
            return;
        }
        db->kept.clear();
        /* reopen() keeps the generation it has open: open them anew. */
        std::vector<const char *> specs;
        for (const auto &s : db->specs)
            specs.push_back(s.c_str());
        na_xdb_t *fresh = nullptr;
        na_error_t e;
        na_status_t st = na_xdb_open_with(specs.data(), specs.size(), &db->remote, &fresh, &e);
        if (st)
            na__fail(st, e.message);
        std::swap(db->db, fresh->db);
        std::swap(db->shards, fresh->shards);
        std::swap(db->stubs, fresh->stubs);
        delete fresh;
        if (db->ranks)
            db->ranks->valid = false;
    });
}

na_status_t na_xdb_refresh_revision(na_xdb_t *db, bool *changed, na_error_t *err)
{
    if (changed)
        *changed = true;
    return guarded(err, [&] {
        bool moved = reopen_revision(db);
        if (changed)
            *changed = moved;
    });
}

void na_xdb_keep_ranks(na_xdb_t *db)
{
    must([&] {
        if (!db->ranks)
            db->ranks = std::make_shared<na__rank_cache>();
    });
}

bool na_xdb_all_remote(na_xdb_t *db)
{
    for (const std::string &spec : db->specs)
        if (spec.compare(0, 4, "tcp:") != 0)
            return false;
    return true;
}

unsigned na_xdb_doccount(na_xdb_t *db)
{
    return quietly(0u, [&] { return db->db.get_doccount(); });
}

na_status_t na_xdb_find(na_xdb_t *db, const char *term, na_docid_t *docid, na_error_t *err)
{
    return guarded(err, [&] { *docid = find_term(db->db, term); });
}

na_status_t na_xdb_postings(na_xdb_t *db, const char *term, na_docid_t **out, size_t *count, na_error_t *err)
{
    *out = nullptr;
    *count = 0;
    return guarded(err, [&] { *out = postings(db->db, term, count); });
}

na_status_t na_xdb_get_data(na_xdb_t *db, na_docid_t docid, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(db->db.get_document(docid).get_data(), len); });
}

na_status_t na_xdb_get_value(na_xdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len,
                             na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(db->db.get_document(docid).get_value(slot), len); });
}

na_status_t na_xdb_get_metadata(na_xdb_t *db, const char *key, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        auto kept = db->kept.find(key);
        if (kept == db->kept.end() && db->kept_keys.count(key)) {
            /* Read once and remembered, found or not. */
            std::pair<bool, std::string> v(false, std::string());
            for (Xapian::Database &shard : db->shards) {
                std::string value = shard.get_metadata(key);
                if (!value.empty()) {
                    v = std::make_pair(true, std::move(value));
                    break;
                }
            }
            kept = db->kept.emplace(key, std::move(v)).first;
        }
        if (kept != db->kept.end()) {
            if (!kept->second.first)
                na__fail(NA_ERR_NOT_FOUND, std::string("no metadata '") + key + "'");
            *out = copy_string(kept->second.second, len);
            return;
        }
        /* A combined database answers from its first shard only, but each
         * shard may hold what the caller wants (the dictionary its own
         * articles were compressed with). */
        for (Xapian::Database &shard : db->shards) {
            try {
                *out = copy_string(get_metadata(shard, key), len);
                return;
            } catch (const na__failure &f) {
                if (f.code != NA_ERR_NOT_FOUND)
                    throw;
            }
        }
        na__fail(NA_ERR_NOT_FOUND, std::string("no metadata '") + key + "'");
    });
}

void na_xdb_declare_single_term(na_xdb_t *db, const char *prefix, size_t digits)
{
    if (prefix && *prefix && digits)
        must([&] { db->single_terms->emplace_back(prefix, digits); });
}

void na_xdb_keep_metadata(na_xdb_t *db, const char *key)
{
    if (key && *key)
        must([&] { db->kept_keys.insert(key); });
}

na_status_t na_xdb_each_term(na_xdb_t *db, const char *prefix,
                             bool (*fn)(const char *term, size_t len, unsigned freq, void *ud), void *ud,
                             na_error_t *err)
{
    return guarded(err, [&] {
        const std::string pfx = prefix ? prefix : "";
        for (Xapian::TermIterator t = db->db.allterms_begin(pfx); t != db->db.allterms_end(pfx); ++t) {
            const std::string term = *t;
            if (!fn(term.c_str(), term.size(), t.get_termfreq(), ud))
                break;
        }
    });
}

/* ---- documents ---- */

na_xdoc_t *na_xdoc_new(void)
{
    na_xdoc_t *doc = nullptr;
    must([&] { doc = new na_xdoc_t; });
    return doc;
}

void na_xdoc_free(na_xdoc_t *doc)
{
    delete doc;
}

void na_xdoc_clear(na_xdoc_t *doc)
{
    must([&] { doc->doc = Xapian::Document(); });
}

void na_xdoc_set_data(na_xdoc_t *doc, const void *data, size_t len)
{
    must([&] { doc->doc.set_data(std::string(static_cast<const char *>(data), len)); });
}

void na_xdoc_add_packed_value(na_xdoc_t *doc, na_slot_t slot, const char *const *items, size_t count)
{
    must([&] {
        std::vector<std::string> v;
        for (size_t i = 0; i < count; i++)
            if (items[i][0])
                v.emplace_back(items[i]);
        std::sort(v.begin(), v.end());
        v.erase(std::unique(v.begin(), v.end()), v.end());
        if (v.empty())
            return;
        std::string packed;
        for (const std::string &item : v) {
            size_t n = item.size();
            for (; n >= 0x80; n >>= 7)
                packed += static_cast<char>((n & 0x7f) | 0x80);
            packed += static_cast<char>(n);
            packed += item;
        }
        doc->doc.add_value(slot, packed);
    });
}

void na_xdoc_add_boolean_term(na_xdoc_t *doc, const char *term)
{
    /* Glass refuses terms over 245 bytes, but only at commit, failing the
     * whole batch; such a term cannot be typed into a query anyway. */
    size_t n = std::strlen(term);
    if (n == 0 || n > 245)
        return;
    must([&] { doc->doc.add_boolean_term(std::string(term, n)); });
}

void na_xdoc_add_value(na_xdoc_t *doc, na_slot_t slot, const void *value, size_t len)
{
    must([&] { doc->doc.add_value(slot, std::string(static_cast<const char *>(value), len)); });
}

/* ---- free-text indexing ---- */

na_status_t na_xindexer_new(const char *language, na_xindexer_t **out, na_error_t *err)
{
    return na__indexer_new(language, false, out, err);
}

void na_xindexer_free(na_xindexer_t *ix)
{
    delete ix;
}

void na_xindexer_set_stopwords(na_xindexer_t *ix, const char *const *words, size_t count)
{
    must([&] {
        ix->stopwords.clear();
        for (size_t i = 0; i < count; i++)
            ix->stopwords.insert(words[i]);
        /* Cached entries record whether their word was a stopword. */
        ix->stems.clear();
        if (ix->tg)
            ix->tg->set_stopper(count ? make_stopper(words, count) : nullptr);
    });
}

void na_xindexer_begin(na_xindexer_t *ix, na_xdoc_t *doc)
{
    ix->doc = doc;
    ix->pos = 0;
}

void na_xindexer_index(na_xindexer_t *ix, const char *text, size_t len, const char *prefix, unsigned wdf_inc)
{
    if (!ix->doc)
        NA_BUG("na_xindexer_index without na_xindexer_begin");
    if (!prefix)
        prefix = "";
    must([&] {
        if (ix->tg) {
            ix->tg->set_document(ix->doc->doc);
            ix->tg->set_termpos(ix->pos);
            ix->tg->index_text(Xapian::Utf8Iterator(text, len), wdf_inc, prefix);
            ix->pos = ix->tg->get_termpos();
            return;
        }
        const unsigned char *p = reinterpret_cast<const unsigned char *>(text);
        na__split(ix, p, p + len, prefix, std::strlen(prefix), wdf_inc);
    });
}

void na_xindexer_gap(na_xindexer_t *ix)
{
    /* As TermGenerator::increase_termpos(100). */
    ix->pos += 100;
}

void na_xindexer_end(na_xindexer_t *ix)
{
    ix->doc = nullptr;
    /* A TermGenerator holds a counted reference to the document: drop it
     * here, so that no reference count is touched from two threads once
     * the document moves on.  (The indexer itself holds none.) */
    if (ix->tg)
        must([&] { ix->tg->set_document(Xapian::Document()); });
}

/* ---- queries ---- */

na_xquery_t *na_xquery_match_all(void)
{
    na_xquery_t *q = nullptr;
    must([&] { q = wrap(na__match_all()); });
    return q;
}

na_xquery_t *na_xquery_match_nothing(void)
{
    na_xquery_t *q = nullptr;
    must([&] { q = wrap(Xapian::Query::MatchNothing); });
    return q;
}

na_xquery_t *na_xquery_term(const char *term)
{
    na_xquery_t *q = nullptr;
    must([&] { q = wrap(Xapian::Query(term)); });
    return q;
}

na_xquery_t *na_xquery_value_range(na_slot_t slot, const char *lo, const char *hi)
{
    na_xquery_t *q = nullptr;
    must([&] {
        if (lo && hi)
            q = wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
        else if (lo)
            q = wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
        else if (hi)
            q = wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
        else
            q = wrap(na__match_all());
    });
    return q;
}

na_xquery_t *na_xquery_combine(enum na_xquery_op op, na_xquery_t *a, na_xquery_t *b)
{
    if (!a)
        return b;
    if (!b)
        return a;
    Xapian::Query::op xop = Xapian::Query::OP_AND;
    switch (op) {
    case NA_XQ_AND: xop = Xapian::Query::OP_AND; break;
    case NA_XQ_OR: xop = Xapian::Query::OP_OR; break;
    case NA_XQ_AND_NOT: xop = Xapian::Query::OP_AND_NOT; break;
    case NA_XQ_FILTER: xop = Xapian::Query::OP_FILTER; break;
    }
    /* The result reuses A's handle. */
    must([&] { a->q = Xapian::Query(xop, a->q, b->q); });
    delete b;
    return a;
}

na_xquery_t *na_xquery_copy(const na_xquery_t *q)
{
    na_xquery_t *c = nullptr;
    if (q)
        must([&] { c = wrap(q->q); });
    return c;
}

void na_xquery_free(na_xquery_t *q)
{
    delete q;
}

char *na_xquery_describe(const na_xquery_t *q)
{
    return quietly<char *>(nullptr, [&] {
        return copy_string(q ? q->q.get_description() : na__match_all().get_description(), nullptr);
    });
}

/* Q's weight is 0 for every match: a scaling by 0 (shown only in Xapian
 * 1.4's description), a value range, or a combination whose weighted
 * parts all are. */
static bool na__weightless(const Xapian::Query &q)
{
    switch (q.get_type()) {
    case Xapian::Query::OP_SCALE_WEIGHT:
        return q.get_description().compare(0, 10, "Query(0 * ") == 0 ||
               (q.get_num_subqueries() == 1 && na__weightless(q.get_subquery(0)));
    case Xapian::Query::OP_VALUE_RANGE:
    case Xapian::Query::OP_VALUE_GE:
    case Xapian::Query::OP_VALUE_LE:
        return true;
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_AND_NOT:
        /* Only the first part weighs. */
        return q.get_num_subqueries() > 0 && na__weightless(q.get_subquery(0));
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
        for (size_t i = 0; i < q.get_num_subqueries(); i++)
            if (!na__weightless(q.get_subquery(i)))
                return false;
        return q.get_num_subqueries() > 0;
    default:
        return false;
    }
}

bool na_xquery_weightless(const na_xquery_t *q)
{
    return q && quietly(false, [&] { return na__weightless(q->q); });
}

/* ---- query parser ---- */

na_status_t na_xqp_new(na_xdb_t *db, const char *language, na_xqp_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        std::unique_ptr<na_xqp_t> p(new na_xqp_t);
        if (db)
            p->qp.set_database(db->db);
        p->qp.set_stemmer(make_stem(language));
        p->qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        p->qp.set_default_op(Xapian::Query::OP_AND);
        *out = p.release();
    });
}

void na_xqp_free(na_xqp_t *qp)
{
    delete qp;
}

void na_xqp_set_stopwords(na_xqp_t *qp, const char *const *words, size_t count)
{
    must([&] { qp->qp.set_stopper(count ? make_stopper(words, count) : nullptr); });
}

void na_xqp_add_prefix(na_xqp_t *qp, const char *field, const char *prefix)
{
    na__register(qp, field, [&] { qp->qp.add_prefix(field, prefix); });
}

void na_xqp_add_field(na_xqp_t *qp, const char *field, na_xfield_fn fn, void *ud)
{
    /* release() hands the processor to the parser's reference count. */
    na__register(qp, field, [&] {
        std::unique_ptr<na__field_processor> proc(new na__field_processor(fn, ud, &qp->field_error));
        qp->qp.add_boolean_prefix(field, proc.release()->release());
    });
}

na_status_t na_xqp_parse(na_xqp_t *qp, const char *query, na_xquery_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        if (!qp->pending_error.empty())
            na__fail(NA_ERR_INVALID, qp->pending_error);
        const char *p = query ? query : "";
        while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
            p++;
        if (!*p) {
            *out = wrap(na__match_all());
            return;
        }
        const unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_BOOLEAN |
                               Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_LOVEHATE |
                               Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PURE_NOT |
                               Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE;
        qp->field_error.clear();
        Xapian::Query q;
        try {
            na__parser_scope xapians(true);
            q = qp->qp.parse_query(query, flags);
        } catch (const Xapian::QueryParserError &) {
            /* A rejected value may be why the rest failed to parse. */
            if (qp->field_error.empty())
                throw;
        }
        if (!qp->field_error.empty())
            na__fail(NA_ERR_QUERY, qp->field_error);
        *out = wrap(std::move(q));
    });
}

/* ---- wildcards ----
 *
 * Xapian 1.4 leaves a wildcard in the parsed query (OP_WILDCARD) and
 * expands it in each sub-database against that one's terms, weighing the
 * expansion with that one's statistics, so scores depended on how an
 * archive is split.  Here each wildcard becomes, before matching, an OR of
 * the terms the whole database has with its prefix: every layout then runs
 * the same query, and Xapian combines each term's statistics over the
 * shards as for any term.  The 1.4 API gives no access to a wildcard's
 * pattern but its description, "WILDCARD <COMBINER> <PATTERN>", with
 * bytes below 32, 127 and '\' written as \xHH; only the boolean operators
 * the parser puts above a wildcard are rebuilt, and a subtree without a
 * wildcard is kept as it is. */

static bool wildcard_pattern(const Xapian::Query &q, std::string &pattern)
{
    std::string d = q.get_description();
    const std::string head = "Query(WILDCARD ";
    if (d.compare(0, head.size(), head) != 0 || d.empty() || d.back() != ')')
        return false;
    size_t sp = d.find(' ', head.size());
    if (sp == std::string::npos)
        return false;
    std::string raw = d.substr(sp + 1, d.size() - sp - 2);
    pattern.clear();
    for (size_t i = 0; i < raw.size(); i++) {
        if (raw[i] == '\\' && i + 3 < raw.size() && raw[i + 1] == 'x') {
            pattern += static_cast<char>(std::stoi(raw.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else {
            pattern += raw[i];
        }
    }
    return true;
}

static bool has_wildcard(const Xapian::Query &q)
{
    return q.get_description().find("WILDCARD ") != std::string::npos;
}

static Xapian::Query expand_wildcards(const Xapian::Query &q, Xapian::Database &db, unsigned max)
{
    Xapian::Query::op t = q.get_type();
    if (t == Xapian::Query::OP_WILDCARD) {
        std::string pattern;
        if (!wildcard_pattern(q, pattern))
            return q;
        std::vector<Xapian::Query> terms;
        for (auto it = db.allterms_begin(pattern); it != db.allterms_end(pattern); ++it) {
            if (max && terms.size() >= max)
                na__fail(NA_ERR_QUERY, "the wildcard '" + pattern + "*' matches more than " + std::to_string(max) +
                                           " terms: make it longer");
            terms.emplace_back(*it);
        }
        return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
    }
    switch (t) {
    case Xapian::Query::OP_AND:
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_AND_MAYBE:
    case Xapian::Query::OP_FILTER:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
        break;
    default:
        return q; /* parameters the 1.4 API does not give back: left alone */
    }
    if (!has_wildcard(q))
        return q;
    std::vector<Xapian::Query> subs;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        subs.push_back(expand_wildcards(q.get_subquery(i), db, max));
    /* The parser's SYNONYM around one wildcard holds one OR now: the
     * terms keep their own weights, as in any OR. */
    if (t == Xapian::Query::OP_SYNONYM && subs.size() == 1)
        return subs[0];
    return Xapian::Query(t, subs.begin(), subs.end());
}

na_status_t na_xquery_expand_wildcards(na_xquery_t *q, na_xdb_t *db, unsigned max, na_error_t *err)
{
    return guarded(err, [&] {
        if (has_wildcard(q->q))
            q->q = expand_wildcards(q->q, db->db, max);
    });
}

/* ---- searching ---- */

na_status_t na_xenquire_new(na_xdb_t *db, na_xenquire_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        bool local = db->specs.size() == 1 && std::strncmp(db->specs[0].c_str(), "tcp:", 4) != 0 && db->db.size() == 1;
        *out = new na_xenquire_t(db->db, local, na_xdb_all_remote(db));
        if (local) {
            (*out)->ranks = db->ranks;
            (*out)->single_terms = db->single_terms;
        }
    });
}

void na_xenquire_free(na_xenquire_t *enq)
{
    delete enq;
}

void na_xenquire_set_query(na_xenquire_t *enq, const na_xquery_t *q)
{
    must([&] { enq->enquire.set_query(q ? q->q : na__match_all()); });
}

/* A KeyMaker sorting ENQ's matches by SLOT through its reader's ranks,
 * or null (sort by the value itself) when the reader keeps none or they
 * cannot be read now: the match that follows meets the same database
 * error and reports it as every other does. */
static Xapian::KeyMaker *na__rank_sorter(na_xenquire_t *enq, Xapian::valueno slot)
{
    if (!enq->ranks)
        return nullptr;
    std::shared_ptr<const na__ranks> r;
    try {
        r = na__ranks_for(*enq->ranks, enq->db, slot);
    } catch (const Xapian::Error &) {
        return nullptr;
    }
    return (new na__rank_key(std::move(r)))->release();
}

void na_xenquire_set_sort(na_xenquire_t *enq, int slot, bool descending)
{
    must([&] {
        Xapian::valueno s = static_cast<Xapian::valueno>(slot);
        Xapian::KeyMaker *key = slot < 0 ? nullptr : na__rank_sorter(enq, s);
        if (slot < 0)
            enq->enquire.set_sort_by_relevance();
        else if (key)
            enq->enquire.set_sort_by_key_then_relevance(key, descending);
        else
            enq->enquire.set_sort_by_value_then_relevance(s, descending);
        enq->relevance_then_value = false;
    });
}

/* Sorts ENQ by relevance, equal weights by its sort slot: through the
 * reader's ranks when it keeps them, else by the value itself. */
static void na__sort_relevance_then(na_xenquire_t *enq)
{
    Xapian::KeyMaker *key = na__rank_sorter(enq, enq->sort_slot);
    if (key)
        enq->enquire.set_sort_by_relevance_then_key(key, enq->sort_descending);
    else
        enq->enquire.set_sort_by_relevance_then_value(enq->sort_slot, enq->sort_descending);
}

void na_xenquire_set_sort_relevance_then(na_xenquire_t *enq, na_slot_t slot, bool descending)
{
    must([&] {
        enq->relevance_then_value = true;
        enq->sort_slot = static_cast<Xapian::valueno>(slot);
        enq->sort_descending = descending;
        na__sort_relevance_then(enq);
    });
}

int na_xenquire_add_facet(na_xenquire_t *enq, na_slot_t slot, bool packed, const char *prefix)
{
    int index = -1;
    must([&] {
        enq->facets.push_back(na__facet{ slot, packed, prefix ? prefix : "" });
        index = static_cast<int>(enq->facets.size() - 1);
    });
    return index;
}

void na_xenquire_set_time_limit(na_xenquire_t *enq, double seconds)
{
    must([&] {
        enq->enquire.set_time_limit(seconds);
        enq->time_limit = seconds;
    });
}

/* The page OFFSET, LIMIT of ENQ's query as it sorts, with the total of
 * COUNTED, a run that counted every match already (and showed them to
 * the spies): a second run for the page alone, by a new enquire without
 * spies or the need to count. */
static na_xmset_t *na__page_after_count(na_xenquire_t *enq, unsigned offset, unsigned limit, Xapian::MSet counted)
{
    Xapian::Enquire page(enq->db);
    page.set_query(enq->enquire.get_query());
    page.set_sort_by_relevance_then_value(enq->sort_slot, enq->sort_descending);
    std::unique_ptr<na_xmset_t> out(new na_xmset_t(page.get_mset(offset, limit, Xapian::doccount(0))));
    out->counted = std::move(counted);
    out->recounted = true;
    return out.release();
}

/* The page OFFSET, LIMIT of ENQ's weighted query, sorted by relevance
 * then value, from a run by relevance alone: Xapian reads the sort value
 * of every match that might enter the page, where only equal weights
 * need it.  The run takes one match more than the page; each run of
 * equal weights among them is put in order by its values, read for those
 * alone.  When such a run reaches that last match, more equal ones may
 * follow it: the page then comes from a second run. */
static na_xmset_t *na__page_by_weight(na_xenquire_t *enq, unsigned offset, unsigned limit, Xapian::doccount check)
{
    Xapian::doccount n = offset + limit;
    enq->enquire.set_sort_by_relevance();
    Xapian::MSet m;
    try {
        m = enq->enquire.get_mset(0, n + 1, check);
    } catch (...) {
        na__sort_relevance_then(enq);
        throw;
    }
    na__sort_relevance_then(enq);
    std::vector<Xapian::doccount> order;
    for (Xapian::doccount a = 0, b; a < m.size() && a < n; a = b) {
        double w = m[a].get_weight();
        for (b = a + 1; b < m.size() && m[b].get_weight() == w; b++) {
        }
        if (b == a + 1)
            continue;
        if (b > n)
            return na__page_after_count(enq, offset, limit, std::move(m));
        if (order.empty())
            for (Xapian::doccount i = 0; i < m.size(); i++)
                order.push_back(i);
        std::vector<std::pair<std::string, Xapian::docid>> keys;
        for (Xapian::doccount i = a; i < b; i++)
            keys.emplace_back(m[i].get_document().get_value(enq->sort_slot), *m[i]);
        std::vector<Xapian::doccount> idx(order.begin() + a, order.begin() + b);
        std::sort(idx.begin(), idx.end(), [&](Xapian::doccount x, Xapian::doccount y) {
            const auto &kx = keys[x - a], &ky = keys[y - a];
            int c = kx.first.compare(ky.first);
            if (c != 0)
                return enq->sort_descending ? c > 0 : c < 0;
            return kx.second < ky.second;
        });
        std::copy(idx.begin(), idx.end(), order.begin() + a);
    }
    std::unique_ptr<na_xmset_t> out(new na_xmset_t(std::move(m), offset, limit));
    out->order = std::move(order);
    return out.release();
}

/* Sets up ENQ's spies for a run, new ones each time since a spy's counts
 * only grow; true when some facet needs its spy to see every match. */
static bool na__arm_spies(na_xenquire_t *enq, Xapian::Enquire &target)
{
    enq->enquire.clear_matchspies();
    target.clear_matchspies();
    enq->spies.clear();
    /* Every document matches: the documents holding a value are those
     * its term indexes, which Xapian counts without visiting them. */
    bool all = na__matches_all(enq->enquire.get_query());
    bool spied = false;
    std::vector<na__spy> spies;
    for (const na__facet &f : enq->facets) {
        na__spy spy = { nullptr, nullptr, nullptr };
        if (all && !f.prefix.empty()) {
            spies.push_back(spy);
            continue;
        }
        /* Owned by the enquire from add_matchspy() on, even if it throws. */
        if (enq->ranks) {
            std::unique_ptr<na__table_spy> p(new na__table_spy(na__combos_for(*enq->ranks, enq->db, f.slot)));
            spy.table = p.get();
            target.add_matchspy(p.release()->release());
        } else if (enq->local) {
            std::unique_ptr<na__stream_spy> p(new na__stream_spy(enq->db, f.slot));
            spy.local = p.get();
            target.add_matchspy(p.release()->release());
        } else {
            std::unique_ptr<Xapian::ValueCountMatchSpy> p(enq->remote ? new na__server_spy(f.slot)
                                                                      : new Xapian::ValueCountMatchSpy(f.slot));
            spy.stock = p.get();
            target.add_matchspy(p.release()->release());
        }
        spies.push_back(spy);
        spied = true;
    }
    enq->spies = std::move(spies);
    return spied;
}

/* Whether a run of Q by ENQ, whose spies are armed, can count them by
 * walking Q's posting list (na_xenquire_run): Q is one term, over one
 * local database, and every facet that is spied is counted by a stream
 * spy.  Sets *FREQ to the term's frequency, its exact number of matches. */
static bool na__single_term_spies(const na_xenquire_t *enq, const Xapian::Query &q, Xapian::doccount *freq)
{
    if (!enq->local || na__unscaled_type(q) != Xapian::Query::LEAF_TERM)
        return false;
    for (const na__spy &sp : enq->spies)
        if (sp.table || sp.stock)
            return false;
    Xapian::Query u = na__unscaled(q);
    if (u.get_terms_begin() == u.get_terms_end())
        return false;
    *freq = enq->db.get_termfreq(*u.get_terms_begin());
    return true;
}

/* Whether Q holds a phrase or a NEAR, whose matching reads positions. */
static bool na__positional(const Xapian::Query &q)
{
    Xapian::Query::op t = q.get_type();
    if (t == Xapian::Query::OP_PHRASE || t == Xapian::Query::OP_NEAR)
        return true;
    for (size_t i = 0; i < q.get_num_subqueries(); i++)
        if (na__positional(q.get_subquery(i)))
            return true;
    return false;
}

/* Whether Q, under any weight scaling, is an OR, a NOT or their kin,
 * whose weighted matching costs the most over a run without weights. */
static bool na__or_like(const Xapian::Query &q)
{
    switch (na__unscaled_type(q)) {
    case Xapian::Query::OP_OR:
    case Xapian::Query::OP_AND_NOT:
    case Xapian::Query::OP_XOR:
    case Xapian::Query::OP_SYNONYM:
    case Xapian::Query::OP_MAX:
    case Xapian::Query::OP_WILDCARD:
        return true;
    default:
        return false;
    }
}

/* Collects into TERMS the terms of Q when it is one term or an OR of
 * terms (under any weight scaling), each of them a declared single term
 * of one and the same prefix (na_xdb_declare_single_term); false
 * otherwise.  *WHICH is the index of that prefix, -1 before the first. */
static bool na__single_terms(const na_xenquire_t *enq, const Xapian::Query &q, int *which,
                             std::vector<std::string> &terms)
{
    Xapian::Query u = na__unscaled(q);
    if (u.get_type() == Xapian::Query::OP_OR) {
        for (size_t i = 0; i < u.get_num_subqueries(); i++)
            if (!na__single_terms(enq, u.get_subquery(i), which, terms))
                return false;
        return true;
    }
    if (u.get_type() != Xapian::Query::LEAF_TERM)
        return false;
    Xapian::TermIterator t = u.get_terms_begin();
    if (t == u.get_terms_end())
        return false;
    const std::string term = *t;
    for (size_t k = 0; k < enq->single_terms->size(); k++) {
        const auto &st = (*enq->single_terms)[k];
        if (term.size() != st.first.size() + st.second || term.compare(0, st.first.size(), st.first) != 0)
            continue;
        if (!std::all_of(term.begin() + st.first.size(), term.end(), [](char c) { return c >= '0' && c <= '9'; }))
            continue;
        if (*which >= 0 && *which != static_cast<int>(k))
            return false;
        *which = static_cast<int>(k);
        terms.push_back(term);
        return true;
    }
    return false;
}

/* Whether Q is an OR of distinct declared single terms of one prefix
 * (dates: date:1987-03..1987-04 is M198703 OR M198704): no document
 * holds two of them, so its matches are exactly as many as the sum of
 * their term frequencies, which the index holds, and *TOTAL is set to it
 * without visiting a match. */
static bool na__disjoint_count(const na_xenquire_t *enq, const Xapian::Query &q, Xapian::doccount *total)
{
    if (!enq->single_terms || enq->single_terms->empty())
        return false;
    int which = -1;
    std::vector<std::string> terms;
    if (!na__single_terms(enq, q, &which, terms) || terms.size() < 2)
        return false;
    std::sort(terms.begin(), terms.end());
    if (std::adjacent_find(terms.begin(), terms.end()) != terms.end())
        return false; /* a term twice counts once */
    Xapian::doccount sum = 0;
    for (const std::string &t : terms)
        sum += enq->db.get_termfreq(t);
    *total = sum;
    return true;
}

na_status_t na_xenquire_run(na_xenquire_t *enq, unsigned offset, unsigned limit, bool exact, na_xmset_t **out,
                            na_error_t *err)
{
    *out = nullptr;
    na_status_t st = guarded(err, [&] {
        enq->counter.reset();
        bool spied = na__arm_spies(enq, enq->enquire);
        const Xapian::Query &q = enq->enquire.get_query();
        /* Over one local database, a weighted query's page by weight
         * alone when no tie needs the sort value (na__page_by_weight). */
        bool by_weight = limit && enq->local && enq->relevance_then_value && !na__weightless(q);
        /* The page alone, when the total comes from elsewhere: a run
         * that counts nothing beyond it. */
        auto page_alone = [&] {
            return std::unique_ptr<na_xmset_t>(by_weight ? na__page_by_weight(enq, offset, limit, 0)
                                                         : new na_xmset_t(enq->enquire.get_mset(offset, limit, Xapian::doccount(0))));
        };
        /* A query of one term (a word, a field value, or every document)
         * matches as many documents as the term indexes, which Xapian
         * knows without visiting them: it then reports equal bounds, an
         * exact total, and only the page asked for needs ranking.  Facets
         * need every match shown to their spies. */
        if (exact && !spied && na__counted_by_index(q)) {
            std::unique_ptr<na_xmset_t> m = page_alone();
            if (na_xmset_exact(m.get())) {
                *out = m.release();
                return;
            }
        }
        /* One term with facets, each counted by a local stream spy: its
         * posting list walked straight to the spies, not through the
         * matcher, which builds a document for each match; the total is
         * the term's frequency, and the page matched alone.  The walk
         * does not stop at the time limit; the caller's clock still says
         * whether the run took longer. */
        Xapian::doccount freq = 0;
        if (exact && spied && na__single_term_spies(enq, q, &freq)) {
            std::unique_ptr<Xapian::Enquire> counter(new Xapian::Enquire(enq->db));
            enq->counter = std::move(counter);
            na__arm_spies(enq, *enq->counter); /* owned there, never run */
            std::vector<na__stream_spy *> local;
            for (const na__spy &sp : enq->spies)
                if (sp.local)
                    local.push_back(sp.local);
            const std::string term = *na__unscaled(q).get_terms_begin();
            for (Xapian::PostingIterator p = enq->db.postlist_begin(term); p != enq->db.postlist_end(term); ++p)
                for (na__stream_spy *sp : local)
                    sp->add(*p);
            std::unique_ptr<na_xmset_t> m = page_alone();
            m->summed = true;
            m->total = freq;
            *out = m.release();
            return;
        }
        /* An OR of terms no document holds two of: counted from their
         * term frequencies, the page alone matched. */
        Xapian::doccount summed = 0;
        if (exact && !spied && na__disjoint_count(enq, q, &summed)) {
            std::unique_ptr<na_xmset_t> m = page_alone();
            m->summed = true;
            m->total = summed;
            *out = m.release();
            return;
        }
        /* Asking to check at least every document makes the matcher visit
         * all matches: exact totals and facet counts. */
        Xapian::doccount check = exact ? enq->db.get_doccount() : 0;
        /* A weighted query's exact count and facets from a run without
         * weights (BoolWeight, the same matches), the page from one by
         * weight that needs to count nothing: weighing every match costs
         * more than a second, cheap run for the page.  Without facets
         * only for an OR or NOT at the top without phrases (whose
         * positions both runs would read): an AND's weighted run already
         * costs about what a run without weights does. */
        if (exact && by_weight && (spied || (na__or_like(q) && !na__positional(q)))) {
            std::unique_ptr<Xapian::Enquire> counter(new Xapian::Enquire(enq->db));
            counter->set_query(q);
            counter->set_weighting_scheme(Xapian::BoolWeight());
            if (enq->time_limit > 0)
                counter->set_time_limit(enq->time_limit);
            enq->counter = std::move(counter);
            if (spied)
                na__arm_spies(enq, *enq->counter);
            std::unique_ptr<na_xmset_t> m(na__page_by_weight(enq, offset, limit, 0));
            m->counted = enq->counter->get_mset(0, 0, check);
            m->recounted = true;
            *out = m.release();
            return;
        }
        if (by_weight)
            *out = na__page_by_weight(enq, offset, limit, check);
        else
            *out = new na_xmset_t(enq->enquire.get_mset(offset, limit, check));
    });
    if (*out) {
        (*out)->db = enq->db;
        (*out)->query = enq->enquire.get_query();
    }
    return st;
}

na_status_t na_xenquire_facet(na_xenquire_t *enq, int index, size_t max, na_xfacet_count_t **out, size_t *count,
                              na_error_t *err)
{
    *out = nullptr;
    *count = 0;
    return guarded(err, [&] {
        if (index < 0 || static_cast<size_t>(index) >= enq->facets.size())
            na__fail(NA_ERR_INVALID, "no facet " + std::to_string(index));
        const na__facet &f = enq->facets[static_cast<size_t>(index)];
        /* (value, count) pairs; from term frequencies directly, each term
         * being one value, from spies through a sum per value. */
        std::vector<std::pair<std::string, unsigned>> items;
        na__spy spy = { nullptr, nullptr, nullptr };
        bool counted = static_cast<size_t>(index) < enq->spies.size(); /* not before a run */
        if (counted)
            spy = enq->spies[static_cast<size_t>(index)];
        if (!counted) {
            /* nothing counted yet */
        } else if (!spy.stock && !spy.local && !spy.table) {
            for (Xapian::TermIterator t = enq->db.allterms_begin(f.prefix); t != enq->db.allterms_end(f.prefix); ++t)
                if (t.get_termfreq())
                    items.emplace_back((*t).substr(f.prefix.size()), t.get_termfreq());
        } else {
            std::unordered_map<std::string, unsigned> sums;
            std::string item;
            auto add = [&](const std::string &value, unsigned n) {
                if (!f.packed) {
                    sums[value] += n;
                    return;
                }
                const char *p = value.data(), *end = p + value.size();
                while (na__unpack_next(&p, end, item))
                    sums[item] += n;
            };
            if (spy.local)
                for (const auto &c : spy.local->counts)
                    add(c.first, c.second);
            else if (spy.table)
                spy.table->each(add);
            else
                for (Xapian::TermIterator v = spy.stock->values_begin(); v != spy.stock->values_end(); ++v)
                    add(*v, v.get_termfreq());
            items.assign(sums.begin(), sums.end());
        }
        /* Only the first MAX in order: a facet of every person has
         * thousands of values, of which a page shows ten. */
        size_t n = max && max < items.size() ? max : items.size();
        std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(n), items.end(),
                          [](const std::pair<std::string, unsigned> &x, const std::pair<std::string, unsigned> &y) {
                              return x.second != y.second ? x.second > y.second : x.first < y.first;
                          });
        na_xfacet_count_t *arr = static_cast<na_xfacet_count_t *>(std::calloc(n ? n : 1, sizeof *arr));
        if (!arr)
            throw std::bad_alloc();
        try {
            for (size_t i = 0; i < n; i++) {
                arr[i].value = copy_string(items[i].first, nullptr);
                arr[i].count = items[i].second;
            }
        } catch (...) {
            na_xfacet_free(arr, n); /* calloc left the rest NULL */
            throw;
        }
        *out = arr;
        *count = n;
    });
}

void na_xfacet_free(na_xfacet_count_t *counts, size_t count)
{
    if (!counts)
        return;
    for (size_t i = 0; i < count; i++)
        std::free(counts[i].value);
    std::free(counts);
}

void na_xmset_free(na_xmset_t *mset)
{
    delete mset;
}

unsigned na_xmset_total(const na_xmset_t *mset)
{
    if (mset->summed)
        return mset->total;
    return (mset->recounted ? mset->counted : mset->mset).get_matches_estimated();
}

bool na_xmset_exact(const na_xmset_t *mset)
{
    if (mset->summed)
        return true;
    return quietly(false, [&] {
        const Xapian::MSet &m = mset->recounted ? mset->counted : mset->mset;
        return m.get_matches_lower_bound() == m.get_matches_upper_bound();
    });
}

size_t na_xmset_size(const na_xmset_t *mset)
{
    return mset->size;
}

na_docid_t na_xmset_docid(const na_xmset_t *mset, size_t i)
{
    return quietly(0u, [&] { return *na__hit(mset, i); });
}

double na_xmset_weight(const na_xmset_t *mset, size_t i)
{
    return quietly(0.0, [&] { return na__hit(mset, i).get_weight(); });
}

unsigned na_xmset_rank(const na_xmset_t *mset, size_t i)
{
    /* The place in the page, not in MSET's order (see na_xmset.order). */
    return quietly(0u, [&] {
        na__hit(mset, i);
        return mset->mset.get_firstitem() + mset->first + static_cast<Xapian::doccount>(i);
    });
}

na_status_t na_xmset_data(const na_xmset_t *mset, size_t i, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(na__hit(mset, i).get_document().get_data(), len); });
}

na_status_t na_xmset_value(const na_xmset_t *mset, size_t i, na_slot_t slot, char **out, size_t *len,
                           na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(na__hit(mset, i).get_document().get_value(slot), len); });
}

/* Q without what lies under an AND_NOT's right side, or Q itself (and
 * *DROPPED untouched) when it has no AND_NOT.  A branch that held one
 * becomes an OR of what is left: a snippet asks a query only for its
 * terms, and a phrase or a NEAR, which never holds an AND_NOT, is kept
 * whole. */
static Xapian::Query na__without_not(const Xapian::Query &q, bool *dropped)
{
    if (q.get_type() == Xapian::Query::OP_AND_NOT) {
        *dropped = true;
        return na__without_not(q.get_subquery(0), dropped);
    }
    size_t n = q.get_num_subqueries();
    std::vector<Xapian::Query> subs;
    bool any = false;
    for (size_t i = 0; i < n; i++)
        subs.push_back(na__without_not(q.get_subquery(i), &any));
    if (!any)
        return q;
    *dropped = true;
    return Xapian::Query(Xapian::Query::OP_OR, subs.begin(), subs.end());
}

/* The MSet whose query a snippet highlights the terms of.  Xapian's
 * snippet highlights every term of the query, those of "oil NOT opec
 * price" after NOT too, which no matching article is shown for; so a
 * query with an AND_NOT gets, on its first snippet, an empty MSet of the
 * same query without them (na__without_not), which snippets need only
 * for its terms. */
static const Xapian::MSet &na__highlight_mset(const na_xmset_t *mset)
{
    if (!mset->highlight_known) {
        mset->highlight_known = true;
        bool dropped = false;
        Xapian::Query q = na__without_not(mset->query, &dropped);
        if (dropped && !mset->query.empty()) {
            Xapian::Enquire e(mset->db);
            e.set_query(q);
            mset->highlight = e.get_mset(0, 0);
            mset->has_highlight = true;
        }
    }
    return mset->has_highlight ? mset->highlight : mset->mset;
}

/* The index holds words accent-folded (na_utf8_fold()), and so do
 * queries, so Xapian does not see that "Grímsson" in a text matches the
 * query's "grimsson".  The words it highlights in the folded text are
 * found here, and each word of SNIPPET (Xapian's snippet of the text as
 * written) that folds to one of them is highlighted too: the snippet
 * shows the original spelling. */
static bool snippet_word_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

static std::string fold_lower(const std::string &w)
{
    std::string f(w.size() + 1, '\0');
    f.resize(na_utf8_fold(w.data(), w.size(), &f[0]));
    for (auto &c : f)
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
    return f;
}

static std::string highlight_folded(const na_xmset_t *mset, const char *text, size_t len, size_t length,
                                    const std::string &start, const std::string &end, const std::string &omit,
                                    const std::string &snippet)
{
    std::string folded(len + 1, '\0');
    folded.resize(na_utf8_fold(text, len, &folded[0]));
    std::string hs = na__highlight_mset(mset).snippet(folded, length, mset->stem, 0, start, end, omit);
    std::unordered_set<std::string> hits;
    for (size_t i = hs.find(start); i != std::string::npos; i = hs.find(start, i)) {
        size_t a = i + start.size(), b = end.empty() ? std::string::npos : hs.find(end, a);
        if (b == std::string::npos)
            break;
        std::string hit = fold_lower(hs.substr(a, b - a));
        hits.insert(hit);
        /* "grimsson's" is one term to Xapian, two words here */
        for (size_t p = 0, q; p < hit.size(); p = q + 1) {
            for (q = p; q < hit.size() && snippet_word_byte((unsigned char)hit[q]);)
                q++;
            if (q - p >= 2 && q - p < hit.size())
                hits.insert(hit.substr(p, q - p));
        }
        i = b + end.size();
    }
    if (hits.empty())
        return snippet;
    std::string out;
    out.reserve(snippet.size() + 16);
    for (size_t i = 0; i < snippet.size();) {
        if (snippet.compare(i, start.size(), start) == 0) { /* highlighted already */
            size_t b = end.empty() ? std::string::npos : snippet.find(end, i + start.size());
            b = b == std::string::npos ? snippet.size() : b + end.size();
            out.append(snippet, i, b - i);
            i = b;
            continue;
        }
        if (!snippet_word_byte((unsigned char)snippet[i])) {
            out += snippet[i++];
            continue;
        }
        size_t j = i;
        while (j < snippet.size() && snippet_word_byte((unsigned char)snippet[j]) &&
               snippet.compare(j, start.size(), start) != 0)
            j++;
        std::string w = snippet.substr(i, j - i);
        if (hits.count(fold_lower(w)))
            out += start + w + end;
        else
            out += w;
        i = j;
    }
    return out;
}

na_status_t na_xmset_snippet(const na_xmset_t *mset, const char *text, size_t len, size_t length,
                             const char *language, const char *hl_start, const char *hl_end, const char *omit,
                             char **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        const char *lang = language ? language : "";
        if (!mset->has_stem || mset->stem_language != lang) {
            mset->stem = make_stem(lang);
            mset->stem_language = lang;
            mset->has_stem = true;
        }
        const std::string start = hl_start ? hl_start : "", end = hl_end ? hl_end : "";
        /* Xapian returns such a text as it is, without escaping it for
         * HTML, so there is nothing to undo (nor to ask Xapian). */
        if (start.empty() && end.empty() && len <= length) {
            *out = copy_string(text, len, nullptr);
            return;
        }
        /* Not exhaustive: the first good passage will do.  No background
         * model: it would look every word of TEXT up in the database,
         * one B-tree search per distinct word, for every hit shown. */
        std::string s = na__highlight_mset(mset).snippet(std::string(text, len), length, mset->stem, 0, start, end,
                                           omit ? omit : "");
        if (!start.empty() && na_utf8_folds(text, len))
            s = highlight_folded(mset, text, len, length, start, end, omit ? omit : "", s);
        *out = copy_string(unescape_html(s), nullptr);
    });
}

/* ---- for tests only ---- */

na_status_t na_x__indexer_new_reference(const char *language, na_xindexer_t **out, na_error_t *err)
{
    return na__indexer_new(language, true, out, err);
}

void na_x__indexer_set_cache_limit(na_xindexer_t *ix, size_t limit)
{
    ix->stems.limit = limit ? limit : 1;
    ix->stems.clear();
}

char *na_x__doc_dump(const na_xdoc_t *doc)
{
    return quietly<char *>(nullptr, [&] {
        std::string out;
        const Xapian::Document &d = doc->doc;
        for (Xapian::TermIterator t = d.termlist_begin(); t != d.termlist_end(); ++t) {
            out += *t;
            out += ' ';
            out += std::to_string(t.get_wdf());
            out += ' ';
            bool first = true;
            for (Xapian::PositionIterator p = t.positionlist_begin(); p != t.positionlist_end(); ++p) {
                if (!first)
                    out += ',';
                out += std::to_string(*p);
                first = false;
            }
            if (first)
                out += '-';
            out += '\n';
        }
        return copy_string(out, nullptr);
    });
}

} // extern "C"
