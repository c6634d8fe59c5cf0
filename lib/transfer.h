/*
 * Moving data out of and into the vault, in clear: the export document
 * (JSON, see doc/export-format.md) and its Markdown rendering, importing
 * selfhelp's own JSON or jrnl's JSON export, and checking that every
 * record still authenticates and reads.
 *
 * Records are converted per kind through its codec (struct
 * transfer_codec, in the kind's entry of record_kinds[], lib/record.h).
 * A kind without a codec travels in a raw form (its head as JSON, its
 * body as text), so an export never silently leaves records out.
 *
 * Functions return 0 or a negative enum transfer_status and write one
 * sentence (lower-case start, no full stop) to `err` (TRANSFER_ERR_MAX
 * bytes). Decrypted text passes through jansson (whose allocator the
 * program sets to a wiping one, journal_json_init) and struct strbuf,
 * which wipes what it frees.
 */
#ifndef SELFHELP_TRANSFER_H
#define SELFHELP_TRANSFER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "strbuf.h"
#include "vault.h"

enum {
	TRANSFER_VERSION = 1,   /* "selfhelp_export" this build writes */
	TRANSFER_ERR_MAX = 512, /* size of every `err` buffer */
	TRANSFER_KIND_MAX = 32, /* a kind name is shorter than this */
};

enum transfer_status {
	TRANSFER_OK = 0,
	TRANSFER_ERROR = -1,        /* vault, I/O or memory */
	TRANSFER_UNREADABLE = -2,   /* the document cannot be imported; err
	                               names the line or the record */
	TRANSFER_NEWER = -3,        /* written by a newer selfhelp */
	TRANSFER_CONFLICT = -4,     /* the vault has records with the same id
	                               and other content */
	TRANSFER_WRITE_FAILED = -5, /* the export's writer refused (it knows
	                               why, e.g. errno) */
	TRANSFER_READ_FAILED = -6,  /* the import's reader failed (it knows
	                               why) */
};

/* Documents are built in a struct strbuf (lib/strbuf.h): it wipes what it
 * frees. */
/* Append `len` bytes of s as the display sanitizer shows them (util_clean,
 * lib/util.h, with `flags`: UTIL_CLEAN_LINES for free text, 0 for
 * one-line fields). Every field of the Markdown export goes through it.
 * Returns 0, or -1 when out of memory. */
int transfer_put_clean(struct strbuf *b, const char *s, size_t len,
                       unsigned flags);

/* --- per-kind codecs --- */

struct transfer_times {
	time_t created, updated;
};

struct record_kind;

/*
 * How one record kind travels. Every stored head is a JSON object with
 * integer "created" and "updated" (seconds since the epoch); the codec
 * owns the rest of the head and the body. A kind's codec sits in its
 * record kind (lib/record.h), which names its export fields: import
 * refuses any other field.
 */
struct transfer_codec {
	const struct record_kind *kind; /* NULL for the raw form */
	/*
	 * Stored head and body → the record's times and its fields, set on
	 * the empty object `fields` in the order they are exported. Returns
	 * 0, or -1 with err set when the record does not read as this kind.
	 * When the head has an integer "created", t->created must be it:
	 * export puts the records in order by their heads alone.
	 */
	int (*encode)(const struct transfer_codec *c, const unsigned char *head,
	              size_t headlen, const unsigned char *body, size_t bodylen,
	              struct transfer_times *t, json_t *fields, char *err);
	/*
	 * An export record (borrowed; its fields are the codec's own) and its
	 * times → the head and body to store, appended to the empty buffers.
	 * Returns 0, or -1 with err a clause naming the field, shown after
	 * "record 3 (id 3f2a9c1b): " (e.g. "\"mood\" is 99; a mood is a
	 * whole number from 0 to 10"), or "out of memory".
	 */
	int (*decode)(const struct transfer_codec *c, const json_t *rec,
	              const struct transfer_times *t, struct strbuf *head,
	              struct strbuf *body, char *err);
	/* Append the record's body in readable Markdown (the caller has
	 * written its heading). Returns 0, or -1 when out of memory. */
	int (*markdown)(const struct transfer_codec *c, const json_t *rec,
	                struct strbuf *md);
	/*
	 * decode takes NULL for head and body: it then refuses what it would
	 * refuse and writes nothing (what is left, building the head and
	 * body, fails only for want of memory). check uses it to prove that
	 * every record would import again without building it.
	 */
	bool decode_checks_alone;
};

/* The codec for `kind`, or NULL when this build has none (raw form). */
const struct transfer_codec *transfer_codec_find(const char *kind);

/* Names of the kinds with a codec, NULL-terminated; borrowed. */
const char *const *transfer_kind_names(void);

