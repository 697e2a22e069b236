#include "crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"

static unsigned char enc_key[16], mac_key[32], idx_key[32];
static int have_key;
static unsigned key_gen; /* bumped by crypto_set_key: the threads' keyed contexts are then stale */

/* The algorithms, fetched from the provider once: OpenSSL 3 looks them up by name on every
 * one-shot call (HMAC(), EVP_sm4_ctr()), which cost more than the hashing of a phone number. */
static pthread_once_t algs_once = PTHREAD_ONCE_INIT;
static EVP_MAC *hmac_alg;
static EVP_CIPHER *sm4_ctr_alg;

/* Each thread keeps an HMAC context keyed with mac_key and one with idx_key: re-initialised
 * without a key, HMAC reuses the key's padded state instead of hashing it again. Freed when the
 * thread ends. */
struct keyed {
	EVP_MAC_CTX *mac, *idx;
	unsigned gen;
};
static pthread_key_t keyed_key;

static void keyed_free(void *p)
{
	struct keyed *k = p;
	EVP_MAC_CTX_free(k->mac);
	EVP_MAC_CTX_free(k->idx);
	free(k);
}

static void algs_init(void)
{
	hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
	sm4_ctr_alg = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	if (pthread_key_create(&keyed_key, keyed_free))
		abort();
}

static OSSL_PARAM sm3_params[] = {OSSL_PARAM_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SM3", 3), OSSL_PARAM_END};

/* The calling thread's context keyed with key (mac_key or idx_key), NULL for other keys. */
static EVP_MAC_CTX *keyed_ctx(const unsigned char *key, size_t klen)
{
	struct keyed *k;
	EVP_MAC_CTX **slot;

	if (!hmac_alg || (key != mac_key && key != idx_key))
		return NULL;
	if (!(k = pthread_getspecific(keyed_key))) {
		k = xcalloc(1, sizeof(*k));
		if (pthread_setspecific(keyed_key, k)) {
			free(k);
			return NULL;
		}
	}
	if (k->gen != key_gen) {
		EVP_MAC_CTX_free(k->mac);
		EVP_MAC_CTX_free(k->idx);
		k->mac = k->idx = NULL;
		k->gen = key_gen;
	}
	slot = key == mac_key ? &k->mac : &k->idx;
	if (!*slot) {
		EVP_MAC_CTX *c = EVP_MAC_CTX_new(hmac_alg);
		if (!c || EVP_MAC_init(c, key, klen, sm3_params) != 1) {
			EVP_MAC_CTX_free(c);
			return NULL;
		}
		*slot = c;
		return c; /* initialised with the key already */
	}
	return EVP_MAC_init(*slot, NULL, 0, NULL) == 1 ? *slot : NULL;
}

/* HMAC-SM3 of data under key into out (32 bytes). */
static int hmac_sm3(const unsigned char *key, size_t klen, const unsigned char *data, size_t n,
		    unsigned char out[32])
{
	EVP_MAC_CTX *ctx, *own = NULL;
	size_t len = 0;
	int ok;

	pthread_once(&algs_once, algs_init);
	if (!hmac_alg) {
		unsigned int ulen = 32;
		return HMAC(EVP_sm3(), key, (int)klen, data, n, out, &ulen) && ulen == 32 ? 0 : -1;
	}
	if (!(ctx = keyed_ctx(key, klen))) {
		ctx = own = EVP_MAC_CTX_new(hmac_alg);
		if (ctx && EVP_MAC_init(ctx, key, klen, sm3_params) != 1)
			ctx = NULL;
	}
	ok = ctx && EVP_MAC_update(ctx, data, n) == 1 && EVP_MAC_final(ctx, out, &len, 32) == 1 &&
	     len == 32;
	EVP_MAC_CTX_free(own);
	return ok ? 0 : -1;
}

void crypto_sm3_hex(const void *data, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	unsigned int len = 0;
	if (!EVP_Digest(data, n, d, &len, EVP_sm3(), NULL) || len != 32) {
		/* OpenSSL without SM3 cannot run this server (crypto_set_key needs it too) */
		fprintf(stderr, "renda: SM3 unavailable\n");
		abort();
	}
	for (int i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}

void crypto_set_key(const unsigned char key[32])
{
	unsigned char t[32];
	/* One master key, three purposes: derive a key for each so none is used twice. */
	hmac_sm3(key, 32, (const unsigned char *)"renda-sm4-enc", 13, t);
	memcpy(enc_key, t, sizeof(enc_key));
	hmac_sm3(key, 32, (const unsigned char *)"renda-sm3-mac", 13, mac_key);
	hmac_sm3(key, 32, (const unsigned char *)"renda-sm3-idx", 13, idx_key);
	OPENSSL_cleanse(t, sizeof(t));
	key_gen++;
	have_key = 1;
}

int crypto_ready(void)
{
	return have_key;
}

static int unhex(const char *s, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v = 0;
		for (int k = 0; k < 2; k++) {
			char c = s[2 * i + k];
			v <<= 4;
			if (c >= '0' && c <= '9')
				v |= (unsigned)(c - '0');
			else if (c >= 'a' && c <= 'f')
				v |= (unsigned)(c - 'a' + 10);
			else if (c >= 'A' && c <= 'F')
				v |= (unsigned)(c - 'A' + 10);
			else
				return -1;
		}
		out[i] = (unsigned char)v;
	}
	return 0;
}

int crypto_load_key(const char *path, int create, struct err *e)
{
	unsigned char key[32];
	char hex[80];
	FILE *f = fopen(path, "r");

	if (!f && errno == ENOENT && create) {
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd < 0)
			return err_set(e, E_INTERNAL, "key_file", "无法创建密钥文件 %s", path);
		if (RAND_bytes(key, sizeof(key)) != 1) {
			close(fd);
			return err_set(e, E_INTERNAL, "key_file", "无法生成密钥");
		}
		for (size_t i = 0; i < sizeof(key); i++)
			snprintf(hex + 2 * i, 3, "%02x", key[i]);
		hex[64] = '\n';
		if (write(fd, hex, 65) != 65) {
			close(fd);
			return err_set(e, E_INTERNAL, "key_file", "无法写入密钥文件 %s", path);
		}
		close(fd);
		crypto_set_key(key);
		OPENSSL_cleanse(key, sizeof(key));
		return 0;
	}
	if (!f)
		return err_set(e, E_INVALID, "key_file", "无法读取密钥文件 %s", path);
	if (!fgets(hex, sizeof(hex), f) || strlen(hex) < 64 || unhex(hex, key, 32)) {
		fclose(f);
		return err_set(e, E_INVALID, "key_file", "密钥文件 %s 格式错误（应为64位十六进制）", path);
	}
	fclose(f);
	crypto_set_key(key);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(hex, sizeof(hex));
	return 0;
}

