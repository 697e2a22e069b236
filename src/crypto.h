/* crypto.h: personal data at rest (DOMAIN §17, §36): SM4-CTR encryption with an HMAC-SM3 tag
 * (encrypt-then-MAC), a keyed SM3 blind index for equality lookups (duplicate ID numbers), and
 * masking for display. The key lives in a file apart from the database. */
#ifndef RENDA_CRYPTO_H
#define RENDA_CRYPTO_H

#include <stddef.h>

#include "err.h"
#include "util.h"

/* Loads the 32-byte master key (64 hex characters) from path; with create, makes a new random
 * key file (mode 0600) when none exists. Process-wide; call once before serving. */
int crypto_load_key(const char *path, int create, struct err *e) WUR;
/* 1 once a key is loaded. */
int crypto_ready(void);
/* For tests: a fixed key. */
void crypto_set_key(const unsigned char key[32]);

/* Encrypts plain text into "s1:" + base64(iv | ciphertext | tag); *out malloc'd. */
int crypto_seal(const char *plain, char **out, struct err *e) WUR;
/* Decrypts and authenticates what crypto_seal made; E_INVALID "tampered" when the tag fails. */
int crypto_open(const char *sealed, char **out, struct err *e) WUR;
/* A keyed SM3 digest of text as 64 hex characters (out must hold 65): equal texts give equal
 * digests, which the database can index without holding the text. */
int crypto_blind_index(const char *text, char *out, struct err *e) WUR;

/* The plain SM3 digest of n bytes of data as 64 lower-case hex characters (out holds 65): the
 * audit trail's hash chain, which anyone may recompute without the key. */
void crypto_sm3_hex(const void *data, size_t n, char out[65]);

/* Masks for display: a phone "13812341234" → "138****1234", an ID number
 * "329981199001011234" → "329981********1234". Writes into out (at least 32 bytes). */
void crypto_mask_phone(const char *phone, char *out, size_t n);
void crypto_mask_id(const char *id, char *out, size_t n);

#endif