/* Is `kind` a possible record kind name: [a-z][a-z0-9-]*, shorter than
 * TRANSFER_KIND_MAX? */
bool transfer_kind_ok(const char *kind);

/*
 * Is field `key` of a `kind` record free text: what a person writes as
 * paragraphs (a journal entry's text; a trigger's situation, thoughts,
 * "now differs" and note; a group check-in's or reflection's texts)?
 * Free text keeps control characters, shown escaped (util_clean); import
 * refuses them in every other field (C0 but newline and tab, DEL, C1),
 * naming the record and the field.
 */
bool transfer_free_text(const char *kind, const char *key);

/* --- helpers for codecs --- */

/*
 * Read the integer "created" and "updated" (default: created) of a parsed
 * head. Returns 0, or -1 when "created" is missing or not an integer.
 */
int transfer_head_times(const json_t *head, struct transfer_times *t);

/* What a JSON value is, in words for messages: "text", "a number" ... */
const char *transfer_type_name(const json_t *j);

/* Append `j` as compact JSON, the bytes jansson's JSON_COMPACT writes.
 * Returns 0, or -1 when out of memory. */
int transfer_put_json(struct strbuf *b, const json_t *j);

/* json_stringn(s, len) with a faster check of the UTF-8 by the same
 * rules: a new string (caller json_decref), or NULL when s is not UTF-8
 * or memory ran out. */
json_t *transfer_string(const char *s, size_t len);

/* json_loadb(p, len, 0): a stored head read into a new object (caller
 * json_decref), or NULL. A flat object of text, integers, true, false,
 * null and lists of text is read by a reader several times faster than
 * jansson, to the very value jansson reads; anything else by jansson. */
json_t *transfer_load_head(const unsigned char *p, size_t len);

/* --- times --- */

/*
 * Parse an RFC 3339 time as exported: "2026-11-26T14:30:00+01:00" or
 * "...Z". Returns 0, or -1 when `s` is not such a time, names no real
 * day, or lies outside DATE_MIN..DATE_MAX (lib/dates.h).
 */
int transfer_time_parse(const char *s, time_t *out);

/* --- export --- */

struct transfer_filter {
	time_t since;             /* 0: no lower bound on "created" */
	time_t until;             /* 0: no upper bound */
	const char *const *kinds; /* nkinds kind names; NULL: every kind */
	size_t nkinds;
};

/* Called for a record that is left out because it cannot be read. */
typedef void (*transfer_problem_fn)(void *arg, const char *id, const char *kind,
                                    const char *why);

/* Receives the export in pieces, in order. Returns 0, or -1 to stop the
 * export (the writer keeps why, e.g. errno). The data is borrowed, and
 * wiped after the call. */
typedef int (*transfer_write_fn)(void *arg, const char *data, size_t len);

enum transfer_export_format {
	TRANSFER_EXPORT_JSON = 0,     /* the export document */
	TRANSFER_EXPORT_MARKDOWN = 1, /* its Markdown rendering */
};

struct transfer_output {
	enum transfer_export_format format;
	transfer_write_fn write;
	void *write_arg;
	transfer_problem_fn problem; /* may be NULL */
	void *problem_arg;
	/* NULL, or f->nkinds counters, set to how many records of each
	 * f->kinds[i] were written. */
	size_t *kind_counts;
	size_t records; /* set: how many records were written */
	/* For tests: write every record the general way (through jansson),
	 * not the direct way for journal entries; the bytes are the same. */
	bool no_shortcuts;
};

/*
 * Write the export document {"selfhelp_export": 1, "exported": ISO(now),
 * "records": [...]} (JSON_INDENT(2) and a final newline, as jansson
 * writes it), or its Markdown rendering, through out->write: every record
 * the filter selects, ordered by created time, then id. Records that do
 * not authenticate or decode, or that transfer_parse() would refuse, are
 * left out and reported through out->problem, so that the document
 * always imports again.
 *
 * The document is streamed, so memory does not grow with the vault's
 * text: a first walk reads the heads only, for the order; a second walk
 * decrypts, encodes and writes each record in turn (one that comes by
 * before its turn is read again by id when its turn comes). Both see one
 * snapshot of the vault (vault_read_begin). Writes come in pieces of
 * about 64 KiB. On failure part of the document may have been written:
 * TRANSFER_WRITE_FAILED when out->write refused, TRANSFER_ERROR for the
 * vault or memory (err says which).
 */
int transfer_export_write(struct vault *v, const struct transfer_filter *f,
                          time_t now, struct transfer_output *out, char *err);

