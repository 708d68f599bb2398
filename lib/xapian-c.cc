/* xapian-c.cc - the C binding over libxapian (see xapian-c.h).
 *
 * The only C++ in newsarc.  Every exported function runs its body through
 * guarded(), which turns each exception into an na_status_t and a message,
 * so no C++ exception ever unwinds into C frames. */
#include "xapian-c.h"

#include <xapian.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <new>
#include <string>
#include <unordered_map>
#include <vector>

struct na_xdb {
    Xapian::Database db;                 /* all shards as one */
    std::vector<Xapian::Database> shards; /* each, for metadata */
};
struct na_xwdb { Xapian::WritableDatabase db; };
struct na_xdoc { Xapian::Document doc; };
struct na_xquery { Xapian::Query q; };

namespace {

/* Runs FN, mapping every exception to a status and ERR's message. */
template <typename Fn>
na_status_t guarded(na_error_t *err, Fn fn)
{
    try {
        fn();
        return NA_OK;
    } catch (const Xapian::DatabaseLockError &e) {
        return na_error_set(err, NA_ERR_LOCKED, "%s", e.get_msg().c_str());
    } catch (const Xapian::DatabaseNotFoundError &e) {
        return na_error_set(err, NA_ERR_NOT_FOUND, "%s", e.get_msg().c_str());
    } catch (const Xapian::DocNotFoundError &e) {
        return na_error_set(err, NA_ERR_NOT_FOUND, "%s", e.get_msg().c_str());
    } catch (const Xapian::QueryParserError &e) {
        return na_error_set(err, NA_ERR_QUERY, "%s", e.get_msg().c_str());
    } catch (const Xapian::DatabaseCorruptError &e) {
        return na_error_set(err, NA_ERR_CORRUPT, "%s: %s", e.get_type(), e.get_msg().c_str());
    } catch (const Xapian::DatabaseOpeningError &e) {
        return na_error_set(err, NA_ERR_NOT_FOUND, "%s", e.get_msg().c_str());
    } catch (const Xapian::Error &e) {
        return na_error_set(err, NA_ERR_DATABASE, "%s: %s", e.get_type(), e.get_msg().c_str());
    } catch (const std::bad_alloc &) {
        return na_error_set(err, NA_ERR_NOMEM, "out of memory");
    } catch (const std::exception &e) {
        return na_error_set(err, NA_ERR_INTERNAL, "%s", e.what());
    } catch (...) {
        return na_error_set(err, NA_ERR_INTERNAL, "unknown exception");
    }
}

/* For functions whose contract has no status: failures become a fallback
 * value, never an exception. */
template <typename T, typename Fn>
T quietly(T fallback, Fn fn)
{
    try {
        return fn();
    } catch (...) {
        return fallback;
    }
}

char *copy_string(const std::string &s, size_t *len)
{
    char *p = static_cast<char *>(std::malloc(s.size() + 1));
    if (!p)
        throw std::bad_alloc();
    std::memcpy(p, s.data(), s.size());
    p[s.size()] = '\0';
    if (len)
        *len = s.size();
    return p;
}

/* A stemmer that remembers: news text repeats its vocabulary, and the
 * Snowball stemmer is where TermGenerator spends much of its time.  Being
 * a StemImplementation, it plugs into Xapian's own TermGenerator, so the
 * terms are exactly those TermGenerator makes. */
class CachingStem : public Xapian::StemImplementation {
    Xapian::Stem real;
    std::unordered_map<std::string, std::string> cache;
    std::string name;

