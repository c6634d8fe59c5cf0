/*
 * Grounding exercise files (lib/grounding.h): breathing patterns,
 * grounding_exercise_parse, placeholders, and a set of exercises loaded
 * together (grounding_set_load, find, pick). Input: one exercise file, or
 * several joined by a line "%%" (each becomes NAME.md in a set).
 *
 * Checks: a pattern reads back as itself and the pacer's phases add up;
 * a parsed exercise keeps the rules of the file format (fields present,
 * minutes 1-60, a pattern only with focus: breath, every step and title
 * at most 60 columns once its placeholders are filled in for any day); a
 * loaded set has exactly one default and finds each of its exercises by
 * name.
 */
#include "fuzz.h"

#include "grounding.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_FILES = 4 };

static void
check_pattern(const char *s)
{
	struct grounding_pattern p, q;
	char buf[32];
	if (grounding_pattern_parse(s, &p))
		return;
	FUZZ_CHECK(p.in >= GROUNDING_PHASE_MIN_S &&
	           p.in <= GROUNDING_PHASE_MAX_S);
	FUZZ_CHECK(p.out >= GROUNDING_PHASE_MIN_S &&
	           p.out <= GROUNDING_PHASE_MAX_S);
	FUZZ_CHECK(p.hold_in <= GROUNDING_HOLD_MAX_S &&
	           p.hold_out <= GROUNDING_HOLD_MAX_S);
	FUZZ_CHECK(p.in + p.hold_in + p.out + p.hold_out >=
	           GROUNDING_CYCLE_MIN_S);
	grounding_pattern_format(&p, buf, 16);
	FUZZ_CHECK(grounding_pattern_parse(buf, &q) == 0);
	FUZZ_CHECK(memcmp(&p, &q, sizeof(p)) == 0);

	uint64_t cycle = grounding_pattern_cycle_ms(&p);
	unsigned n = grounding_pacer_cycles(&p, GROUNDING_MINUTES_MAX);
	FUZZ_CHECK(n >= 1 && (uint64_t)n * cycle >=
	                             (uint64_t)GROUNDING_MINUTES_MAX * 60000);
	uint64_t step = cycle / 7 + 1;
	for (uint64_t t = 0; t < cycle * 2 + step; t += step) {
		struct grounding_pacer_state st = grounding_pacer_at(&p, 2, t);
		if (st.phase == GROUNDING_PHASE_DONE) {
			FUZZ_CHECK(t >= cycle * 2);
			continue;
		}
		FUZZ_CHECK(st.cycle < 2 && st.ms_left > 0);
		FUZZ_CHECK(st.phase_start <= t);
		FUZZ_CHECK(t - st.phase_start + st.ms_left <=
		           (uint64_t)GROUNDING_PHASE_MAX_S * 1000);
		FUZZ_CHECK(st.secs_left >= 1);
		FUZZ_CHECK(st.fraction >= 0.0 && st.fraction <= 1.0);
	}
}

static void
check_width(const char *text, const struct tm *tm)
{
	char *s = grounding_expand(text, tm);
	FUZZ_CHECK(s);
	int w = grounding_text_width(s);
	FUZZ_CHECK(w >= 1 && w <= GROUNDING_MAX_COLS);
	free(s);
}