/*
 * The JSON export document as a tree, built with transfer_export_write
 * (for tests and small exports: it holds everything in memory). *doc is
 * caller-owned (json_decref).
 */
int transfer_export(struct vault *v, const struct transfer_filter *f,
                    time_t now, json_t **doc, transfer_problem_fn problem,
                    void *arg, char *err);

/*
 * Render an export document as one Markdown document, oldest first,
 * appended to `out` (wipe with strbuf_release); the same bytes as
 * transfer_export_write writes with TRANSFER_EXPORT_MARKDOWN.
 */
int transfer_markdown(const json_t *doc, struct strbuf *out, char *err);

/* --- import --- */

enum transfer_format {
	TRANSFER_SELFHELP = 1, /* our own export */
	TRANSFER_JRNL = 2,     /* jrnl --format json */
};

struct transfer_doc;

/*
 * Parse and check a whole document (`len` bytes of `buf`, borrowed),
 * detecting the format. Nothing touches a vault. On success *out is
 * caller-freed with transfer_doc_free. TRANSFER_UNREADABLE names the line
 * (JSON syntax, bytes that are not UTF-8) or the record (1-based index,
 * and id or date); TRANSFER_NEWER for a newer export version.
 */
int transfer_parse(const char *buf, size_t len, struct transfer_doc **out,
                   char *err);

/* Free a document, wiping its records. NULL is a no-op. */
void transfer_doc_free(struct transfer_doc *d);

enum transfer_format transfer_doc_format(const struct transfer_doc *d);
size_t transfer_doc_count(const struct transfer_doc *d);

enum { TRANSFER_CONFLICTS_MAX = 16 };

struct transfer_result {
	size_t added;      /* records stored */
	size_t skipped;    /* already in the vault */
	size_t repeats;    /* jrnl: entries that repeat an earlier one of the
	                      file (same minute and text), kept as one with
	                      the tags and star of both */
	size_t empty;      /* jrnl: entries without text or tags, left out */
	size_t shortened;  /* jrnl: entries whose tags were cut to fit */
	size_t records;    /* records (entries) the file holds */
	size_t nconflicts; /* all conflicting records... */
	char conflicts[TRANSFER_CONFLICTS_MAX][VAULT_ID_HEX + 1]; /* the
	                                                             first */
};

/*
 * Store a parsed document's records in the vault (inside the caller's
 * transaction: roll back on any failure).
 *
 * selfhelp JSON keeps ids and times: a record whose id is in the vault
 * with the same content is skipped; with other content (or another kind,
 * or damaged) it is a conflict, listed in *res, and TRANSFER_CONFLICT is
 * returned. jrnl entries get fresh ids; an entry is skipped when the
 * vault has a journal entry of the same minute (as jrnl wrote it, so in
 * any time zone) and the same text; one that repeats an earlier entry of
 * the file, or is empty, is counted apart (res->repeats, res->empty).
 * Every record of d is added, skipped, a conflict, a repeat or empty.
 */
int transfer_import(struct vault *v, const struct transfer_doc *d,
                    struct transfer_result *res, char *err);

/* Gives up to n bytes of the file at buf: returns how many, 0 at its
 * end, or -1 to stop the import (the reader keeps why, e.g. errno or a
 * size limit). */
typedef ssize_t (*transfer_read_fn)(void *arg, char *buf, size_t n);

/*
 * Read a document from `read` and store its records, inside the caller's
 * transaction (roll back on any failure: records may have been stored
 * before the failure was found). A jrnl export is streamed: its entries
 * are read, checked and stored one at a time, so memory does not grow
 * with the file; with the same results, counts and messages as
 * transfer_parse and transfer_import give for the whole file. Any other
 * document is read whole and goes through those two. *fmt is set to the
 * format found. Returns as they do, or TRANSFER_READ_FAILED when `read`
 * failed.
 */
int transfer_import_stream(struct vault *v, transfer_read_fn read, void *arg,
                           struct transfer_result *res,
                           enum transfer_format *fmt, char *err);

/* --- check --- */

struct transfer_damaged {
	char id[VAULT_ID_HEX + 1];
	char kind[TRANSFER_KIND_MAX];
	enum vault_problem problem; /* NONE: it reads but does not decode */
};

struct transfer_check_result {
	size_t fine;
	size_t ndamaged;
	struct transfer_damaged *damaged; /* ndamaged, owned */
};

/*
 * Decrypt every record, head and body, and decode it with its kind's
 * codec. Records that do not authenticate or do not decode (as export
 * would leave them out) are listed as damaged. Release *res with
 * transfer_check_release.
 */
int transfer_check(struct vault *v, struct transfer_check_result *res,
                   char *err);
void transfer_check_release(struct transfer_check_result *res);

#endif
