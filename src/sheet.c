/* sheet.c: spreadsheets in and out. Uploads are hostile: every size the file controls is
 * capped (entry sizes before inflating, cell bytes, columns, rows, shared strings, XML depth),
 * no allocation follows a number written in the file (a cell reference "XFD1048576" costs
 * nothing), and an XML DOCTYPE is refused outright. Cells are collected per row into a fixed
 * array of SHEET_MAX_COLS slots; a row reaches the sheet only when it holds some text, so
 * blank rows between two filled ones become empty rows and trailing blank rows vanish. */
#include "sheet.h"

#include <expat.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unzip.h>
#include <xlsxwriter.h>

#include "buf.h"

#define SHEET_MAX_COLS 64          /* no roster the offices keep is wider */
#define SHEET_MAX_CELL 4096        /* bytes in one cell: a long remark, not a document */
#define SHEET_MAX_PART (64u << 20) /* a worksheet or shared-string part, uncompressed */
#define SHEET_MAX_META (16u << 20) /* workbook.xml, its rels, styles.xml: small in practice */
#define SHEET_MAX_TEXT \
	(64u << 20)                  /* all cell text kept: one shared string repeated in
				       * every cell must not multiply into gigabytes */
#define SHEET_MAX_SHARED (1u << 22)  /* shared strings; Excel's own row limit is 2^20 */
#define SHEET_MAX_XF 65536           /* cell styles; Excel allows about 64000 */
#define SHEET_MAX_NUMFMT 4096        /* custom number formats */
#define SHEET_MAX_DEPTH 64           /* XML nesting; OOXML sheets need about 8 */
#define SHEET_MAX_OUT (256u << 20)   /* a written file */
#define SHEET_MAX_SHEETS 16          /* worksheets looked at for the first one with data */
#define SHEET_ROW_SAT 1000000000000u /* row and column numbers saturate here while parsing */

static const char msg_not_sheet[] = "文件不是有效的 Excel (.xlsx) 或 CSV 文件";
static const char msg_not_utf8[] = "CSV 文件须为 UTF-8 编码（可在 Excel 中另存为“CSV UTF-8”）";

/* ---- the table ---- */

void sheet_init(struct sheet *s)
{
	memset(s, 0, sizeof(*s));
}

void sheet_release(struct sheet *s)
{
	for (size_t r = 0; r < s->nrows; r++) {
		for (size_t c = 0; c < s->ncols[r]; c++)
			free(s->cells[r][c]);
		free(s->cells[r]);
	}
	free(s->cells);
	free(s->ncols);
	sheet_init(s);
}

/* Appends a row, taking ownership of cells (an array of n owned strings; NULL when n is 0). */
static void push_row(struct sheet *s, char **cells, size_t n)
{
	if (s->nrows == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		s->cells = xrealloc(s->cells, cap * sizeof(*s->cells));
		s->ncols = xrealloc(s->ncols, cap * sizeof(*s->ncols));
		s->cap = cap;
	}
	s->cells[s->nrows] = cells;
	s->ncols[s->nrows] = n;
	s->nrows++;
}

void sheet_add_row(struct sheet *s, const char *const *cells, size_t n)
{
	char **row = NULL;
	if (n) {
		row = xmalloc(n * sizeof(*row));
		for (size_t i = 0; i < n; i++)
			row[i] = xstrdup(cells[i] ? cells[i] : "");
	}
	push_row(s, row, n);
}

const char *sheet_cell(const struct sheet *s, size_t row, size_t col)
{
	if (row >= s->nrows || col >= s->ncols[row] || !s->cells[row][col])
		return "";
	return s->cells[row][col];
}

/* Column letters as Excel shows them ("A", "BL", "XFD"); out holds at least 8 bytes. */
static void col_name(size_t col, char *out)
{
	char tmp[8];
	size_t n = 0, i = 0;
	col++;
	while (col && n < sizeof(tmp) - 1) {
		tmp[n++] = (char)('A' + (col - 1) % 26);
		col = (col - 1) / 26;
	}
	while (n)
		out[i++] = tmp[--n];
	out[i] = '\0';
}

/* ---- collecting one row ---- */

struct rowacc {
	struct sheet *s;
	size_t max_rows;
	size_t total;               /* bytes of cell text kept so far */
	char *slot[SHEET_MAX_COLS]; /* owned; NULL for an empty cell */
	size_t n;                   /* 1 + the highest filled column */
};

static void row_clear(struct rowacc *ra)
{
	for (size_t i = 0; i < ra->n; i++) {
		free(ra->slot[i]);
		ra->slot[i] = NULL;
	}
	ra->n = 0;
}

/* Records the text of a cell (row 1-based, col 0-based). Empty text is no cell at all, so a
 * blank cell far to the right or far below costs nothing and is never refused. */
static int row_set(struct rowacc *ra, size_t row, size_t col, const char *text, size_t len, struct err *e)
{
	char cname[8];

	if (col < SHEET_MAX_COLS && col < ra->n && ra->slot[col]) {
		ra->total -= strlen(ra->slot[col]);
		free(ra->slot[col]);
		ra->slot[col] = NULL;
		while (ra->n && !ra->slot[ra->n - 1])
			ra->n--;
	}
	if (len == 0)
		return 0;
	if (row > ra->max_rows)
		return err_set(e, E_TOOLARGE, "too_many_rows",
			       "第%zu行超过了允许的最大行数（%zu行）", row, ra->max_rows);
	if (col >= SHEET_MAX_COLS)
		return err_set(e, E_TOOLARGE, "too_many_columns",
			       "第%zu行超过了允许的最大列数（%d列）", row, SHEET_MAX_COLS);
	col_name(col, cname);
	if (len > SHEET_MAX_CELL)
		return err_set(e, E_TOOLARGE, "cell_too_long", "第%zu行%s列的内容超过了%d字节", row,
			       cname, SHEET_MAX_CELL);
	if (len > SHEET_MAX_TEXT - ra->total)
		return err_set(e, E_TOOLARGE, "file_too_large",
			       "表格内容过多（到第%zu行已超过%u MB），请分批导入", row,
			       SHEET_MAX_TEXT >> 20);
	ra->total += len;
	ra->slot[col] = xstrndup(text, len);
	if (col + 1 > ra->n)
		ra->n = col + 1;
	return 0;
}

/* Ends row `row`: a row with text goes into the sheet after empty rows for any skipped
 * numbers (row <= max_rows was checked by row_set, so the gap is bounded by the caller). */
static int row_end(struct rowacc *ra, size_t row, struct err *e)
{
	char **cells;

	if (ra->n == 0)
		return 0;
	if (row <= ra->s->nrows) {
		row_clear(ra);
		return err_set(e, E_INVALID, "bad_file", "文件格式有误：第%zu行出现了两次或顺序颠倒", row);
	}
	while (ra->s->nrows + 1 < row)
		push_row(ra->s, NULL, 0);
	cells = xmalloc(ra->n * sizeof(*cells));
	for (size_t i = 0; i < ra->n; i++) {
		cells[i] = ra->slot[i] ? ra->slot[i] : xstrdup("");
		ra->slot[i] = NULL;
	}
	push_row(ra->s, cells, ra->n);
	ra->n = 0;
	return 0;
}

