/*
 * Grounding exercises: the bundled exercise files, finding one by name,
 * placeholders for today's date, breathing patterns, and the breathing
 * pacer's timing. Never prints; cmd/grounding.c draws and reads keys.
 *
 * Exercise file format (content/grounding/NAME.md)
 * ------------------------------------------------
 *
 *   ---
 *   name: orienting
 *   title: Orienting to here and now
 *   summary: Let your eyes tell you where you are.
 *   minutes: 3
 *   for: too-much, too-little
 *   focus: outward
 *   default: yes
 *   pattern: 4-6
 *   note: If you are driving, stop somewhere safe first.
 *   caution: Skip this with a heart condition. Ask a doctor first.
 *   source: Peter Levine, Somatic Experiencing (orienting)
 *   ---
 *   - Keep your eyes open and let them wander round the room.
 *   - It is {weekday} today.
 *
 * The file starts with a front-matter block between two "---" lines of
 * "key: value" lines; then come the steps, one per line, each starting
 * with "- ". Blank lines are ignored anywhere; any other line is an error.
 *
 *   name     required; a-z, 0-9 and '-', at most 32 bytes; not "list",
 *            "random" or "help" (those are sub-commands)
 *   title    required; at most 60 columns
 *   summary  required; one short line for `grounding list`, <= 60 columns
 *   minutes  required; about how long it takes, 1-60. For a breathing
 *            exercise it is also how long the pacer runs by default
 *   for      required; "too-much" (panicky, flooded), "too-little" (numb,
 *            foggy, far away), or both separated by a comma
 *   focus    required; where attention goes: outward (eyes open, turned
 *            to the room), body, breath, imagery or kindness
 *   pattern  a breathing pattern (see grounding_pattern_parse()); only
 *            and always with focus: breath. The pacer runs after the
 *            steps. A pattern with holds needs a caution
 *   default  "yes" on exactly one exercise (focus: outward): the one that
 *            starts when `selfhelp grounding` is run without a name
 *   first-for  too-much or too-little: the exercise that starts for
 *            `selfhelp grounding --for STATE` (at most one per state;
 *            it must suit the state). Without one, the default starts
 *   note     optional; one line shown before the steps (a hint, such as
 *            another exercise to try), at most 60 columns
 *   caution  optional; what to take care of, or when to stop or skip
 *            the exercise: one line in the file of at most 400 bytes,
 *            shown before the first step (wrapped to 60 columns). An
 *            exercise with a caution is an explicit choice: `random`
 *            never starts it, nor does --for, and it is not the default
 *   source   where the idea comes from (author, title); shown in `list`
 *            and at the end of the exercise. Every bundled exercise has
 *            one (tests/unit/test-grounding.c)
 *
 * Each step is one short sentence of at most 60 display columns, counted
 * after its placeholders are filled in with their longest values.
 * Placeholders, filled in at run time from the local clock:
 *   {weekday} Wednesday   {day} 4   {month} March   {year} 2025
 *   {date} 4 March 2025   {time} 14:05
 */
#ifndef SELFHELP_GROUNDING_H
#define SELFHELP_GROUNDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Return values: 0 is success, these are negative. */
enum grounding_status {
	GROUNDING_OK = 0,
	GROUNDING_ENOMEM = -1,     /* out of memory */
	GROUNDING_EPARSE = -2,     /* an exercise file has a problem */
	GROUNDING_ENOTFOUND = -3,  /* no exercise with that name */
	GROUNDING_EAMBIGUOUS = -4, /* a prefix of several names */
	GROUNDING_EPATTERN = -5,   /* not a breathing pattern */
	GROUNDING_ETOOFAST = -6,   /* a breath shorter than 6 seconds */
	GROUNDING_ELONGHOLD = -7,  /* a hold longer than 7 seconds */
};

/* Longest step, title, summary, note or caution line, in display
 * columns. */
enum { GROUNDING_MAX_COLS = 60 };
/*
 * Breathing phases: whole seconds, in and out 1-20; holds 0 (no hold) to
 * GROUNDING_HOLD_MAX_S, as long holds raise air hunger and fear; and one
 * whole breath at least GROUNDING_CYCLE_MIN_S, as faster breathing (1-1
 * is 30 breaths a minute) leads to over-breathing.
 */