  public:
    explicit CachingStem(const Xapian::Stem &stem, const std::string &lang) : real(stem), name(lang) {}
    std::string operator()(const std::string &word) override {
        auto it = cache.find(word);
        if (it != cache.end())
            return it->second;
        /* Bound the memory a long run can spend on rare words. */
        if (cache.size() > 200000)
            cache.clear();
        std::string stem = real(word);
        cache.emplace(word, stem);
        return stem;
    }
    std::string get_description() const override { return "CachingStem(" + name + ")"; }
};

Xapian::Stem make_stem(const char *language, bool cached)
{
    std::string lang = language ? language : "none";
    Xapian::Stem stem(lang == "none" ? std::string() : lang);
    if (!cached || lang == "none")
        return stem;
    return Xapian::Stem(new CachingStem(stem, lang));
}

/* MSet::snippet escapes & < > for HTML; callers here print plain text
 * (and JSON, which has its own escaping), so the entities go back. */
std::string unescape_html(const std::string &s)
{
    static const struct { const char *entity; char c; } entities[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&#39;", '\'' },
    };
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size();) {
        bool done = false;
        if (s[i] == '&') {
            for (const auto &e : entities) {
                size_t n = std::strlen(e.entity);
                if (s.compare(i, n, e.entity) == 0) {
                    out += e.c;
                    i += n;
                    done = true;
                    break;
                }
            }
        }
        if (!done)
            out += s[i++];
    }
    return out;
}

/* A stopper owned by the TermGenerator or QueryParser it is given to. */
const Xapian::Stopper *make_stopper(const char *const *words, size_t count)
{
    Xapian::SimpleStopper *s = new Xapian::SimpleStopper;
    for (size_t i = 0; i < count; i++)
        s->add(words[i]);
    return s->release();
}

na_xquery_t *wrap(const Xapian::Query &q)
{
    return quietly<na_xquery_t *>(nullptr, [&] { return new na_xquery_t{ q }; });
}

Xapian::Query unwrap(const na_xquery_t *q)
{
    return q ? q->q : Xapian::Query::MatchAll;
}

template <typename DB>
na_status_t find_term(DB &db, const char *term, na_docid_t *docid, na_error_t *err)
{
    bool found = false;
    na_status_t st = guarded(err, [&] {
        Xapian::PostingIterator it = db.postlist_begin(term);
        if (it != db.postlist_end(term)) {
            *docid = *it;
            found = true;
        }
    });
    if (st == NA_OK && !found)
        return na_error_set(err, NA_ERR_NOT_FOUND, "no document has the term '%s'", term);
    return st;
}

template <typename DB>
na_status_t get_value(DB &db, na_docid_t docid, na_slot_t slot, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(db.get_document(docid).get_value(slot), len); });
}

template <typename DB>
na_status_t get_metadata(DB &db, const char *key, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    bool found = true;
    na_status_t st = guarded(err, [&] {
        std::string v = db.get_metadata(key);
        if (v.empty())
            found = false;
        else
            *out = copy_string(v, len);
    });
    if (st == NA_OK && !found)
        return na_error_set(err, NA_ERR_NOT_FOUND, "no metadata '%s'", key);
    return st;
}

} // namespace

extern "C" {

const char *na_x_version(void)
{
    return Xapian::version_string();
}

char *na_x_utf8_lower(const char *s, size_t len)
{
    std::string out;
    try {
        out = Xapian::Unicode::tolower(std::string(s, len));
    } catch (...) {
        out.assign(s, len);
    }
    return copy_string(out, nullptr);
}

/* ---- writable database ---- */

na_status_t na_xwdb_open(const char *path, bool create, na_xwdb_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        int flags = create ? (Xapian::DB_CREATE_OR_OPEN | Xapian::DB_BACKEND_GLASS) : Xapian::DB_OPEN;
        *out = new na_xwdb_t{ Xapian::WritableDatabase(path, flags) };
    });
}

