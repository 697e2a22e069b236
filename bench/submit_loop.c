/* The reference for public submissions: the same submission as bench/submit.sh POSTs, stored
 * through the same domain call with no HTTP and no concurrency, so each is one transaction and
 * one fsync (SQLite WAL, synchronous=FULL, as the server). Prints rows per second.
 * Usage: submit_loop DB_URL SECONDS BODY_JSON */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "crypto.h"
#include "db.h"
#include "opinion.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct err e = {0};
	struct db *db;
	json_t *body;
	char key[4096];
	double secs, t0, t;
	long n = 0;

	if (argc != 4 || strncmp(argv[1], "sqlite:", 7)) {
		fprintf(stderr, "usage: submit_loop sqlite:PATH SECONDS BODY_JSON\n");
		return 2;
	}
	secs = atof(argv[2]);
	body = json_loads(argv[3], 0, NULL);
	snprintf(key, sizeof(key), "%s.key", argv[1] + 7);
	if (!body || crypto_load_key(key, 1, &e) || db_open(argv[1], 1, &db, &e)) {
		fprintf(stderr, "submit_loop: %s\n", body ? e.msg : "bad body");
		return 1;
	}
	t0 = now_s();
	do {
		json_t *out = NULL;
		if (opinion_submit(db, "127.0.0.1", 1000000, body, &out, &e)) {
			fprintf(stderr, "submit_loop: %s\n", e.msg);
			return 1;
		}
		json_decref(out);
		n++;
		t = now_s();
	} while (t - t0 < secs);
	printf("%ld %.0f\n", n, (double)n / (t - t0));
	json_decref(body);
	db_close(db);
	return 0;
}