/* ---- text helpers ---- */

static size_t line_of(const char *p, size_t off)
{
	size_t line = 1;
	for (size_t i = 0; i < off; i++)
		if (p[i] == '\n')
			line++;
	return line;
}

/* Characters a spreadsheet takes as the start of a formula (OWASP's CSV injection list). */
static int formula_lead(char c)
{
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

/* A CSV cell we write gets one more leading apostrophe when, after its apostrophes, it starts
 * like a formula; reading takes one away again. The two are exact inverses. */
static int guarded(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && s[i] == '\'')
		i++;
	return i < len && formula_lead(s[i]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_escape(const char *s, size_t len, size_t i, uint32_t *cp)
{
	uint32_t v = 0;
	if (len - i < 7 || s[i] != '_' || s[i + 1] != 'x' || s[i + 6] != '_')
		return 0;
	for (int k = 2; k < 6; k++) {
		int h = hexval(s[i + k]);
		if (h < 0)
			return 0;
		v = v * 16 + (uint32_t)h;
	}
	*cp = v;
	return 1;
}

/* Decodes OOXML's _xHHHH_ escapes (Excel writes a carriage return as _x000D_) in place;
 * returns the new length. NUL and lone surrogates are dropped. */
static size_t ooxml_unescape(char *s, size_t len)
{
	size_t r = 0, w = 0;
	uint32_t cp;

	if (!memchr(s, '_', len))
		return len;
	while (r < len) {
		if (!is_escape(s, len, r, &cp)) {
			s[w++] = s[r++];
			continue;
		}
		r += 7;
		if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF))
			continue;
		if (cp < 0x80) {
			s[w++] = (char)cp;
		} else if (cp < 0x800) {
			s[w++] = (char)(0xC0 | (cp >> 6));
			s[w++] = (char)(0x80 | (cp & 0x3F));
		} else {
			s[w++] = (char)(0xE0 | (cp >> 12));
			s[w++] = (char)(0x80 | ((cp >> 6) & 0x3F));
			s[w++] = (char)(0x80 | (cp & 0x3F));
		}
	}
	s[w] = '\0';
	return w;
}

/* ---- detection ---- */

int sheet_detect(const char *data, size_t len, enum sheet_format *fmt, struct err *e)
{
	const unsigned char *p = (const unsigned char *)data;
	size_t n = len, bad;

	if (len == 0)
		return err_set(e, E_INVALID, "bad_file", "文件为空");
	if (len >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) {
		*fmt = SHEET_XLSX;
		return 0;
	}
	if (len >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return err_set(e, E_INVALID, "bad_file",
			       "不支持旧版 Excel (.xls) 或设置了密码的 Excel 文件，请在 Excel 中另存为 "
			       ".xlsx 或“CSV UTF-8”后上传");
	if (len >= 2 && (memcmp(p, "\xFF\xFE", 2) == 0 || memcmp(p, "\xFE\xFF", 2) == 0))
		return err_set(e, E_INVALID, "bad_file", "%s", msg_not_utf8);
	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	bad = util_utf8_scan((const char *)p, n);
	if (bad == n) {
		*fmt = SHEET_CSV;
		return 0;
	}
	/* Text in a legacy encoding (GBK from "save as CSV") deserves the hint; binary does not. */
	for (size_t i = 0; i < n && i < 4096; i++)
		if (p[i] == 0 || (p[i] < 0x20 && p[i] != '\t' && p[i] != '\n' && p[i] != '\r'))
			return err_set(e, E_INVALID, "bad_file", "%s", msg_not_sheet);
	return err_set(e, E_INVALID, "bad_file", "%s，第%zu行有无法识别的字符", msg_not_utf8,
		       line_of((const char *)p, bad));
}

/* ---- CSV ---- */

/* RFC 4180 with Excel's leniency: LF, CRLF or CR line ends; text after a closing quote is
 * kept. Errors name the row as Excel would number it (one record is one row), except for
 * encoding, which names the line of the file. */
static int csv_read(const char *data, size_t len, size_t max_rows, struct sheet *s, struct err *e)
{
	const char *p = data;
	size_t n = len, i = 0, row = 1, col = 0, bad;
	struct rowacc ra = {.s = s, .max_rows = max_rows};
	struct buf cell;
	char cname[8];
	int rc = 0;

	if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		n -= 3;
	}
	bad = util_utf8_scan(p, n);
	if (bad < n)
		return err_set(e, E_INVALID, "bad_encoding", "%s，第%zu行有无法识别的字符",
			       msg_not_utf8, line_of(p, bad));
	buf_init(&cell, SHEET_MAX_CELL);
	for (;;) {
		const char *text;
		size_t tlen;

		buf_reset(&cell);
		if (i < n && p[i] == '"') {
			size_t qrow = row;
			i++;
			for (;;) {
				size_t j = i;
				if (i >= n) {
					rc = err_set(e, E_INVALID, "bad_csv",
						     "第%zu行的引号没有闭合（CSV 格式错误）", qrow);
					goto out;
				}
				while (j < n && p[j] != '"')
					j++;
				buf_add(&cell, p + i, j - i);
				i = j;
				if (i < n) { /* at a quote: "" is one quote, else the field closes */
					if (i + 1 < n && p[i + 1] == '"') {
						buf_addc(&cell, '"');
						i += 2;
						continue;
					}
					i++;
					break;
				}
			}
		}
		{
			size_t j = i;
			while (j < n && p[j] != ',' && p[j] != '\n' && p[j] != '\r')
				j++;
			buf_add(&cell, p + i, j - i);
			i = j;
		}
		if (buf_failed(&cell)) {
			col_name(col < SHEET_MAX_COLS ? col : SHEET_MAX_COLS, cname);
			rc = col < SHEET_MAX_COLS
				     ? err_set(e, E_TOOLARGE, "cell_too_long",
					       "第%zu行%s列的内容超过了%d字节", row, cname, SHEET_MAX_CELL)
				     : err_set(e, E_TOOLARGE, "too_many_columns",
					       "第%zu行超过了允许的最大列数（%d列）", row, SHEET_MAX_COLS);
			goto out;
		}
		text = cell.data;
		tlen = cell.len;
		if (tlen && text[0] == '\'' && guarded(text, tlen)) {
			text++;
			tlen--;
		}
		rc = row_set(&ra, row, col, text, tlen, e);
		if (rc)
			goto out;
		if (i < n && p[i] == ',') {
			i++;
			if (col < SIZE_MAX)
				col++;
			continue;
		}
		rc = row_end(&ra, row, e);
		if (rc || i >= n)
			goto out;
		i += (p[i] == '\r' && i + 1 < n && p[i + 1] == '\n') ? 2 : 1;
		if (i >= n)
			goto out;
		row++;
		col = 0;
	}
out:
	row_clear(&ra);
	buf_release(&cell);
	return rc;
}

