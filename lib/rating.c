#include "rating.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_t *
rating_value(int v)
{
	return v >= 0 && v <= 10 ? json_integer(v) : json_null();
}

int
rating_add(struct vault *v, bool sealed, const struct rating *r, char *id_out)
{
	json_t *o = json_object();
	char *head;
	int rc;
	if (!o)
		return VAULT_ERROR;
	json_object_set_new(o, "v", json_integer(1));
	json_object_set_new(o, "created", json_integer(r->created));
	json_object_set_new(o, "exercise", json_string(r->exercise));
	json_object_set_new(o, "before", rating_value(r->before));
	json_object_set_new(o, "after", rating_value(r->after));
	head = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!head)
		return VAULT_ERROR;
	rc = sealed ? vault_seal(v, RATING_KIND, head, strlen(head), "", 0,
	                         id_out)
	            : vault_put(v, NULL, RATING_KIND, head, strlen(head), "", 0,
	                        id_out);
	/* json_dumps allocates with jansson's allocator (see
	 * journal_json_init), so it must be freed with the same */
	json_malloc_t m;
	json_free_t f;
	json_get_alloc_funcs(&m, &f);
	f(head);
	return rc;
}

static int
read_value(json_t *o, const char *key, int *out)
{
	json_t *x = json_object_get(o, key);
	if (!x || json_is_null(x)) {
		*out = RATING_NONE;
		return 0;
	}
	if (!json_is_integer(x) || json_integer_value(x) < 0 ||
	    json_integer_value(x) > 10)
		return -1;
	*out = (int)json_integer_value(x);
	return 0;
}

int
rating_decode(const char *id, const unsigned char *head, size_t len,
              struct rating *out)
{
	json_error_t err;
	json_t *o = json_loadb((const char *)head, len, 0, &err);
	int rc = -1;
	memset(out, 0, sizeof(*out));
	if (!o || !json_is_object(o))
		goto out;
	json_t *created = json_object_get(o, "created");
	const char *ex = json_string_value(json_object_get(o, "exercise"));
	if (!json_is_integer(created) || !ex ||
	    strlen(ex) >= sizeof(out->exercise))
		goto out;
	if (read_value(o, "before", &out->before) ||
	    read_value(o, "after", &out->after))
		goto out;
	out->created = (time_t)json_integer_value(created);
	snprintf(out->exercise, sizeof(out->exercise), "%s", ex);
	snprintf(out->id, sizeof(out->id), "%s", id);
	rc = 0;
out:
	json_decref(o);
	return rc;
}

struct list_ctx {
	time_t since, until; /* 0: open */
	struct rating *list;
	size_t n, cap;
	void (*damaged)(void *, const char *);
	void *arg;
};

static int
list_cb(void *arg, const struct vault_item *it)
{
	struct list_ctx *c = arg;
	struct rating r;
	if (it->damaged || rating_decode(it->id, it->head, it->headlen, &r)) {
		if (c->damaged)
			c->damaged(c->arg, it->id);
		return 0;
	}
	if ((c->since && r.created < c->since) ||
	    (c->until && r.created > c->until))
		return 0;
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 32;
		struct rating *nl = realloc(c->list, cap * sizeof(*nl));
		if (!nl)
			return VAULT_ERROR;
		c->list = nl;
		c->cap = cap;
	}
	c->list[c->n++] = r;
	return 0;
}

static int
oldest_first(const void *a, const void *b)
{
	const struct rating *x = a, *y = b;
	if (x->created != y->created)
		return x->created < y->created ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
rating_list(struct vault *v, time_t since, time_t until, struct rating **out,
            size_t *n, void (*damaged)(void *arg, const char *id), void *arg)
{
	struct list_ctx c = {
	        .since = since, .until = until, .damaged = damaged, .arg = arg};
	int rc = (since || until) && vault_has_sort_key(v)
	                 ? vault_each_by_key(v, RATING_KIND, 0,
	                                     since ? (int64_t)since : INT64_MIN,
	                                     until ? (int64_t)until : INT64_MAX,
	                                     list_cb, &c)
	                 : vault_each(v, RATING_KIND, 0, list_cb, &c);
	if (rc) {
		free(c.list);
		*out = NULL;
		*n = 0;
		return rc;
	}
	if (c.n)
		qsort(c.list, c.n, sizeof(*c.list), oldest_first);
	*out = c.list;
	*n = c.n;
	return VAULT_OK;
}