static int sm4_ctr(const unsigned char iv[16], const unsigned char *in, int n, unsigned char *out)
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int len = 0, fin = 0, ok;
	pthread_once(&algs_once, algs_init);
	ok = ctx &&
	     EVP_EncryptInit_ex(ctx, sm4_ctr_alg ? sm4_ctr_alg : EVP_sm4_ctr(), NULL, enc_key, iv) == 1 &&
	     EVP_EncryptUpdate(ctx, out, &len, in, n) == 1 &&
	     EVP_EncryptFinal_ex(ctx, out + len, &fin) == 1 && len + fin == n;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int crypto_seal(const char *plain, char **out, struct err *e)
{
	size_t n = strlen(plain), total = 16 + n + 32;
	unsigned char *raw;
	char *b64;
	int rc = 0;

	*out = NULL;
	if (!have_key)
		return err_set(e, E_INTERNAL, "no_key", "未加载个人信息加密密钥");
	if (n > (64u << 20))
		return err_set(e, E_INVALID, "too_long", "加密内容过长");
	raw = xmalloc(total);
	if (RAND_bytes(raw, 16) != 1 || sm4_ctr(raw, (const unsigned char *)plain, (int)n, raw + 16) ||
	    hmac_sm3(mac_key, sizeof(mac_key), raw, 16 + n, raw + 16 + n)) {
		rc = err_set(e, E_INTERNAL, "crypto", "加密失败");
		goto out;
	}
	b64 = xmalloc(3 + 4 * ((total + 2) / 3) + 1);
	memcpy(b64, "s1:", 3);
	EVP_EncodeBlock((unsigned char *)b64 + 3, raw, (int)total);
	*out = b64;
out:
	free(raw);
	return rc;
}

int crypto_open(const char *sealed, char **out, struct err *e)
{
	size_t blen;
	unsigned char *raw, tag[32];
	int n, rc = 0;
	char *plain;

	*out = NULL;
	if (!have_key)
		return err_set(e, E_INTERNAL, "no_key", "未加载个人信息加密密钥");
	if (strncmp(sealed, "s1:", 3))
		return err_set(e, E_INVALID, "tampered", "密文格式错误");
	blen = strlen(sealed + 3);
	if (blen % 4 || blen < 64)
		return err_set(e, E_INVALID, "tampered", "密文格式错误");
	raw = xmalloc(blen);
	n = EVP_DecodeBlock(raw, (const unsigned char *)sealed + 3, (int)blen);
	/* EVP_DecodeBlock counts padding bytes as data: take them off. */
	if (n > 0 && sealed[3 + blen - 1] == '=')
		n--;
	if (n > 0 && sealed[3 + blen - 2] == '=')
		n--;
	if (n < 48 || hmac_sm3(mac_key, sizeof(mac_key), raw, (size_t)n - 32, tag) ||
	    CRYPTO_memcmp(tag, raw + n - 32, 32) != 0) {
		rc = err_set(e, E_INVALID, "tampered", "个人信息密文校验失败");
		goto out;
	}
	plain = xmalloc((size_t)n - 48 + 1);
	if (sm4_ctr(raw, raw + 16, n - 48, (unsigned char *)plain)) {
		free(plain);
		rc = err_set(e, E_INTERNAL, "crypto", "解密失败");
		goto out;
	}
	plain[n - 48] = '\0';
	*out = plain;
out:
	free(raw);
	return rc;
}

int crypto_blind_index(const char *text, char *out, struct err *e)
{
	unsigned char d[32];
	if (!have_key)
		return err_set(e, E_INTERNAL, "no_key", "未加载个人信息加密密钥");
	if (hmac_sm3(idx_key, sizeof(idx_key), (const unsigned char *)text, strlen(text), d))
		return err_set(e, E_INTERNAL, "crypto", "摘要计算失败");
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return 0;
}

static void mask(const char *s, size_t keep_head, size_t keep_tail, char *out, size_t n)
{
	size_t len = strlen(s), j = 0;
	if (len <= keep_head + keep_tail) {
		/* too short to show any of it safely */
		for (size_t i = 0; i < len && j + 1 < n; i++)
			out[j++] = '*';
		out[j] = '\0';
		return;
	}
	for (size_t i = 0; i < len && j + 1 < n; i++)
		out[j++] = (i < keep_head || i >= len - keep_tail) ? s[i] : '*';
	out[j] = '\0';
}

void crypto_mask_phone(const char *phone, char *out, size_t n)
{
	mask(phone, 3, 4, out, n);
}

void crypto_mask_id(const char *id, char *out, size_t n)
{
	mask(id, 6, 4, out, n);
}