static void
check_exercise(const struct grounding_exercise *ex)
{
	/* Wednesday 30 September 2026, 23:59: the widest names of all. */
	static const time_t days[] = {1790805540, FUZZ_NOW};
	FUZZ_CHECK(ex->name && ex->title && ex->summary);
	FUZZ_CHECK(ex->minutes >= GROUNDING_MINUTES_MIN &&
	           ex->minutes <= GROUNDING_MINUTES_MAX);
	FUZZ_CHECK(ex->suits &&
	           !(ex->suits &
	             ~(unsigned)(GROUNDING_TOO_MUCH | GROUNDING_TOO_LITTLE)));
	FUZZ_CHECK(ex->has_pattern == (ex->focus == GROUNDING_FOCUS_BREATH));
	FUZZ_CHECK(ex->nsteps >= 1);
	FUZZ_CHECK(grounding_focus_name(ex->focus));
	if (ex->source)
		FUZZ_CHECK(grounding_text_width(ex->source) >= 0);
	for (size_t d = 0; d < sizeof(days) / sizeof(days[0]); d++) {
		struct tm tm;
		FUZZ_CHECK(localtime_r(&days[d], &tm));
		check_width(ex->title, &tm);
		check_width(ex->summary, &tm);
		if (ex->note)
			check_width(ex->note, &tm);
		for (size_t i = 0; i < ex->ncaution; i++)
			check_width(ex->caution[i], &tm);
		for (size_t i = 0; i < ex->nsteps; i++)
			check_width(ex->steps[i], &tm);
	}
}

static void
check_set(char *const *texts, size_t n)
{
	const char *paths[MAX_FILES], *ctexts[MAX_FILES];
	char pathbuf[MAX_FILES][64];
	struct grounding_exercise *ex;

	for (size_t i = 0; i < n; i++) {
		ctexts[i] = texts[i];
		paths[i] = NULL;
		snprintf(pathbuf[i], sizeof(pathbuf[i]), "part-%zu.md", i);
		if (grounding_exercise_parse(texts[i], strlen(texts[i]), &ex,
		                             NULL) == 0) {
			snprintf(pathbuf[i], sizeof(pathbuf[i]), "%s.md",
			         ex->name);
			grounding_exercise_free(ex);
		}
		paths[i] = pathbuf[i];
	}
	struct grounding_set *set;
	struct grounding_error err;
	if (grounding_set_load(&set, paths, ctexts, n, &err)) {
		FUZZ_CHECK(err.msg[0]);
		return;
	}
	size_t count = grounding_set_count(set);
	FUZZ_CHECK(count == n);
	const struct grounding_exercise *d = grounding_set_default(set);
	FUZZ_CHECK(d && d->is_default && d->focus == GROUNDING_FOCUS_OUTWARD);
	for (size_t i = 0; i < count; i++) {
		const struct grounding_exercise *e = grounding_set_at(set, i),
		                                *f;
		const char *suggest;
		FUZZ_CHECK(grounding_set_find(set, e->name, &f, &suggest) == 0);
		FUZZ_CHECK(f == e);
		char prefix[2] = {e->name[0], '\0'};
		grounding_set_find(set, prefix, &f, &suggest);
	}
	const struct grounding_exercise *f;
	const char *suggest;
	if (grounding_set_find(set, "orientng", &f, &suggest) == 0)
		FUZZ_CHECK(f);
	static const unsigned states[] = {0, GROUNDING_TOO_MUCH,
	                                  GROUNDING_TOO_LITTLE};
	for (size_t s = 0; s < 3; s++)
		for (uint32_t r = 0; r < 3; r++) {
			const struct grounding_exercise *p =
			        grounding_set_pick(set, states[s], r == 0, r);
			FUZZ_CHECK(!p || !states[s] || (p->suits & states[s]));
			/* one with a caution is only ever asked for */
			FUZZ_CHECK(!p || !p->ncaution);
		}
	grounding_set_free(set);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_cstr(data, size);
	struct grounding_exercise *ex;
	struct grounding_error err;

	if (size < 32) {
		check_pattern(text);
		grounding_state_parse(text);
	}
	int rc = grounding_exercise_parse(text, size, &ex, &err);
	if (rc == 0) {
		check_exercise(ex);
		grounding_exercise_free(ex);
	} else {
		FUZZ_CHECK(rc == GROUNDING_EPARSE && err.msg[0]);
	}

	/* The set: split at "%%" lines (text is ours to cut). */
	char *parts[MAX_FILES];
	size_t n = 0;
	parts[n++] = text;
	for (char *p = text; n < MAX_FILES && (p = strstr(p, "\n%%\n"));) {
		*p = '\0';
		p += 4;
		parts[n++] = p;
	}
	check_set(parts, n);
	free(text);
	return 0;
}
