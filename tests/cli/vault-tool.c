/*
 * CLI test helper for format 2 vaults, whose rows say nothing in clear:
 *
 *   vault-tool row VAULT PASSFILE ID
 *       print the row (rowid) that holds record ID (a prefix will do),
 *       so a test can damage exactly that record. Needs the passphrase.
 *   vault-tool forge-sealed VAULT KIND HEAD BODY
 *       what someone with the vault file alone can do: add a row sealed
 *       to the file's public key, as a locked write would, of any kind,
 *       with any head and body (vault-format.md, "Locked writes").
 *   vault-tool swap-key VAULT
 *       put a public key of the attacker's own into the file's header.
 *
 * Exit status 0, or 1 with a message on stderr.
 */
#include "vault-internal.h"
#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
die(const char *msg)
{
	fprintf(stderr, "vault-tool: %s\n", msg);
	return 1;
}

static int
row(const char *path, const char *passfile, const char *prefix)
{
	char pass[1024], hex[VAULT_ID_HEX + 1], *err = NULL;
	struct vault *v = NULL;
	FILE *f = fopen(passfile, "re");
	if (!f || !fgets(pass, sizeof(pass), f))
		return die("cannot read the passphrase file");
	fclose(f);
	pass[strcspn(pass, "\r\n")] = '\0';
	if (vault_open(path, &v, &err) || vault_unlock(v, pass, strlen(pass)) ||
	    index_load_all(v)) {
		fprintf(stderr, "vault-tool: %s\n",
		        err ? err : vault_errmsg(v));
		vault_free(v);
		return 1;
	}
	int found = 0;
	for (size_t b = 0; b < ((size_t)1 << v->st.bucket_bits); b++)
		for (size_t i = 0; i < v->buckets[b].n; i++) {
			const struct index_entry *e = &v->buckets[b].e[i];
			sodium_bin2hex(hex, sizeof(hex), e->id, VAULT_ID_BYTES);
			if (e->rowid &&
			    strncmp(hex, prefix, strlen(prefix)) == 0) {
				printf("%lld\n", (long long)e->rowid);
				found++;
			}
		}
	vault_free(v);
	return found == 1 ? 0 : die("no single record with that id");
}

