/* libFuzzer target: spreadsheet import must never crash, leak or return cells outside its
 * limits, whatever a web user uploads. The first byte picks the path:
 *   0: the rest is a CSV file;
 *   1: the rest is a whole .xlsx (ZIP) file;
 *   2, 3: the rest is the XML parts of a workbook separated by NUL bytes (worksheet,
 *         sharedStrings, styles, workbook, rels), stored in a ZIP here, so that mutations
 *         reach the XML parsers instead of breaking CRCs; 3 also round-trips through xlsx.
 * Whatever was read must survive a CSV round trip unchanged. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "sheet.h"
#include "util.h"

#define MAX_ROWS 200

static const char dflt_workbook[] =
	"<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
	"</workbook>";
static const char dflt_styles[] =
	"<styleSheet><numFmts><numFmt numFmtId=\"164\" formatCode=\"yyyy-mm-dd\"/></numFmts>"
	"<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"164\"/>"
	"<xf numFmtId=\"22\"/></cellXfs></styleSheet>";

static void put16(struct buf *b, unsigned v)
{
	buf_addc(b, (char)(v & 0xff));
	buf_addc(b, (char)(v >> 8 & 0xff));
}

static void put32(struct buf *b, unsigned long v)
{
	put16(b, (unsigned)(v & 0xffff));
	put16(b, (unsigned)(v >> 16 & 0xffff));
}

/* A ZIP with every entry stored (not compressed). */
static char *stored_zip(const char *const *names, const char *const *data, const size_t *lens,
			size_t n, size_t *out_len)
{
	struct buf b;
	unsigned long off[8], crc[8], cd, cdsize;
	buf_init(&b, 1u << 26);
	for (size_t i = 0; i < n; i++) {
		off[i] = b.len;
		crc[i] = crc32(0, (const unsigned char *)data[i], (uInt)lens[i]);
		put32(&b, 0x04034b50);
		put16(&b, 20);
		put16(&b, 0);
		put16(&b, 0);
		put32(&b, 0);
		put32(&b, crc[i]);
		put32(&b, lens[i]);
		put32(&b, lens[i]);
		put16(&b, (unsigned)strlen(names[i]));
		put16(&b, 0);
		buf_adds(&b, names[i]);
		buf_add(&b, data[i], lens[i]);
	}
	cd = b.len;
	for (size_t i = 0; i < n; i++) {
		put32(&b, 0x02014b50);
		put16(&b, 20);
		put16(&b, 20);
		put16(&b, 0);
		put16(&b, 0);
		put32(&b, 0);
		put32(&b, crc[i]);
		put32(&b, lens[i]);
		put32(&b, lens[i]);
		put16(&b, (unsigned)strlen(names[i]));
		put16(&b, 0);
		put16(&b, 0);
		put16(&b, 0);
		put16(&b, 0);
		put32(&b, 0);
		put32(&b, off[i]);
		buf_adds(&b, names[i]);
	}
	cdsize = b.len - cd;
	put32(&b, 0x06054b50);
	put16(&b, 0);
	put16(&b, 0);
	put16(&b, (unsigned)n);
	put16(&b, (unsigned)n);
	put32(&b, cdsize);
	put32(&b, cd);
	put16(&b, 0);
	return buf_detach(&b, out_len);
}

static char *parts_zip(const char *p, size_t len, size_t *out_len)
{
	const char *names[5] = {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
				"xl/workbook.xml", "xl/_rels/workbook.xml.rels"};
	const char *data[5] = {"", NULL, dflt_styles, dflt_workbook, NULL};
	size_t lens[5] = {0, 0, sizeof(dflt_styles) - 1, sizeof(dflt_workbook) - 1, 0};
	const char *zn[5], *zd[5];
	size_t zl[5], n = 0, k = 0;

	while (k < 5) {
		const char *nul = memchr(p, '\0', len);
		size_t part = nul ? (size_t)(nul - p) : len;
		data[k] = p;
		lens[k] = part;
		k++;
		if (!nul)
			break;
		p += part + 1;
		len -= part + 1;
	}
	for (size_t i = 0; i < 5; i++) {
		if (!data[i])
			continue;
		zn[n] = names[i];
		zd[n] = data[i];
		zl[n] = lens[i];
		n++;
	}
	return stored_zip(zn, zd, zl, n, out_len);
}

static void check(const struct sheet *s)
{
	if (s->nrows > MAX_ROWS)
		abort();
	if (s->nrows && s->ncols[s->nrows - 1] == 0)
		abort(); /* trailing empty rows are dropped */
	for (size_t r = 0; r < s->nrows; r++) {
		if (s->ncols[r] > 64)
			abort();
		if (s->ncols[r] && !*sheet_cell(s, r, s->ncols[r] - 1))
			abort(); /* trailing empty cells are dropped */
		for (size_t c = 0; c < s->ncols[r]; c++) {
			const char *v = s->cells[r][c];
			if (!v || strlen(v) > 4096 || !util_utf8_valid(v, strlen(v)))
				abort();
		}
	}
}

static void same(const struct sheet *a, const struct sheet *b)
{
	if (a->nrows != b->nrows)
		abort();
	for (size_t r = 0; r < a->nrows; r++) {
		if (a->ncols[r] != b->ncols[r])
			abort();
		for (size_t c = 0; c < a->ncols[r]; c++)
			if (strcmp(sheet_cell(a, r, c), sheet_cell(b, r, c)) != 0)
				abort();
	}
}

static void round_trip(const struct sheet *s, enum sheet_format fmt)
{
	struct sheet back;
	struct err e = {0};
	char *out;
	size_t len;
	if (sheet_write(s, fmt, "S", &out, &len, &e))
		abort(); /* everything read is writable */
	if (sheet_read(out, len, fmt, MAX_ROWS, &back, &e))
		abort();
	same(s, &back);
	sheet_release(&back);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet s;
	struct err e = {0};
	enum sheet_format fmt;
	const char *p = (const char *)data + 1;
	char *zip = NULL;
	size_t len;
	int mode;

	if (size < 1)
		return 0;
	mode = data[0] & 3;
	len = size - 1;
	if (mode >= 2)
		zip = parts_zip(p, len, &len);
	if (sheet_detect(zip ? zip : p, len, &fmt, &e) == 0 && fmt != SHEET_XLSX && fmt != SHEET_CSV)
		abort();
	if (sheet_read(zip ? zip : p, len, mode == 0 ? SHEET_CSV : SHEET_XLSX, MAX_ROWS, &s, &e) == 0) {
		check(&s);
		round_trip(&s, SHEET_CSV);
		if (mode == 3)
			round_trip(&s, SHEET_XLSX);
		sheet_release(&s);
	} else if (s.nrows || !e.msg[0] || e.kind >= 0) {
		abort(); /* an error keeps nothing and explains itself */
	}
	free(zip);
	return 0;
}
