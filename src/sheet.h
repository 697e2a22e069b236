/* sheet.h: spreadsheets in and out: .xlsx (read with minizip + expat, written with
 * libxlsxwriter) and .csv (UTF-8, RFC 4180, with or without a BOM). Offices keep rosters in
 * these; the importers validate rows, this module only moves cells. */
#ifndef RENDA_SHEET_H
#define RENDA_SHEET_H

#include <jansson.h>
#include <stddef.h>

#include "err.h"
#include "util.h"

enum sheet_format { SHEET_XLSX = 1, SHEET_CSV = 2 };

/* A table of text cells. Rows may have different lengths; a missing cell reads as "". */
struct sheet {
	size_t nrows;
	size_t *ncols; /* per row */
	char ***cells; /* cells[row][col], NUL-terminated UTF-8, owned */
	size_t cap;
};

void sheet_init(struct sheet *s);
void sheet_release(struct sheet *s);
/* Appends a row of n cells (copied). */
void sheet_add_row(struct sheet *s, const char *const *cells, size_t n);
/* The cell's text, or "" when absent. Borrowed. */
const char *sheet_cell(const struct sheet *s, size_t row, size_t col);

/* Detects the format from the content (a ZIP signature is xlsx; otherwise UTF-8 text is csv).
 * E_INVALID "bad_file" for anything else (binary that is not a ZIP, invalid UTF-8). */
int sheet_detect(const char *data, size_t len, enum sheet_format *fmt, struct err *e) WUR;

/* Reads the first worksheet with data (xlsx: of the first 16, in the workbook's order) or the
 * whole file (csv) into *out (initialised here).
 * Dates stored as xlsx serial numbers in cells whose style is a date come back as
 * "YYYY-MM-DD"; numbers as their shortest decimal text; shared and inline strings as text.
 * Limits: at most max_rows rows and 64 columns, cells of at most 4096 bytes, an
 * uncompressed sheet of at most 64 MiB; past them E_TOOLARGE / E_INVALID with a Chinese
 * message naming the row as Excel numbers it (row 1 is the header). Nothing is kept on error.
 * Row i of *out is spreadsheet row i+1: blank rows in between stay as rows with ncols 0;
 * trailing blank cells and rows are dropped. A CSV cell that starts with an apostrophe before
 * = + - @ (our own formula guard, see sheet_write) loses that one apostrophe. */
int sheet_read(const char *data, size_t len, enum sheet_format fmt, size_t max_rows,
	       struct sheet *out, struct err *e) WUR;

/* Writes s as a new file into *out (malloc'd, owned by the caller) and *len. For xlsx the
 * first row is bold (a header), frozen, columns sized to their text, and sheet_name (cleaned
 * to Excel's rules; NULL for "Sheet1") names the worksheet; every cell is a string. CSV gets a
 * UTF-8 BOM and CRLF, and a cell that would start a formula (= + - @ tab CR) gets a leading
 * apostrophe. E_INVALID "bad_encoding" for a cell that is not UTF-8. */
int sheet_write(const struct sheet *s, enum sheet_format fmt, const char *sheet_name, char **out,
		size_t *len, struct err *e) WUR;

/* One column of a report exported from JSON rows: the member's key and the header. */
struct sheet_col {
	const char *key, *header;
};
/* Writes JSON objects (items) as a sheet: a header row, then one row per item with each column's
 * member as text (numbers as numbers print, reals as percentages when key ends in "rate" or
 * "share", true/false as 是/否, arrays joined with "、"). */
int sheet_write_json(json_t *items, const struct sheet_col *cols, enum sheet_format fmt,
		     const char *sheet_name, char **out, size_t *len, struct err *e) WUR;

#endif
