/* demo.h: the demo city 示范市 (fictional, root region 329900), generated deterministically. */
#ifndef RENDA_DEMO_H
#define RENDA_DEMO_H

#include "db.h"

enum demo_size { DEMO_SMALL, DEMO_MEDIUM, DEMO_LARGE };

/* The password of every demo account. */
#define DEMO_PASSWORD "Renda@2024"

/* Fills an empty, migrated database in one transaction. progress (may be NULL) is called with
 * done/total steps. E_CONFLICT "not_empty" when regions already exist. */
int demo_create(struct db *db, enum demo_size size, unsigned long long seed,
		void (*progress)(int done, int total), struct err *e) WUR;
/* Parses "small", "medium", "large"; -1 otherwise. */
int demo_size_parse(const char *s);
/* Prints the demo accounts, one per line, to stdout. */
void demo_print_accounts(void);

#endif