static int csv_write(const struct sheet *s, char **out, size_t *len, struct err *e)
{
	struct buf b;

	buf_init(&b, SHEET_MAX_OUT);
	buf_add(&b, "\xEF\xBB\xBF", 3); /* without it Excel reads UTF-8 as the local code page */
	for (size_t r = 0; r < s->nrows; r++) {
		for (size_t c = 0; c < s->ncols[r]; c++) {
			const char *v = sheet_cell(s, r, c);
			size_t vlen = strlen(v);
			int quote = strpbrk(v, ",\"\r\n") != NULL;
			if (c)
				buf_addc(&b, ',');
			if (quote)
				buf_addc(&b, '"');
			if (guarded(v, vlen))
				buf_addc(&b, '\'');
			for (const char *q = v; *q; q++) {
				if (*q == '"')
					buf_addc(&b, '"');
				buf_addc(&b, *q);
			}
			if (quote)
				buf_addc(&b, '"');
		}
		buf_add(&b, "\r\n", 2);
	}
	if (buf_failed(&b)) {
		buf_release(&b);
		return err_set(e, E_TOOLARGE, "file_too_large", "导出的内容超过了%u MB",
			       SHEET_MAX_OUT >> 20);
	}
	*out = buf_detach(&b, len);
	return 0;
}

/* ---- ZIP from memory ---- */

struct memfile {
	const unsigned char *data;
	size_t len;
	size_t pos;
};

static voidpf ZCALLBACK mem_open(voidpf opaque, const void *name, int mode)
{
	struct memfile *m = opaque;
	(void)name;
	if (mode & ZLIB_FILEFUNC_MODE_CREATE)
		return NULL;
	m->pos = 0;
	return m;
}

static uLong ZCALLBACK mem_read(voidpf opaque, voidpf stream, void *buf, uLong size)
{
	struct memfile *m = stream;
	size_t n = m->len - m->pos;
	(void)opaque;
	if (n > size)
		n = size;
	memcpy(buf, m->data + m->pos, n);
	m->pos += n;
	return (uLong)n;
}

static uLong ZCALLBACK mem_write(voidpf opaque, voidpf stream, const void *buf, uLong size)
{
	(void)opaque;
	(void)stream;
	(void)buf;
	(void)size;
	return 0;
}

static ZPOS64_T ZCALLBACK mem_tell(voidpf opaque, voidpf stream)
{
	struct memfile *m = stream;
	(void)opaque;
	return m->pos;
}

static long ZCALLBACK mem_seek(voidpf opaque, voidpf stream, ZPOS64_T off, int origin)
{
	struct memfile *m = stream;
	ZPOS64_T base;
	(void)opaque;
	switch (origin) {
	case ZLIB_FILEFUNC_SEEK_SET:
		base = 0;
		break;
	case ZLIB_FILEFUNC_SEEK_CUR:
		base = m->pos;
		break;
	case ZLIB_FILEFUNC_SEEK_END:
		base = m->len;
		break;
	default:
		return -1;
	}
	if (off > m->len || base + off > m->len)
		return -1;
	m->pos = (size_t)(base + off);
	return 0;
}

