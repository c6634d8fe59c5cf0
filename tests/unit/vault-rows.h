/*
 * For unit tests that damage one record from outside: which row of the
 * record table holds record `id` (format 2 rows say nothing in clear, so
 * this asks the vault's index, with the passphrase). The vault must be
 * closed by the caller's other handles' writes (it is opened here).
 */
#ifndef SELFHELP_TEST_VAULT_ROWS_H
#define SELFHELP_TEST_VAULT_ROWS_H

#include "vault-internal.h"

#include <cmocka.h>
#include <sodium.h>
#include <string.h>

static inline int64_t
test_row_of(const char *path, const char *pass, const char *id)
{
	struct vault *v = NULL;
	unsigned char raw[VAULT_ID_BYTES];
	size_t n = 0;
	int rc;
	assert_int_equal(sodium_hex2bin(raw, sizeof(raw), id, strlen(id), NULL,
	                                &n, NULL),
	                 0);
	assert_int_equal(vault_open(path, &v, NULL), VAULT_OK);
	assert_int_equal(vault_unlock(v, pass, strlen(pass)), VAULT_OK);
	assert_int_equal(index_fresh(v), VAULT_OK);
	struct index_entry *e = index_find(v, raw, &rc);
	assert_int_equal(rc, VAULT_OK);
	assert_non_null(e);
	int64_t rowid = e->rowid;
	vault_free(v);
	return rowid;
}

#endif