enum {
	GROUNDING_PHASE_MIN_S = 1,
	GROUNDING_PHASE_MAX_S = 20,
	GROUNDING_HOLD_MAX_S = 7,
	GROUNDING_CYCLE_MIN_S = 6,
};
/* --minutes and the minutes: field. */
enum { GROUNDING_MINUTES_MIN = 1, GROUNDING_MINUTES_MAX = 60 };

/* The states an exercise suits (window of tolerance: above, below). */
enum grounding_state {
	GROUNDING_TOO_MUCH = 1 << 0,   /* panicky, flooded: hyperarousal */
	GROUNDING_TOO_LITTLE = 1 << 1, /* numb, foggy, far away: hypoarousal */
};

enum grounding_focus {
	GROUNDING_FOCUS_OUTWARD,
	GROUNDING_FOCUS_BODY,
	GROUNDING_FOCUS_BREATH,
	GROUNDING_FOCUS_IMAGERY,
	GROUNDING_FOCUS_KINDNESS,
};

/*
 * A breathing pattern in whole seconds: breathe in, hold, breathe out,
 * hold. in and out are 1-20; the holds are 0 (none) to 20.
 */
struct grounding_pattern {
	unsigned in, hold_in, out, hold_out;
};

/*
 * One parsed exercise. A plain read-only record (like struct
 * content_file): every pointer is owned by the set or by the exercise
 * itself and stays valid until it is freed.
 */
struct grounding_exercise {
	char *name;
	char *title;
	char *summary;
	char *note;      /* NULL when there is none */
	char **caution;  /* ncaution lines of at most 60 columns, or NULL */
	size_t ncaution; /* 0: no caution */
	char *source;    /* NULL when there is none */
	unsigned minutes;
	unsigned suits; /* enum grounding_state bits, at least one */
	enum grounding_focus focus;
	bool is_default;
	unsigned first_for; /* enum grounding_state bits it starts for */
	bool has_pattern;
	struct grounding_pattern pattern; /* when has_pattern */
	char **steps;                     /* nsteps lines, unexpanded */
	size_t nsteps;
};

/* Where a parse problem is: file (may be empty), line (0: whole file). */
struct grounding_error {
	char file[64];
	unsigned line;
	char msg[160]; /* lowercase, no full stop */
};

/*
 * Parse one exercise file of `len` bytes. On success stores a new
 * exercise in *out (free with grounding_exercise_free()) and returns 0.
 * Otherwise returns GROUNDING_EPARSE and fills *err (may be NULL) with
 * the line and what is the matter, or GROUNDING_ENOMEM.
 */
int grounding_exercise_parse(const char *text, size_t len,
                             struct grounding_exercise **out,
                             struct grounding_error *err);

/* Free an exercise from grounding_exercise_parse(). NULL is a no-op. */
void grounding_exercise_free(struct grounding_exercise *ex);

/* Short word for a focus ("outward", "breath", ...). Static storage. */
const char *grounding_focus_name(enum grounding_focus focus);

/* A set of exercises, sorted by name. Opaque. */
struct grounding_set;

/*
 * Load every bundled exercise (content/grounding/ *.md, compiled into
 * the binary) and check the set as a whole: names unique, exactly one
 * default. On success stores the set in *out (free with
 * grounding_set_free()) and returns 0; otherwise returns a negative
 * grounding_status and fills *err (may be NULL), naming the file.
 */
int grounding_set_load_bundled(struct grounding_set **out,
                               struct grounding_error *err);

/*
 * Same, from n (path, text) pairs given by the caller; for tests and
 * for user exercise folders later. Texts are copied.
 */
int grounding_set_load(struct grounding_set **out, const char *const *paths,
                       const char *const *texts, size_t n,
                       struct grounding_error *err);

/* Free a set and its exercises. NULL is a no-op. */
void grounding_set_free(struct grounding_set *set);

/* Number of exercises, and the i-th (by name). Borrowed from set. */
size_t grounding_set_count(const struct grounding_set *set);
const struct grounding_exercise *
grounding_set_at(const struct grounding_set *set, size_t i);

/* The default exercise. Borrowed from set; never NULL for a loaded set. */
const struct grounding_exercise *
grounding_set_default(const struct grounding_set *set);