na_status_t na_xwdb_close(na_xwdb_t *db, na_error_t *err)
{
    if (!db)
        return NA_OK;
    na_status_t st = guarded(err, [&] { db->db.close(); });
    quietly(0, [&] { delete db; return 0; });
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

na_status_t na_xwdb_delete(na_xwdb_t *db, const char *unique_term, na_error_t *err)
{
    return guarded(err, [&] { db->db.delete_document(unique_term); });
}

na_status_t na_xwdb_find(na_xwdb_t *db, const char *term, na_docid_t *docid, na_error_t *err)
{
    return find_term(db->db, term, docid, err);
}

na_status_t na_xwdb_get_value(na_xwdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len,
                              na_error_t *err)
{
    return get_value(db->db, docid, slot, out, len, err);
}

na_status_t na_xwdb_get_metadata(na_xwdb_t *db, const char *key, char **out, size_t *len, na_error_t *err)
{
    return get_metadata(db->db, key, out, len, err);
}

na_status_t na_xwdb_set_metadata(na_xwdb_t *db, const char *key, const void *value, size_t len, na_error_t *err)
{
    return guarded(err, [&] {
        db->db.set_metadata(key, std::string(static_cast<const char *>(value), len));
    });
}

unsigned na_xwdb_doccount(na_xwdb_t *db)
{
    return quietly(0u, [&] { return db->db.get_doccount(); });
}

/* ---- read-only database ---- */

na_status_t na_xdb_open(const char *const *specs, size_t count, na_xdb_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        std::unique_ptr<na_xdb_t> h(new na_xdb_t);
        for (size_t i = 0; i < count; i++) {
            std::string spec = specs[i];
            if (spec.compare(0, 4, "tcp:") == 0) {
                size_t colon = spec.rfind(':');
                if (colon <= 4)
                    throw Xapian::InvalidArgumentError("remote database '" + spec +
                                                       "' should be tcp:HOST:PORT");
                std::string host = spec.substr(4, colon - 4);
                unsigned port = static_cast<unsigned>(std::strtoul(spec.c_str() + colon + 1, nullptr, 10));
                h->shards.push_back(Xapian::Remote::open(host, port));
            } else {
                h->shards.push_back(Xapian::Database(spec));
            }
            h->db.add_database(h->shards.back());
        }
        *out = h.release();
    });
}

void na_xdb_close(na_xdb_t *db)
{
    quietly(0, [&] { delete db; return 0; });
}

na_status_t na_xdb_reopen(na_xdb_t *db, na_error_t *err)
{
    return guarded(err, [&] { db->db.reopen(); });
}

unsigned na_xdb_doccount(na_xdb_t *db)
{
    return quietly(0u, [&] { return db->db.get_doccount(); });
}

na_status_t na_xdb_find(na_xdb_t *db, const char *term, na_docid_t *docid, na_error_t *err)
{
    return find_term(db->db, term, docid, err);
}

na_status_t na_xdb_get_data(na_xdb_t *db, na_docid_t docid, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = copy_string(db->db.get_document(docid).get_data(), len); });
}

na_status_t na_xdb_get_value(na_xdb_t *db, na_docid_t docid, na_slot_t slot, char **out, size_t *len,
                             na_error_t *err)
{
    return get_value(db->db, docid, slot, out, len, err);
}

na_status_t na_xdb_get_metadata(na_xdb_t *db, const char *key, char **out, size_t *len, na_error_t *err)
{
    /* A combined database answers from its first shard only; each shard
     * may hold what the caller wants (a dictionary its articles use). */
    na_status_t st = NA_ERR_NOT_FOUND;
    for (Xapian::Database &shard : db->shards) {
        st = get_metadata(shard, key, out, len, err);
        if (st != NA_ERR_NOT_FOUND)
            return st;
    }
    return st == NA_ERR_NOT_FOUND ? na_error_set(err, st, "no metadata '%s'", key) : st;
}

na_status_t na_xdb_each_term(na_xdb_t *db, const char *prefix,
                             bool (*fn)(const char *term, size_t len, unsigned freq, void *ud), void *ud,
                             na_error_t *err)
{
    return guarded(err, [&] {
        for (Xapian::TermIterator t = db->db.allterms_begin(prefix); t != db->db.allterms_end(prefix); ++t) {
            std::string term = *t;
            if (!fn(term.data(), term.size(), t.get_termfreq(), ud))
                break;
        }
    });
}

/* ---- documents ---- */

na_xdoc_t *na_xdoc_new(void)
{
    return quietly<na_xdoc_t *>(nullptr, [] { return new na_xdoc_t; });
}

void na_xdoc_free(na_xdoc_t *doc)
{
    delete doc;
}

void na_xdoc_clear(na_xdoc_t *doc)
{
    doc->doc = Xapian::Document();
}

void na_xdoc_set_data(na_xdoc_t *doc, const void *data, size_t len)
{
    doc->doc.set_data(std::string(static_cast<const char *>(data), len));
}

void na_xdoc_add_boolean_term(na_xdoc_t *doc, const char *term)
{
    /* Xapian rejects terms over 245 bytes at commit; such a term cannot be
     * matched by a user anyway, so it is dropped here. */
    if (*term && std::strlen(term) <= 245)
        doc->doc.add_boolean_term(term);
}