static int
meta(sqlite3 *db, unsigned char *vid, unsigned char *pk)
{
	sqlite3_stmt *st;
	int rc = -1;
	if (sqlite3_prepare_v2(db, "SELECT vault_id, public_key FROM meta", -1,
	                       &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_bytes(st, 0) == 16 &&
	    sqlite3_column_bytes(st, 1) == 32) {
		memcpy(vid, sqlite3_column_blob(st, 0), 16);
		memcpy(pk, sqlite3_column_blob(st, 1), 32);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/* Pad to 256-byte blocks (as vault-format.md says for small parts). */
static unsigned char *
padded(const unsigned char *p, size_t n, size_t *out)
{
	size_t cap = (n / 256 + 1) * 256;
	unsigned char *b = calloc(1, cap);
	if (!b)
		return NULL;
	memcpy(b, p, n);
	if (sodium_pad(out, b, n, 256, cap) != 0) {
		free(b);
		return NULL;
	}
	return b;
}

static int
forge(const char *path, const char *kind, const char *head, const char *body)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char vid[16], pk[32], epk[32], esk[32], q[32], key[32], id[16];
	unsigned char ad[128], env[64];
	size_t kl = strlen(kind), hl = strlen(head), bl = strlen(body), adl;
	size_t hp_len, bp_len;
	unsigned long long cl;
	if (kl == 0 || kl >= 32)
		return die("a kind is 1 to 31 bytes");
	if (sqlite3_open(path, &db) != SQLITE_OK || meta(db, vid, pk))
		return die("cannot read the vault's header");
	/* the envelope: version 1, written while locked, id, revision 1,
	 * time, kind */
	randombytes_buf(id, 16);
	memset(env, 0, sizeof(env));
	env[0] = 1;
	env[1] = 1;
	memcpy(env + 2, id, 16);
	env[18] = 1;
	uint64_t now = (uint64_t)time(NULL);
	for (int i = 0; i < 8; i++)
		env[26 + i] = (unsigned char)(now >> (8 * i));
	env[34] = (unsigned char)kl;
	memcpy(env + 35, kind, kl);
	unsigned char *plain = malloc(35 + kl + hl);
	memcpy(plain, env, 35 + kl);
	memcpy(plain + 35 + kl, head, hl);
	unsigned char *hp = padded(plain, 35 + kl + hl, &hp_len);
	unsigned char *bp = padded((const unsigned char *)body, bl, &bp_len);
	free(plain);
	if (!hp || !bp)
		return die("out of memory");
	crypto_box_keypair(epk, esk);
	if (crypto_scalarmult(q, esk, pk) != 0)
		return die("the public key is not usable");
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	crypto_generichash_update(&h, q, 32);
	crypto_generichash_update(&h, epk, 32);
	crypto_generichash_update(&h, pk, 32);
	crypto_generichash_final(&h, key, 32);
	unsigned char *hout = malloc(32 + 24 + hp_len + 16);
	unsigned char *bout = malloc(24 + bp_len + 16);
	adl = sizeof("selfhelp-sealed-head");
	memcpy(ad, "selfhelp-sealed-head", adl);
	memcpy(ad + adl, vid, 16);
	adl += 16;
	memset(ad + adl, 0, 8);
	ad[adl] = 2;
	adl += 8;
	memcpy(ad + adl, epk, 32); /* the head is bound to its tag */
	memcpy(hout, epk, 32);
	randombytes_buf(hout + 32, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(
	        hout + 56, &cl, hp, hp_len, ad, adl + 32, NULL, hout + 32, key);
	size_t houtlen = 56 + (size_t)cl;
	memcpy(ad, "selfhelp-sealed-body", sizeof("selfhelp-sealed-body"));
	memcpy(ad + adl, id, 16);
	adl += 16;
	randombytes_buf(bout, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(bout + 24, &cl, bp, bp_len,
	                                           ad, adl, NULL, bout, key);
	size_t boutlen = 24 + (size_t)cl;
	int rc = sqlite3_prepare_v2(db,
	                            "INSERT INTO record(head, body) VALUES "
	                            "(?, ?)",
	                            -1, &st, NULL) != SQLITE_OK;
	if (!rc) {
		sqlite3_bind_blob(st, 1, hout, (int)houtlen, SQLITE_STATIC);
		sqlite3_bind_blob(st, 2, bout, (int)boutlen, SQLITE_STATIC);
		rc = sqlite3_step(st) != SQLITE_DONE;
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	free(hp);
	free(bp);
	free(hout);
	free(bout);
	return rc ? die("cannot write the row") : 0;
}

static int
swap_key(const char *path)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	unsigned char pk[32], sk[32];
	crypto_box_keypair(pk, sk);
	if (sqlite3_open(path, &db) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "UPDATE meta SET public_key = ?", -1, &st,
	                       NULL) != SQLITE_OK)
		return die("cannot open the vault");
	sqlite3_bind_blob(st, 1, pk, 32, SQLITE_STATIC);
	int rc = sqlite3_step(st) != SQLITE_DONE;
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc ? die("cannot write the key") : 0;
}

int
main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc == 5 && strcmp(argv[1], "row") == 0)
		return row(argv[2], argv[3], argv[4]);
	if (argc == 6 && strcmp(argv[1], "forge-sealed") == 0)
		return forge(argv[2], argv[3], argv[4], argv[5]);
	if (argc == 3 && strcmp(argv[1], "swap-key") == 0)
		return swap_key(argv[2]);
	fprintf(stderr, "usage: vault-tool row VAULT PASSFILE ID\n"
	                "       vault-tool forge-sealed VAULT KIND HEAD BODY\n"
	                "       vault-tool swap-key VAULT\n");
	return 2;
}