/*
 * Find the exercise called `name`, or the only one whose name starts
 * with `name`. Returns 0 and stores it in *out; GROUNDING_EAMBIGUOUS when
 * several names start with it; GROUNDING_ENOTFOUND otherwise. In both
 * failure cases *suggest (may be NULL) gets a borrowed name to offer:
 * the first of the candidates, or the closest name by edit distance
 * (NULL when none is close).
 */
int grounding_set_find(const struct grounding_set *set, const char *name,
                       const struct grounding_exercise **out,
                       const char **suggest);

/*
 * Pick an exercise that suits `state` (a grounding_state bit, or 0 for
 * any). With `prefer_default`, the one marked first-for that state wins,
 * else the default exercise when it suits; otherwise one of those that
 * suit and have no caution, chosen by `rnd` (any number; the caller
 * draws it, so tests can fix it). An exercise with a caution is never
 * picked. NULL when none suits. Borrowed from set.
 */
const struct grounding_exercise *
grounding_set_pick(const struct grounding_set *set, unsigned state,
                   bool prefer_default, uint32_t rnd);

/*
 * Parse "too-much" or "too-little" (also "much", "little"). Returns the
 * grounding_state bit, or 0 when it is neither.
 */
unsigned grounding_state_parse(const char *s);

/*
 * Fill in placeholders ({weekday}, {date} ...) in `text` from `tm`
 * (English names, whatever the locale). Unknown ones are left as they
 * are. Returns a new string the caller frees with free(), or NULL when
 * out of memory.
 */
char *grounding_expand(const char *text, const struct tm *tm);

/*
 * Display width of UTF-8 `s` in terminal columns, or -1 when it is not
 * valid UTF-8 or holds control characters.
 */
int grounding_text_width(const char *s);

/*
 * Parse a breathing pattern: "4-6" (in-out), "box" (4-4-4-4), "4-7-8"
 * (in-hold-out), or custom "IN-OUT", "IN-HOLD-OUT", "IN-HOLD-OUT-HOLD".
 * In and out are whole seconds 1-20; holds 0-7; one breath (all four)
 * at least 6 seconds. Returns 0, GROUNDING_EPATTERN when it is not a
 * pattern, GROUNDING_ETOOFAST or GROUNDING_ELONGHOLD when it is one we
 * don't pace (then *p is unchanged).
 */
int grounding_pattern_parse(const char *s, struct grounding_pattern *p);

/* Does the pattern hold the breath at all? */
bool grounding_pattern_has_holds(const struct grounding_pattern *p);

/*
 * Write the pattern as text ("4-6", "4-4-4-4") into buf (size n, at
 * least 16 bytes is always enough). Returns buf.
 */
char *grounding_pattern_format(const struct grounding_pattern *p, char *buf,
                               size_t n);

/* Length of one breath (all four phases) in milliseconds. */
uint64_t grounding_pattern_cycle_ms(const struct grounding_pattern *p);

/*
 * How many whole breaths fill about `minutes` minutes: rounded up, so
 * the pacer always ends after a breath out; at least 1.
 */
unsigned grounding_pacer_cycles(const struct grounding_pattern *p,
                                unsigned minutes);

enum grounding_phase {
	GROUNDING_PHASE_IN,
	GROUNDING_PHASE_HOLD_IN, /* hold with full lungs */
	GROUNDING_PHASE_OUT,
	GROUNDING_PHASE_HOLD_OUT, /* hold with empty lungs */
	GROUNDING_PHASE_DONE,     /* all breaths are over */
};

/* Where the pacer is at one instant. */
struct grounding_pacer_state {
	enum grounding_phase phase;
	unsigned cycle;       /* 0-based breath number */
	unsigned secs_left;   /* whole seconds left in phase, rounded up */
	uint64_t ms_left;     /* milliseconds left in this phase */
	double fraction;      /* bar fill 0..1: grows in, shrinks out */
	uint64_t phase_start; /* elapsed ms at which this phase began */
};

/*
 * The pacer at `elapsed_ms` after it started, for a run of `cycles`
 * breaths. A pure function of its arguments, so it can be tested with
 * any clock. Phases of length 0 are skipped. At or after the end the
 * phase is GROUNDING_PHASE_DONE with fraction 0 and nothing left.
 */
struct grounding_pacer_state
grounding_pacer_at(const struct grounding_pattern *p, unsigned cycles,
                   uint64_t elapsed_ms);

#endif