void na_xdoc_add_value(na_xdoc_t *doc, na_slot_t slot, const void *value, size_t len)
{
    doc->doc.add_value(slot, std::string(static_cast<const char *>(value), len));
}

/* ---- free-text indexing ---- */

struct na_xindexer {
    Xapian::TermGenerator tg;
};

na_status_t na_xindexer_new(const char *language, na_xindexer_t **out, na_error_t *err)
{
    *out = nullptr;
    na_status_t st = guarded(err, [&] {
        std::unique_ptr<na_xindexer_t> ix(new na_xindexer_t);
        ix->tg.set_stemmer(make_stem(language, true));
        ix->tg.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
        *out = ix.release();
    });
    if (st == NA_ERR_DATABASE) /* InvalidArgumentError: no such stemmer */
        return na_error_set(err, NA_ERR_INVALID, "no stemmer for language '%s'", language);
    return st;
}

void na_xindexer_free(na_xindexer_t *ix)
{
    delete ix;
}

void na_xindexer_set_stopwords(na_xindexer_t *ix, const char *const *words, size_t count)
{
    quietly(0, [&] {
        ix->tg.set_stopper(count ? make_stopper(words, count) : nullptr);
        ix->tg.set_stopper_strategy(Xapian::TermGenerator::STOP_STEMMED);
        return 0;
    });
}

void na_xindexer_begin(na_xindexer_t *ix, na_xdoc_t *doc)
{
    ix->tg.set_document(doc->doc);
    ix->tg.set_termpos(0);
}

void na_xindexer_index(na_xindexer_t *ix, const char *text, size_t len, const char *prefix, unsigned wdf_inc)
{
    /* TermGenerator writes into its own copy of the document handle, which
     * shares the document with the caller's handle. */
    quietly(0, [&] {
        ix->tg.index_text(Xapian::Utf8Iterator(text, len), wdf_inc, prefix);
        return 0;
    });
}

void na_xindexer_gap(na_xindexer_t *ix)
{
    ix->tg.increase_termpos(100);
}

void na_xindexer_end(na_xindexer_t *ix)
{
    /* The TermGenerator holds a reference to the document; dropping it
     * here means no reference count is touched from two threads. */
    quietly(0, [&] {
        ix->tg.set_document(Xapian::Document());
        return 0;
    });
}

/* ---- queries ---- */

na_xquery_t *na_xquery_match_all(void)
{
    return wrap(Xapian::Query::MatchAll);
}

na_xquery_t *na_xquery_match_nothing(void)
{
    return wrap(Xapian::Query::MatchNothing);
}

na_xquery_t *na_xquery_term(const char *term)
{
    return wrap(Xapian::Query(term));
}

na_xquery_t *na_xquery_value_range(na_slot_t slot, const char *lo, const char *hi)
{
    if (lo && hi)
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, lo, hi));
    if (lo)
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, lo));
    if (hi)
        return wrap(Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, hi));
    return na_xquery_match_all();
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
    na_xquery_t *r = quietly<na_xquery_t *>(nullptr, [&] { return new na_xquery_t{ Xapian::Query(xop, a->q, b->q) }; });
    delete a;
    delete b;
    return r;
}

na_xquery_t *na_xquery_copy(const na_xquery_t *q)
{
    return q ? wrap(q->q) : nullptr;
}

void na_xquery_free(na_xquery_t *q)
{
    delete q;
}

char *na_xquery_describe(const na_xquery_t *q)
{
    return quietly<char *>(nullptr, [&] { return copy_string(unwrap(q).get_description(), nullptr); });
}

/* A boolean field whose text a C function turns into a query.  A refusal
 * is kept, not thrown: an exception thrown through Xapian's query parser
 * leaks parser state, so na_xqp_parse reports it after parsing. */
class CFieldProcessor : public Xapian::FieldProcessor {
    na_xfield_fn fn;
    void *ud;
    std::string *refusal; /* owned by the na_xqp */

