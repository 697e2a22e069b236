/* deputy_io.h: the deputy registry in and out of spreadsheets: an import template, imports
 * previewed row by row (nothing stored until confirmed, then every row in one transaction),
 * and exports of the roster and the statistics (.xlsx or .csv). */
#ifndef RENDA_DEPUTY_IO_H
#define RENDA_DEPUTY_IO_H

#include <jansson.h>

#include "actor.h"
#include "db.h"
#include "deputy.h"
#include "sheet.h"

typedef void (*io_progress)(int done, int total);

/* The import template: the header row and one example row. *out malloc'd. */
int deputy_io_template(enum sheet_format fmt, char **out, size_t *len, struct err *e) WUR;
/* Reads and checks a file; stores an encrypted staging copy when every row is valid.
 * *out: {"preview":{"import_id"|null,"total","valid","errors":[{row,column,message}],"rows":[...]}}. */
int deputy_io_preview(struct db *db, const struct actor *a, const char *data, size_t len,
		      io_progress progress, json_t **out, struct err *e) WUR;
/* Imports a previewed file in one transaction: *out {"imported":N}. */
int deputy_io_confirm(struct db *db, const struct actor *a, int64_t import_id, io_progress progress,
		      json_t **out, struct err *e) WUR;
/* The roster matching f, the list's search text lq->q and its order lq->sort (lq may be NULL:
 * every match by name) as a file (phones and ID numbers masked). */
int deputy_io_export(struct db *db, const struct actor *a, const struct deputy_filter *f,
		     const struct listq *lq, enum sheet_format fmt, char **out, size_t *len,
		     struct err *e) WUR;
/* The composition statistics matching f as a file. */
int deputy_io_export_stats(struct db *db, const struct actor *a, const struct deputy_filter *f,
			   enum sheet_format fmt, char **out, size_t *len, struct err *e) WUR;

#endif