static int ZCALLBACK mem_close(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

static int ZCALLBACK mem_error(voidpf opaque, voidpf stream)
{
	(void)opaque;
	(void)stream;
	return 0;
}

/* Reads a whole entry into *out (initialised here, released by the caller) after checking its
 * declared size; minizip stops at the declared size, and the buffer cap backs that up.
 * Returns 0, 1 when the entry is absent, or an error. */
static int zip_read(unzFile uf, const char *name, size_t cap, struct buf *out, struct err *e)
{
	unz_file_info64 fi;
	char chunk[16384];
	int rc = 0, n;

	buf_init(out, cap);
	if (unzLocateFile(uf, name, 2) != UNZ_OK)
		return 1;
	if (unzGetCurrentFileInfo64(uf, &fi, NULL, 0, NULL, 0, NULL, 0) != UNZ_OK)
		return err_set(e, E_INVALID, "bad_file", "Excel 文件已损坏（%s）", name);
	if (fi.flag & 1)
		return err_set(e, E_INVALID, "bad_file", "Excel 文件已加密，请去掉密码后再上传");
	if (fi.uncompressed_size > cap)
		return err_set(e, E_TOOLARGE, "file_too_large",
			       "Excel 文件中的 %s 解压后超过了%zu MB，无法导入", name, cap >> 20);
	if (fi.compression_method != 0 && fi.compression_method != Z_DEFLATED)
		return err_set(e, E_INVALID, "bad_file", "Excel 文件使用了不支持的压缩方式（%s）", name);
	if (unzOpenCurrentFile(uf) != UNZ_OK)
		return err_set(e, E_INVALID, "bad_file", "Excel 文件已损坏（%s）", name);
	while ((n = unzReadCurrentFile(uf, chunk, sizeof(chunk))) > 0) {
		buf_add(out, chunk, (size_t)n);
		if (buf_failed(out)) {
			rc = err_set(e, E_TOOLARGE, "file_too_large",
				     "Excel 文件中的 %s 解压后超过了%zu MB，无法导入", name, cap >> 20);
			break;
		}
	}
	if (!rc && n < 0)
		rc = err_set(e, E_INVALID, "bad_file", "Excel 文件已损坏（%s）", name);
	if (unzCloseCurrentFile(uf) != UNZ_OK && !rc) /* UNZ_CRCERROR */
		rc = err_set(e, E_INVALID, "bad_file", "Excel 文件已损坏（%s 校验失败）", name);
	return rc;
}

/* ---- XML ---- */

/* The shared part of every parse: depth, the error that stopped the parser, and where
 * character data goes. Part parsers embed it first and get called with local names (the
 * part after any prefix: "x:row" is "row"), which also covers prefixed Strict OOXML. */
struct xml {
	XML_Parser p;
	unsigned depth;
	int rc;
	struct err *e;
	struct buf *text; /* when set, character data is appended here */
	void (*start)(struct xml *x, const char *name, const char **atts);
	void (*end)(struct xml *x, const char *name);
};

static void xml_fail(struct xml *x, int rc)
{
	if (!x->rc) {
		x->rc = rc;
		XML_StopParser(x->p, XML_FALSE);
	}
}

static const char *local(const char *name)
{
	const char *c = strrchr(name, ':');
	return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *lname)
{
	for (; atts[0]; atts += 2)
		if (strcmp(local(atts[0]), lname) == 0)
			return atts[1];
	return NULL;
}

/* Parses a decimal attribute saturating at `sat`; -1 when it is not all digits. */
static int parse_uint(const char *s, size_t sat, size_t *out)
{
	size_t v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (size_t)(*s - '0');
		if (v > sat)
			v = sat;
	}
	*out = v;
	return 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xml *x = ud;
	if (x->rc)
		return;
	if (++x->depth > SHEET_MAX_DEPTH) {
		xml_fail(x, err_set(x->e, E_INVALID, "bad_file", "Excel 文件已损坏（XML 嵌套过深）"));
		return;
	}
	x->start(x, local(name), atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	struct xml *x = ud;
	if (x->rc)
		return;
	x->depth--;
	x->end(x, local(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	struct xml *x = ud;
	if (!x->rc && x->text && len > 0)
		buf_add(x->text, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal)
{
	struct xml *x = ud;
	(void)name;
	(void)sysid;
	(void)pubid;
	(void)has_internal;
	/* OOXML never has one; refusing it rules out entity expansion of every kind. */
	xml_fail(x, err_set(x->e, E_INVALID, "bad_file", "Excel 文件含有不允许的 DOCTYPE 声明"));
}

static int xml_run(struct xml *x, const char *part, const struct buf *text, struct err *e)
{
	XML_Parser p = XML_ParserCreate(NULL);
	int rc = 0;

	if (!p)
		return err_set(e, E_INTERNAL, "internal", "内存不足，无法解析 Excel 文件");
	x->p = p;
	x->depth = 0;
	x->rc = 0;
	x->e = e;
	x->text = NULL;
	XML_SetUserData(p, x);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	if (XML_Parse(p, text->data, (int)text->len, 1) == XML_STATUS_ERROR || x->rc) {
		rc = x->rc ? x->rc
			   : err_set(e, E_INVALID, "bad_file", "Excel 文件已损坏（%s 第%lu行格式错误）",
				     part, (unsigned long)XML_GetCurrentLineNumber(p));
	}
	XML_ParserFree(p);
	return rc;
}

/* ---- number formats ---- */

enum { K_DATE = 1, K_TIME = 2, K_SECS = 4 };

/* Built-in number formats that show a date or a time of day, including the zh-CN ones
 * (27-36, 50-58) that WPS and Chinese Excel reference without defining them. Durations
 * (46, 47 and [h] formats) stay numbers. */
static unsigned builtin_kind(size_t id)
{
	switch (id) {
	case 14:
	case 15:
	case 16:
	case 17:
	case 27:
	case 28:
	case 29:
	case 30:
	case 31:
	case 36:
	case 50:
	case 51:
	case 52:
	case 53:
	case 54:
	case 57:
	case 58:
		return K_DATE;
	case 18:
	case 20:
	case 32:
	case 34:
	case 55:
		return K_TIME;
	case 19:
	case 21:
	case 33:
	case 35:
	case 45:
	case 56:
		return K_TIME | K_SECS;
	case 22:
		return K_DATE | K_TIME;
	default:
		return 0;
	}
}

/* Reads a custom format code's first section for date and time letters, outside quoted
 * literals, escapes and [colour]/[$-804] brackets. */
static unsigned code_kind(const char *code)
{
	unsigned k = 0;
	int month_or_minute = 0;

	for (const char *p = code; *p && *p != ';'; p++) {
		switch (*p) {
		case '"':
			p++;
			while (*p && *p != '"')
				p++;
			if (!*p)
				return k;
			break;
		case '\\':
		case '_':
		case '*':
			if (!p[1])
				return k;
			p++;
			break;
		case '[': {
			const char *q = p + 1;
			int elapsed = 1;
			for (; *q && *q != ']'; q++)
				if (!strchr("hHmMsS", *q))
					elapsed = 0;
			if (elapsed && q > p + 1)
				return 0; /* [h]:mm is a duration */
			if (!*q)
				return k;
			p = q;
			break;
		}
		case 'y':
		case 'Y':
		case 'd':
		case 'D':
			k |= K_DATE;
			break;
		case 'h':
		case 'H':
			k |= K_TIME;
			break;
		case 's':
		case 'S':
			k |= K_TIME | K_SECS;
			break;
		case 'm':
		case 'M':
			month_or_minute = 1;
			break;
		default:
			break;
		}
	}
	if (month_or_minute && !k)
		k = K_DATE; /* "mmm": a month; with h or s an m is minutes */
	return k;
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* An Excel serial (0 <= v < 10000-01-01) as "YYYY-MM-DD", "HH:MM[:SS]" or both. The 1900
 * system counts the nonexistent 1900-02-29 as day 60, as Lotus 1-2-3 did. */
static void format_date(double v, unsigned kind, int date1904, char *out, size_t cap)
{
	int64_t secs = (int64_t)(v * 86400.0 + 0.5);
	int64_t days = secs / 86400, sod = secs % 86400;
	int y = 1900;
	unsigned m = 1, d = 0;
	size_t n = 0;

	if (date1904) {
		civil_from_days(days_from_civil(1904, 1, 1) + days, &y, &m, &d);
	} else if (days == 60) {
		m = 2;
		d = 29;
	} else if (days > 0) {
		civil_from_days(days_from_civil(1899, 12, 30) + days + (days < 60), &y, &m, &d);
	}
	out[0] = '\0';
	if (kind & K_DATE)
		n = (size_t)snprintf(out, cap, "%04d-%02u-%02u", y, m, d);
	if ((kind & K_TIME) && n < cap) {
		n += (size_t)snprintf(out + n, cap - n, "%s%02d:%02d", n ? " " : "",
				      (int)(sod / 3600), (int)(sod / 60 % 60));
		if ((kind & K_SECS) && n < cap)
			snprintf(out + n, cap - n, ":%02d", (int)(sod % 60));
	}
}

/* A number as Excel shows it in a General cell: integers as all their digits (a phone number
 * typed as a number is 13800138000, not 1.38E+10), at most 15 significant digits. */
static void format_number(double v, char *out, size_t cap)
{
	double a = v < 0 ? -v : v;

	if (v == 0) {
		snprintf(out, cap, "0");
	} else if (a < 1e15 && v == (double)(long long)v) {
		snprintf(out, cap, "%lld", (long long)v);
	} else if (a >= 1e15 && a < 1e21 && (a >= 9e18 || v == (double)(long long)v)) {
		char e[32], digits[32];
		long exp;
		size_t n = 0;
		snprintf(e, sizeof(e), "%.14e", a); /* d.dddddddddddddde+XX */
		digits[n++] = e[0];
		memcpy(digits + n, e + 2, 14);
		n += 14;
		exp = strtol(e + 17, NULL, 10);
		while ((long)n < exp + 1 && n < sizeof(digits) - 1)
			digits[n++] = '0';
		digits[n] = '\0';
		snprintf(out, cap, "%s%s", v < 0 ? "-" : "", digits);
	} else {
		snprintf(out, cap, "%.15g", v);
	}
}

/* Parses a number as written in <v>; 0 when the text is a plain decimal number. */
static int parse_number(const char *s, double *out)
{
	char *end;
	if (!*s || strspn(s, "0123456789+-.eE") != strlen(s))
		return -1;
	*out = strtod(s, &end);
	if (*end || *out != *out || *out > 1.7e308 || *out < -1.7e308)
		return -1;
	return 0;
}

/* ---- workbook.xml and its relationships ---- */

struct wbook {
	struct xml x;
	int date1904;
	size_t nsheets;
	char rid[SHEET_MAX_SHEETS][64]; /* the worksheets' relationship ids, in the workbook's order */
};

static void wb_start(struct xml *x, const char *name, const char **atts)
{
	struct wbook *w = (struct wbook *)x;
	const char *v;
	if (strcmp(name, "workbookPr") == 0) {
		v = attr(atts, "date1904");
		w->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(name, "sheet") == 0 && w->nsheets < SHEET_MAX_SHEETS) {
		v = attr(atts, "id");
		if (v && strlen(v) < sizeof(w->rid[0]))
			memcpy(w->rid[w->nsheets++], v, strlen(v) + 1);
	}
}

static void no_end(struct xml *x, const char *name)
{
	(void)x;
	(void)name;
}

struct rels {
	struct xml x;
	const char (*rid)[64]; /* the workbook's worksheet ids */
	size_t nrid;
	char sheet[SHEET_MAX_SHEETS][256], sst[256], styles[256];
};

/* A relationship target as a path in the zip: relative to xl/, or absolute from the root. */
static void set_target(char *dst, size_t cap, const char *target)
{
	int n;
	if (target[0] == '/')
		n = snprintf(dst, cap, "%s", target + 1);
	else
		n = snprintf(dst, cap, "xl/%s", target);
	if (n < 0 || (size_t)n >= cap)
		dst[0] = '\0';
}

static int ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void rels_start(struct xml *x, const char *name, const char **atts)
{
	struct rels *r = (struct rels *)x;
	const char *id, *type, *target, *mode;
	if (strcmp(name, "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (!target || (mode && strcmp(mode, "External") == 0))
		return;
	for (size_t i = 0; id && i < r->nrid; i++) {
		if (strcmp(id, r->rid[i]) == 0) {
			set_target(r->sheet[i], sizeof(r->sheet[i]), target);
			return;
		}
	}
	if (type && ends_with(type, "/sharedStrings"))
		set_target(r->sst, sizeof(r->sst), target);
	else if (type && ends_with(type, "/styles"))
		set_target(r->styles, sizeof(r->styles), target);
}

/* ---- styles.xml: which cell styles show dates ---- */

struct styles {
	struct xml x;
	int in_fmts, in_xfs;
	struct {
		size_t id;
		unsigned kind;
	} * fmts;
	size_t nfmts;
	size_t *xf_fmt; /* numFmtId of each cellXfs entry */
	size_t nxf;
};

static void st_start(struct xml *x, const char *name, const char **atts)
{
	struct styles *st = (struct styles *)x;
	size_t id = 0;

	if (strcmp(name, "numFmts") == 0) {
		st->in_fmts = 1;
	} else if (strcmp(name, "cellXfs") == 0) {
		st->in_xfs = 1;
	} else if (st->in_fmts && strcmp(name, "numFmt") == 0) {
		const char *code = attr(atts, "formatCode");
		if (parse_uint(attr(atts, "numFmtId"), SHEET_ROW_SAT, &id) || !code ||
		    st->nfmts >= SHEET_MAX_NUMFMT)
			return;
		if (!st->fmts)
			st->fmts = xmalloc(SHEET_MAX_NUMFMT * sizeof(*st->fmts));
		st->fmts[st->nfmts].id = id;
		st->fmts[st->nfmts].kind = code_kind(code);
		st->nfmts++;
	} else if (st->in_xfs && strcmp(name, "xf") == 0) {
		if (st->nxf >= SHEET_MAX_XF)
			return;
		if (parse_uint(attr(atts, "numFmtId"), SHEET_ROW_SAT, &id))
			id = 0;
		if (st->nxf % 256 == 0)
			st->xf_fmt = xrealloc(st->xf_fmt, (st->nxf + 256) * sizeof(*st->xf_fmt));
		st->xf_fmt[st->nxf++] = id;
	}
}

static void st_end(struct xml *x, const char *name)
{
	struct styles *st = (struct styles *)x;
	if (strcmp(name, "numFmts") == 0)
		st->in_fmts = 0;
	else if (strcmp(name, "cellXfs") == 0)
		st->in_xfs = 0;
}

/* The kind of each style index; a custom format may redefine a built-in id. */
static unsigned char *style_kinds(const struct styles *st)
{
	unsigned char *kind = xmalloc(st->nxf ? st->nxf : 1);
	for (size_t i = 0; i < st->nxf; i++) {
		size_t id = st->xf_fmt[i];
		unsigned k = builtin_kind(id);
		for (size_t f = 0; f < st->nfmts; f++)
			if (st->fmts[f].id == id)
				k = st->fmts[f].kind;
		kind[i] = (unsigned char)k;
	}
	return kind;
}

/* ---- sharedStrings.xml ---- */

#define SST_TOO_LONG UINT32_MAX

struct sst {
	struct xml x;
	struct buf text; /* every string, each followed by its NUL */
	uint32_t *off;   /* start of string i in text, or SST_TOO_LONG */
	size_t n;
	struct buf si; /* the string being read */
	int in_si, in_rph;
};

static void sst_start(struct xml *x, const char *name, const char **atts)
{
	struct sst *t = (struct sst *)x;
	(void)atts;
	if (strcmp(name, "si") == 0) {
		t->in_si = 1;
		t->in_rph = 0;
		buf_reset(&t->si);
	} else if (t->in_si && strcmp(name, "rPh") == 0) {
		t->in_rph = 1; /* phonetic guide (furigana): not part of the text */
	} else if (t->in_si && !t->in_rph && strcmp(name, "t") == 0) {
		x->text = &t->si;
	}
}

static void sst_end(struct xml *x, const char *name)
{
	struct sst *t = (struct sst *)x;
	if (strcmp(name, "t") == 0) {
		x->text = NULL;
	} else if (strcmp(name, "rPh") == 0) {
		t->in_rph = 0;
	} else if (strcmp(name, "si") == 0 && t->in_si) {
		t->in_si = 0;
		x->text = NULL;
		if (t->n >= SHEET_MAX_SHARED) {
			xml_fail(x, err_set(x->e, E_TOOLARGE, "file_too_large",
					    "Excel 文件中的不同文本超过了%u条", SHEET_MAX_SHARED));
			return;
		}
		if (t->n % 1024 == 0)
			t->off = xrealloc(t->off, (t->n + 1024) * sizeof(*t->off));
		if (buf_failed(&t->si)) {
			t->off[t->n++] = SST_TOO_LONG;
			return;
		}
		t->si.len = ooxml_unescape(t->si.data, t->si.len);
		t->off[t->n++] = (uint32_t)t->text.len;
		buf_add(&t->text, t->si.data, t->si.len);
		buf_addc(&t->text, '\0');
		if (buf_failed(&t->text))
			xml_fail(x, err_set(x->e, E_TOOLARGE, "file_too_large",
					    "Excel 文件中的文本超过了%u MB", SHEET_MAX_PART >> 20));
	}
}

/* ---- the worksheet ---- */

struct wsheet {
	struct xml x;
	struct rowacc ra;
	const struct sst *sst;
	const unsigned char *kind; /* per style index */
	size_t nkind;
	int date1904;
	int in_data, in_row, in_cell, in_is, in_rph;
	size_t row; /* 1-based */
	size_t col; /* 0-based; SIZE_MAX before the first cell of a row */
	char type[16];
	size_t style;
	struct buf v, is;
};

static void ws_fail(struct wsheet *w, int rc)
{
	xml_fail(&w->x, rc);
}

static void ws_start(struct xml *x, const char *name, const char **atts)
{
	struct wsheet *w = (struct wsheet *)x;
	const char *a;

	if (strcmp(name, "sheetData") == 0) {
		w->in_data = 1;
	} else if (w->in_data && strcmp(name, "row") == 0) {
		size_t r;
		a = attr(atts, "r");
		if (!a) {
			r = w->row + 1;
		} else if (parse_uint(a, SHEET_ROW_SAT, &r) || r == 0) {
			ws_fail(w, err_set(x->e, E_INVALID, "bad_file",
					   "Excel 文件已损坏（行号“%.20s”无效）", a));
			return;
		}
		w->row = r;
		w->col = SIZE_MAX;
		w->in_row = 1;
	} else if (w->in_row && strcmp(name, "c") == 0) {
		size_t col = 0;
		a = attr(atts, "r");
		if (a && *a >= 'A' && *a <= 'Z') {
			for (; *a >= 'A' && *a <= 'Z'; a++)
				if (col < SHEET_ROW_SAT)
					col = col * 26 + (size_t)(*a - 'A' + 1);
			col--;
		} else {
			col = w->col == SIZE_MAX ? 0 : w->col + 1;
		}
		w->col = col;
		a = attr(atts, "t");
		snprintf(w->type, sizeof(w->type), "%s", a ? a : "n");
		if (parse_uint(attr(atts, "s"), SHEET_ROW_SAT, &w->style))
			w->style = 0;
		buf_reset(&w->v);
		buf_reset(&w->is);
		w->in_cell = 1;
		w->in_is = 0;
	} else if (w->in_cell && strcmp(name, "v") == 0) {
		x->text = &w->v;
	} else if (w->in_cell && strcmp(name, "is") == 0) {
		w->in_is = 1;
		w->in_rph = 0;
	} else if (w->in_is && strcmp(name, "rPh") == 0) {
		w->in_rph = 1;
	} else if (w->in_is && !w->in_rph && strcmp(name, "t") == 0) {
		x->text = &w->is;
	}
}

/* The text of the cell just closed, as a spreadsheet shows it. */
static void ws_cell(struct wsheet *w)
{
	struct err *e = w->x.e;
	char num[64], cname[8];
	const char *text = "";
	size_t len = 0;
	double d;
	int rc;

	col_name(w->col < SHEET_MAX_COLS ? w->col : SHEET_MAX_COLS, cname);
	if (buf_failed(&w->v) || buf_failed(&w->is))
		goto too_long;
	if (strcmp(w->type, "s") == 0) {
		size_t idx;
		if (w->v.len == 0)
			goto set;
		if (parse_uint(w->v.data, SHEET_ROW_SAT, &idx) || !w->sst || idx >= w->sst->n) {
			ws_fail(w, err_set(e, E_INVALID, "bad_file",
					   "Excel 文件已损坏（第%zu行的共享文本不存在）", w->row));
			return;
		}
		if (w->sst->off[idx] == SST_TOO_LONG)
			goto too_long;
		text = w->sst->text.data + w->sst->off[idx];
		len = strlen(text);
	} else if (strcmp(w->type, "inlineStr") == 0) {
		struct buf *b = w->is.len || !w->v.len ? &w->is : &w->v; /* some writers use <v> */
		b->len = ooxml_unescape(b->data, b->len);
		text = b->data;
		len = b->len;
	} else if (strcmp(w->type, "b") == 0) {
		text = strcmp(w->v.data, "1") == 0   ? "TRUE"
		       : strcmp(w->v.data, "0") == 0 ? "FALSE"
						     : w->v.data;
		len = strlen(text);
	} else if (strcmp(w->type, "n") == 0 && parse_number(w->v.data, &d) == 0) {
		unsigned k = w->style < w->nkind ? w->kind[w->style] : 0;
		if (k && d >= 0 && d < 2958466.0)
			format_date(d, k, w->date1904, num, sizeof(num));
		else
			format_number(d, num, sizeof(num));
		text = num;
		len = strlen(num);
	} else { /* str (a formula's text), e (#N/A), d (ISO 8601), or a number we cannot read */
		if (strcmp(w->type, "d") == 0 && w->v.len >= 10 &&
		    (w->v.len == 10 || strcmp(w->v.data + 10, "T00:00:00") == 0 ||
		     strcmp(w->v.data + 10, "T00:00:00Z") == 0))
			w->v.len = 10;
		else
			w->v.len = ooxml_unescape(w->v.data, w->v.len);
		text = w->v.data;
		len = w->v.len;
	}
set:
	rc = row_set(&w->ra, w->row, w->col, text, len, e);
	if (rc)
		ws_fail(w, rc);
	return;
too_long:
	ws_fail(w, w->col < SHEET_MAX_COLS
			   ? err_set(e, E_TOOLARGE, "cell_too_long",
				     "第%zu行%s列的内容超过了%d字节", w->row, cname, SHEET_MAX_CELL)
			   : err_set(e, E_TOOLARGE, "too_many_columns",
				     "第%zu行超过了允许的最大列数（%d列）", w->row, SHEET_MAX_COLS));
}

static void ws_end(struct xml *x, const char *name)
{
	struct wsheet *w = (struct wsheet *)x;
	int rc;

	if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0) {
		x->text = NULL;
	} else if (strcmp(name, "rPh") == 0) {
		w->in_rph = 0;
	} else if (strcmp(name, "is") == 0) {
		w->in_is = 0;
		x->text = NULL;
	} else if (strcmp(name, "c") == 0 && w->in_cell) {
		w->in_cell = 0;
		w->in_is = 0;
		x->text = NULL;
		ws_cell(w);
	} else if (strcmp(name, "row") == 0 && w->in_row) {
		w->in_row = 0;
		rc = row_end(&w->ra, w->row, x->e);
		if (rc)
			ws_fail(w, rc);
	} else if (strcmp(name, "sheetData") == 0) {
		w->in_data = 0;
	}
}

/* ---- xlsx ---- */

static int xlsx_read(const char *data, size_t len, size_t max_rows, struct sheet *s, struct err *e)
{
	struct memfile mf = {(const unsigned char *)data, len, 0};
	zlib_filefunc64_def ff = {mem_open, mem_read,  mem_write, mem_tell,
				  mem_seek, mem_close, mem_error, &mf};
	struct wbook wb = {.x = {.start = wb_start, .end = no_end}};
	struct rels rl = {.x = {.start = rels_start, .end = no_end}};
	struct styles st = {.x = {.start = st_start, .end = st_end}};
	struct sst sst = {.x = {.start = sst_start, .end = sst_end}};
	struct wsheet ws = {.x = {.start = ws_start, .end = ws_end}};
	unsigned char *kind = NULL;
	struct buf part;
	unzFile uf;
	int rc;

	buf_init(&part, 0);
	buf_init(&sst.text, SHEET_MAX_PART + SHEET_MAX_SHARED);
	buf_init(&sst.si, SHEET_MAX_CELL);
	buf_init(&ws.v, SHEET_MAX_CELL);
	buf_init(&ws.is, SHEET_MAX_CELL);
	ws.ra.s = s;
	ws.ra.max_rows = max_rows;

	uf = unzOpen2_64("memory", &ff);
	if (!uf)
		return err_set(e, E_INVALID, "bad_file", "%s", msg_not_sheet);

	rc = zip_read(uf, "xl/workbook.xml", SHEET_MAX_META, &part, e);
	if (rc == 1)
		rc = err_set(e, E_INVALID, "bad_file", "%s（缺少工作簿 xl/workbook.xml）", msg_not_sheet);
	if (rc || (rc = xml_run(&wb.x, "workbook.xml", &part, e)))
		goto out;
	buf_release(&part);

	rl.rid = (const char(*)[64])wb.rid;
	rl.nrid = wb.nsheets;
	rc = zip_read(uf, "xl/_rels/workbook.xml.rels", SHEET_MAX_META, &part, e);
	if (rc < 0 || (rc == 0 && (rc = xml_run(&rl.x, "workbook.xml.rels", &part, e))))
		goto out;
	buf_release(&part);
	if (!rl.sheet[0][0])
		snprintf(rl.sheet[0], sizeof(rl.sheet[0]), "xl/worksheets/sheet1.xml");
	if (!rl.styles[0])
		snprintf(rl.styles, sizeof(rl.styles), "xl/styles.xml");
	if (!rl.sst[0])
		snprintf(rl.sst, sizeof(rl.sst), "xl/sharedStrings.xml");

	rc = zip_read(uf, rl.styles, SHEET_MAX_META, &part, e);
	if (rc < 0 || (rc == 0 && (rc = xml_run(&st.x, "styles.xml", &part, e))))
		goto out;
	buf_release(&part);
	kind = style_kinds(&st);

	rc = zip_read(uf, rl.sst, SHEET_MAX_PART, &part, e);
	if (rc < 0 || (rc == 0 && (rc = xml_run(&sst.x, "sharedStrings.xml", &part, e))))
		goto out;
	buf_release(&part);

	/* The first worksheet with data: an office's workbook often starts with an empty sheet. */
	for (size_t i = 0; i < (wb.nsheets ? wb.nsheets : 1) && !s->nrows; i++) {
		if (!rl.sheet[i][0])
			continue;
		rc = zip_read(uf, rl.sheet[i], SHEET_MAX_PART, &part, e);
		if (rc == 1 && i == 0)
			rc = err_set(e, E_INVALID, "bad_file", "%s（找不到第一个工作表）", msg_not_sheet);
		if (rc == 1) {
			rc = 0;
			continue;
		}
		if (rc)
			goto out;
		row_clear(&ws.ra);
		ws.ra.total = 0;
		ws.in_data = ws.in_row = ws.in_cell = ws.in_is = ws.in_rph = 0;
		ws.row = 0;
		ws.col = SIZE_MAX;
		buf_reset(&ws.v);
		buf_reset(&ws.is);
		ws.sst = &sst;
		ws.kind = kind;
		ws.nkind = st.nxf;
		ws.date1904 = wb.date1904;
		if ((rc = xml_run(&ws.x, "worksheet", &part, e)))
			goto out;
		buf_release(&part);
	}
out:
	row_clear(&ws.ra);
	buf_release(&part);
	buf_release(&ws.v);
	buf_release(&ws.is);
	buf_release(&sst.text);
	buf_release(&sst.si);
	free(sst.off);
	free(st.fmts);
	free(st.xf_fmt);
	free(kind);
	unzClose(uf);
	return rc;
}

int sheet_read(const char *data, size_t len, enum sheet_format fmt, size_t max_rows,
	       struct sheet *out, struct err *e)
{
	int rc;

	sheet_init(out);
	if (fmt == SHEET_CSV)
		rc = csv_read(data, len, max_rows, out, e);
	else if (fmt == SHEET_XLSX)
		rc = xlsx_read(data, len, max_rows, out, e);
	else
		rc = err_set(e, E_INVALID, "bad_file", "%s", msg_not_sheet);
	if (rc)
		sheet_release(out);
	return rc;
}

/* ---- writing xlsx ---- */

/* Display width in Excel's units: CJK and fullwidth characters count two. */
static size_t text_width(const char *s)
{
	size_t w = 0, best = 0;
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t cp = *p;
		size_t n = 1;
		if (*p == '\n') {
			best = w > best ? w : best;
			w = 0;
			p++;
			continue;
		}
		if (cp >= 0xF0 && p[1] && p[2] && p[3]) {
			cp = ((cp & 7u) << 18) | ((p[1] & 63u) << 12) | ((p[2] & 63u) << 6) | (p[3] & 63u);
			n = 4;
		} else if (cp >= 0xE0 && p[1] && p[2]) {
			cp = ((cp & 15u) << 12) | ((p[1] & 63u) << 6) | (p[2] & 63u);
			n = 3;
		} else if (cp >= 0xC0 && p[1]) {
			n = 2;
		}
		w += ((cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
		      (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
		      (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
		      (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD))
			     ? 2
			     : 1;
		p += n;
	}
	return w > best ? w : best;
}

/* Excel's sheet-name rules: 1-31 characters, none of []:*?/\, no apostrophe at either end. */
static void sheet_title(const char *in, char *out, size_t cap)
{
	size_t n = 0, chars = 0;

	if (in && util_utf8_valid(in, strlen(in))) {
		for (const char *p = in; *p && chars < LXW_SHEETNAME_MAX; chars++) {
			size_t k = 1;
			while ((p[k] & 0xC0) == 0x80)
				k++;
			if (n + k >= cap)
				break;
			if (k == 1 && (strchr("[]:*?/\\", *p) || (unsigned char)*p < 0x20))
				out[n] = '_';
			else
				memcpy(out + n, p, k);
			n += k;
			p += k;
		}
	}
	while (n && out[n - 1] == '\'')
		n--;
	out[n] = '\0';
	if (out[0] == '\'')
		out[0] = '_';
	if (n == 0 || strcasecmp(out, "History") == 0) /* Excel reserves History */
		snprintf(out, cap, "Sheet1");
}

/* Excel decodes _xHHHH_ in any string; a cell that contains one literally gets its
 * underscore escaped as _x005F_. Returns s itself or a string in *tmp. */
static const char *xlsx_text(const char *s, struct buf *tmp)
{
	size_t len = strlen(s);
	uint32_t cp;

	buf_reset(tmp);
	if (!strstr(s, "_x"))
		return s;
	for (size_t i = 0; i < len; i++) {
		if (is_escape(s, len, i, &cp))
			buf_adds(tmp, "_x005F_");
		else
			buf_addc(tmp, s[i]);
	}
	return tmp->data;
}

static int xlsx_write(const struct sheet *s, const char *sheet_name, char **out, size_t *len, struct err *e)
{
	char path[] = "/tmp/renda-sheet-XXXXXX.xlsx";
	char title[LXW_MAX_SHEETNAME_LENGTH];
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws;
	lxw_format *bold;
	size_t maxc = 0, *width = NULL, r, c;
	struct buf tmp, file;
	struct stat sb;
	lxw_error le = LXW_NO_ERROR;
	int fd, rc = 0;
	char cname[8];

	for (r = 0; r < s->nrows; r++)
		maxc = s->ncols[r] > maxc ? s->ncols[r] : maxc;
	if (s->nrows > LXW_ROW_MAX || maxc > LXW_COL_MAX)
		return err_set(e, E_TOOLARGE, "file_too_large",
			       "表格超出了 Excel 的范围（最多%d行、%d列）", LXW_ROW_MAX, LXW_COL_MAX);
	fd = mkstemps(path, 5);
	if (fd < 0)
		return err_set(e, E_INTERNAL, "internal", "无法创建临时文件");
	close(fd);
	buf_init(&tmp, SHEET_MAX_OUT);
	buf_init(&file, SHEET_MAX_OUT);
	sheet_title(sheet_name, title, sizeof(title));
	wb = workbook_new(path);
	if (!wb) {
		rc = err_set(e, E_INTERNAL, "internal", "生成 Excel 文件失败");
		goto out;
	}
	ws = workbook_add_worksheet(wb, title);
	bold = workbook_add_format(wb);
	if (!ws || !bold) {
		rc = err_set(e, E_INTERNAL, "internal", "生成 Excel 文件失败");
		goto out;
	}
	format_set_bold(bold);
	width = xcalloc(maxc ? maxc : 1, sizeof(*width));
	for (r = 0; r < s->nrows && !rc; r++) {
		for (c = 0; c < s->ncols[r]; c++) {
			const char *v = sheet_cell(s, r, c);
			size_t w;
			if (!*v)
				continue;
			w = text_width(v);
			width[c] = w > width[c] ? w : width[c];
			le = worksheet_write_string(ws, (lxw_row_t)r, (lxw_col_t)c,
						    xlsx_text(v, &tmp), r == 0 ? bold : NULL);
			if (le != LXW_NO_ERROR) {
				col_name(c, cname);
				rc = le == LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED
					     ? err_set(e, E_TOOLARGE, "cell_too_long",
						       "第%zu行%s列的内容超过了 Excel 单元格的上限（32767个字）",
						       r + 1, cname)
					     : err_set(e, E_INTERNAL, "internal",
						       "生成 Excel 文件失败：%s", lxw_strerror(le));
				break;
			}
		}
	}
	if (!rc && buf_failed(&tmp))
		rc = err_set(e, E_TOOLARGE, "cell_too_long", "单元格内容过长");
	for (c = 0; c < maxc && !rc; c++) {
		size_t w = width[c] + 2;
		w = w < 8 ? 8 : w > 60 ? 60 : w;
		worksheet_set_column(ws, (lxw_col_t)c, (lxw_col_t)c, (double)w, NULL);
	}
	if (!rc && s->nrows > 1)
		worksheet_freeze_panes(ws, 1, 0); /* the header stays in view while scrolling */
	le = workbook_close(wb);                  /* frees wb, even on error */
	wb = NULL;
	if (rc)
		goto out;
	if (le != LXW_NO_ERROR) {
		rc = err_set(e, E_INTERNAL, "internal", "生成 Excel 文件失败：%s", lxw_strerror(le));
		goto out;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		if (fd >= 0)
			close(fd);
		rc = err_set(e, E_INTERNAL, "internal", "读取生成的 Excel 文件失败");
		goto out;
	}
	for (;;) {
		char chunk[16384];
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0) {
			rc = err_set(e, E_INTERNAL, "internal", "读取生成的 Excel 文件失败");
			break;
		}
		if (n == 0)
			break;
		buf_add(&file, chunk, (size_t)n);
	}
	close(fd);
	if (!rc && buf_failed(&file))
		rc = err_set(e, E_TOOLARGE, "file_too_large", "导出的内容超过了%u MB", SHEET_MAX_OUT >> 20);
	if (!rc)
		*out = buf_detach(&file, len);
out:
	if (wb)
		workbook_close(wb);
	unlink(path);
	free(width);
	buf_release(&tmp);
	buf_release(&file);
	return rc;
}

int sheet_write(const struct sheet *s, enum sheet_format fmt, const char *sheet_name, char **out,
		size_t *len, struct err *e)
{
	char cname[8];

	*out = NULL;
	*len = 0;
	for (size_t r = 0; r < s->nrows; r++) {
		for (size_t c = 0; c < s->ncols[r]; c++) {
			const char *v = sheet_cell(s, r, c);
			if (!util_utf8_valid(v, strlen(v))) {
				col_name(c, cname);
				return err_set(e, E_INVALID, "bad_encoding",
					       "第%zu行%s列不是有效的 UTF-8 文本", r + 1, cname);
			}
		}
	}
	if (fmt == SHEET_CSV)
		return csv_write(s, out, len, e);
	if (fmt == SHEET_XLSX)
		return xlsx_write(s, sheet_name, out, len, e);
	return err_set(e, E_INVALID, "bad_format", "不支持的表格格式");
}

static void cell_text(json_t *v, const char *key, char *out, size_t n)
{
	size_t klen = strlen(key);
	int pct = (klen >= 4 && !strcmp(key + klen - 4, "rate")) ||
		  (klen >= 5 && !strcmp(key + klen - 5, "share"));
	*out = 0;
	if (json_is_string(v)) {
		snprintf(out, n, "%s", json_string_value(v));
	} else if (json_is_integer(v)) {
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
	} else if (json_is_real(v)) {
		if (pct)
			snprintf(out, n, "%.1f%%", json_real_value(v) * 100.0);
		else
			snprintf(out, n, "%g", json_real_value(v));
	} else if (json_is_boolean(v)) {
		snprintf(out, n, "%s", json_is_true(v) ? "是" : "否");
	} else if (json_is_array(v)) {
		size_t i, used = 0;
		json_t *x;
		json_array_foreach(v, i, x) {
			if (!json_is_string(x) || used >= n)
				continue;
			used += (size_t)snprintf(out + used, n - used, "%s%s", i ? "、" : "",
						 json_string_value(x));
		}
	}
}

int sheet_write_json(json_t *items, const struct sheet_col *cols, enum sheet_format fmt,
		     const char *sheet_name, char **out, size_t *len, struct err *e)
{
	struct sheet s;
	const char *row[64] = {0};
	char *cells[64] = {0};
	size_t n = 0, i;
	json_t *o;
	int rc;

	for (n = 0; cols[n].key && n < 64; n++)
		row[n] = cols[n].header;
	sheet_init(&s);
	sheet_add_row(&s, row, n);
	for (size_t k = 0; k < n; k++)
		cells[k] = xmalloc(8192);
	json_array_foreach(items, i, o) {
		for (size_t k = 0; k < n; k++) {
			cell_text(json_object_get(o, cols[k].key), cols[k].key, cells[k], 8192);
			row[k] = cells[k];
		}
		sheet_add_row(&s, row, n);
	}
	for (size_t k = 0; k < n; k++)
		free(cells[k]);
	rc = sheet_write(&s, fmt, sheet_name, out, len, e);
	sheet_release(&s);
	return rc;
}