  public:
    CFieldProcessor(na_xfield_fn f, void *u, std::string *r) : fn(f), ud(u), refusal(r) {}
    Xapian::Query operator()(const std::string &str) override {
        na_xquery_t *q = nullptr;
        na_error_t err;
        na_error_clear(&err);
        if (fn(ud, str.c_str(), &q, &err) != NA_OK || !q) {
            delete q;
            if (refusal->empty())
                *refusal = err.message[0] ? err.message : "bad field value '" + str + "'";
            return Xapian::Query::MatchNothing;
        }
        Xapian::Query r = q->q;
        delete q;
        return r;
    }
};

struct na_xqp {
    Xapian::QueryParser qp;
    std::string refusal; /* the first field value refused while parsing */
};

na_status_t na_xqp_new(na_xdb_t *db, const char *language, na_xqp_t **out, na_error_t *err)
{
    *out = nullptr;
    na_status_t st = guarded(err, [&] {
        std::unique_ptr<na_xqp_t> p(new na_xqp_t);
        if (db)
            p->qp.set_database(db->db);
        p->qp.set_stemmer(make_stem(language, false));
        p->qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
        p->qp.set_default_op(Xapian::Query::OP_AND);
        *out = p.release();
    });
    if (st == NA_ERR_DATABASE)
        return na_error_set(err, NA_ERR_INVALID, "no stemmer for language '%s'", language);
    return st;
}

void na_xqp_free(na_xqp_t *qp)
{
    delete qp;
}

void na_xqp_set_stopwords(na_xqp_t *qp, const char *const *words, size_t count)
{
    quietly(0, [&] {
        qp->qp.set_stopper(count ? make_stopper(words, count) : nullptr);
        return 0;
    });
}

void na_xqp_add_prefix(na_xqp_t *qp, const char *field, const char *prefix)
{
    qp->qp.add_prefix(field, prefix);
}

void na_xqp_add_field(na_xqp_t *qp, const char *field, na_xfield_fn fn, void *ud)
{
    /* The parser keeps a reference-counted pointer: release() hands over
     * ownership. */
    qp->qp.add_boolean_prefix(field, (new CFieldProcessor(fn, ud, &qp->refusal))->release());
}

na_status_t na_xqp_parse(na_xqp_t *qp, const char *query, na_xquery_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        const char *p = query;
        while (*p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p) {
            *out = new na_xquery_t{ Xapian::Query::MatchAll };
            return;
        }
        unsigned flags = Xapian::QueryParser::FLAG_DEFAULT | Xapian::QueryParser::FLAG_BOOLEAN |
                         Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_LOVEHATE |
                         Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PURE_NOT |
                         Xapian::QueryParser::FLAG_BOOLEAN_ANY_CASE;
        qp->refusal.clear();
        Xapian::Query parsed = qp->qp.parse_query(query, flags);
        if (!qp->refusal.empty())
            throw Xapian::QueryParserError(qp->refusal);
        *out = new na_xquery_t{ parsed };
    });
}

/* ---- searching ---- */

struct na_xenquire {
    Xapian::Database db;
    Xapian::Enquire enquire;
    /* Multi-valued fields keep value i in slot base+i.  Xapian's stock
     * ValueCountMatchSpy counts one slot, once per document, so one spy per
     * slot summed gives each value once per matching article: exact, and
     * made of spies that xapian-tcpsrv can run on a remote shard (it knows
     * only the stock ones), where a custom spy would fail. */
    std::vector<std::vector<Xapian::ValueCountMatchSpy *>> facets;
    explicit na_xenquire(const Xapian::Database &d) : db(d), enquire(d) {}
};

na_status_t na_xenquire_new(na_xdb_t *db, na_xenquire_t **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] { *out = new na_xenquire_t(db->db); });
}

void na_xenquire_free(na_xenquire_t *enq)
{
    quietly(0, [&] { delete enq; return 0; });
}

void na_xenquire_set_query(na_xenquire_t *enq, const na_xquery_t *q)
{
    enq->enquire.set_query(unwrap(q));
}

void na_xenquire_set_sort(na_xenquire_t *enq, int slot, bool descending)
{
    if (slot < 0)
        enq->enquire.set_sort_by_relevance();
    else
        enq->enquire.set_sort_by_value_then_relevance(static_cast<Xapian::valueno>(slot), descending);
}

int na_xenquire_add_facet(na_xenquire_t *enq, const na_slot_t *slots, size_t count)
{
    return quietly(-1, [&] {
        std::vector<Xapian::ValueCountMatchSpy *> spies;
        for (size_t i = 0; i < count; i++) {
            Xapian::ValueCountMatchSpy *spy = new Xapian::ValueCountMatchSpy(slots[i]);
            enq->enquire.add_matchspy(spy->release());
            spies.push_back(spy);
        }
        enq->facets.push_back(spies);
        return static_cast<int>(enq->facets.size() - 1);
    });
}

struct na_xmset {
    Xapian::MSet mset;
};

na_status_t na_xenquire_run(na_xenquire_t *enq, unsigned offset, unsigned limit, bool exact, na_xmset_t **out,
                            na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        Xapian::doccount check = exact ? enq->db.get_doccount() : 0;
        *out = new na_xmset_t{ enq->enquire.get_mset(offset, limit, check) };
    });
}

na_status_t na_xenquire_facet(na_xenquire_t *enq, int index, size_t max, na_xfacet_count_t **out, size_t *count,
                              na_error_t *err)
{
    *out = nullptr;
    *count = 0;
    if (index < 0 || static_cast<size_t>(index) >= enq->facets.size())
        return na_error_set(err, NA_ERR_INVALID, "no facet %d", index);
    return guarded(err, [&] {
        std::map<std::string, unsigned> sums;
        for (Xapian::ValueCountMatchSpy *spy : enq->facets[index])
            for (Xapian::TermIterator v = spy->values_begin(); v != spy->values_end(); ++v)
                sums[*v] += v.get_termfreq();
        std::vector<std::pair<std::string, unsigned>> sorted(sums.begin(), sums.end());
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const std::pair<std::string, unsigned> &a, const std::pair<std::string, unsigned> &b) {
                             return a.second > b.second;
                         });
        size_t n = max && max < sorted.size() ? max : sorted.size();
        na_xfacet_count_t *arr = static_cast<na_xfacet_count_t *>(std::calloc(n ? n : 1, sizeof *arr));
        if (!arr)
            throw std::bad_alloc();
        for (size_t i = 0; i < n; i++) {
            arr[i].value = copy_string(sorted[i].first, nullptr);
            arr[i].count = sorted[i].second;
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
    return mset->mset.get_matches_estimated();
}

size_t na_xmset_size(const na_xmset_t *mset)
{
    return mset->mset.size();
}

na_docid_t na_xmset_docid(const na_xmset_t *mset, size_t i)
{
    return quietly(0u, [&] { return *(mset->mset[static_cast<Xapian::doccount>(i)]); });
}

double na_xmset_weight(const na_xmset_t *mset, size_t i)
{
    return quietly(0.0, [&] { return mset->mset[static_cast<Xapian::doccount>(i)].get_weight(); });
}

unsigned na_xmset_rank(const na_xmset_t *mset, size_t i)
{
    return quietly(0u, [&] { return mset->mset[static_cast<Xapian::doccount>(i)].get_rank(); });
}

na_status_t na_xmset_data(const na_xmset_t *mset, size_t i, char **out, size_t *len, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        *out = copy_string(mset->mset[static_cast<Xapian::doccount>(i)].get_document().get_data(), len);
    });
}

na_status_t na_xmset_value(const na_xmset_t *mset, size_t i, na_slot_t slot, char **out, size_t *len,
                           na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        *out = copy_string(mset->mset[static_cast<Xapian::doccount>(i)].get_document().get_value(slot), len);
    });
}

na_status_t na_xmset_snippet(const na_xmset_t *mset, const char *text, size_t len, size_t length,
                             const char *language, const char *hl_start, const char *hl_end, const char *omit,
                             char **out, na_error_t *err)
{
    *out = nullptr;
    return guarded(err, [&] {
        Xapian::Stem stem = make_stem(language, false);
        /* Not exhaustive: the first good passage will do, and a search
         * page shows ten of these per query. */
        std::string s = mset->mset.snippet(std::string(text, len), length, stem,
                                           Xapian::MSet::SNIPPET_BACKGROUND_MODEL, hl_start, hl_end, omit);
        *out = copy_string(unescape_html(s), nullptr);
    });
}

} // extern "C"
