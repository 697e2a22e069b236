/* Unit tests of spreadsheet import and export: round trips through xlsx and csv, the cell
 * types Excel writes, and refusal of hostile or broken uploads with Chinese messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unzip.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "buf.h"
#include "sheet.h"

/* ---- helpers ---- */

/* Reads a whole file into a malloc'd buffer (NUL-terminated) and removes it. */
static char *slurp_and_unlink(const char *path, size_t *len)
{
	struct buf b;
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	buf_init(&b, 1u << 30);
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	close(fd);
	unlink(path);
	return buf_detach(&b, len);
}

static void tmp_path(char *path)
{
	int fd;
	snprintf(path, 32, "/tmp/renda-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
}

/* A zip of n named entries (deflated) in memory. If fake_size is non-zero the last entry is
 * written raw and declares that uncompressed size, as a zip bomb's header would. */
static char *make_zip(const char *const *names, const char *const *texts, size_t n,
		      unsigned long fake_size, size_t *len)
{
	char path[32];
	zipFile zf;
	tmp_path(path);
	zf = zipOpen64(path, APPEND_STATUS_CREATE);
	assert_non_null(zf);
	for (size_t i = 0; i < n; i++) {
		int raw = fake_size && i == n - 1;
		assert_int_equal(zipOpenNewFileInZip2(zf, names[i], NULL, NULL, 0, NULL, 0, NULL,
						      Z_DEFLATED, Z_DEFAULT_COMPRESSION, raw),
				 ZIP_OK);
		assert_int_equal(zipWriteInFileInZip(zf, texts[i], (unsigned)strlen(texts[i])), ZIP_OK);
		if (raw)
			assert_int_equal(zipCloseFileInZipRaw(zf, fake_size, 0x12345678), ZIP_OK);
		else
			assert_int_equal(zipCloseFileInZip(zf), ZIP_OK);
	}
	assert_int_equal(zipClose(zf, NULL), ZIP_OK);
	return slurp_and_unlink(path, len);
}

/* One entry of a zip in memory, or NULL. */
static char *zip_entry(const char *data, size_t len, const char *name)
{
	char path[32], chunk[8192];
	struct buf b;
	unzFile uf;
	int fd, n;
	tmp_path(path);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
	uf = unzOpen64(path);
	assert_non_null(uf);
	if (unzLocateFile(uf, name, 1) != UNZ_OK) {
		unzClose(uf);
		unlink(path);
		return NULL;
	}
	assert_int_equal(unzOpenCurrentFile(uf), UNZ_OK);
	buf_init(&b, 1u << 26);
	while ((n = unzReadCurrentFile(uf, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)n);
	unzCloseCurrentFile(uf);
	unzClose(uf);
	unlink(path);
	return buf_detach(&b, NULL);
}

#define NS_MAIN "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""
#define NS_R "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""
static const char wb_xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
			     "<workbook " NS_MAIN " " NS_R "><sheets>"
			     "<sheet name=\"名单\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char wb1904_xml[] = "<workbook " NS_MAIN " " NS_R "><workbookPr date1904=\"1\"/>"
				 "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
				 "</workbook>";
static const char rels_xml[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId2\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" "
	"Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId1\" "
	"Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
	"Target=\"/xl/worksheets/data.xml\"/></Relationships>";
static const char styles_xml[] =
	"<styleSheet " NS_MAIN "><numFmts count=\"1\">"
	"<numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"</numFmts><cellStyleXfs><xf numFmtId=\"14\"/></cellStyleXfs>"
	"<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"176\"/>"
	"<xf numFmtId=\"0\"><alignment wrapText=\"1\"/></xf></cellXfs></styleSheet>";

/* A crafted workbook around one worksheet body (the part inside <sheetData>). */
static int read_crafted(const char *wb, const char *sst, const char *rows, size_t max_rows,
			struct sheet *s, struct err *e)
{
	char sheet[8192];
	const char *names[5] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml",
				"xl/worksheets/data.xml", "xl/sharedStrings.xml"};
	const char *texts[5] = {wb, rels_xml, styles_xml, sheet, sst};
	size_t len;
	char *zip;
	int rc;
	snprintf(sheet, sizeof(sheet), "<worksheet %s><sheetData>%s</sheetData></worksheet>", NS_MAIN, rows);
	zip = make_zip(names, texts, sst ? 5 : 4, 0, &len);
	rc = sheet_read(zip, len, SHEET_XLSX, max_rows, s, e);
	free(zip);
	return rc;
}

static const char *const header[] = {"姓名", "手机", "出生日期", "备注", "公式"};
static const char *const row1[] = {"张三", "13800138000", "1990-05-01", "", "=1+1"};
static const char *const row2[] = {"李四，王五", "+8613900139000", "", "说\"好\"的,\n第二行", "@SUM(A1)"};

static void fill(struct sheet *s)
{
	sheet_init(s);
	sheet_add_row(s, header, 5);
	sheet_add_row(s, row1, 5);
	sheet_add_row(s, NULL, 0);
	sheet_add_row(s, row2, 5);
}

static void assert_same(const struct sheet *a, const struct sheet *b)
{
	assert_int_equal(a->nrows, b->nrows);
	for (size_t r = 0; r < a->nrows; r++)
		for (size_t c = 0; c < 8; c++)
			assert_string_equal(sheet_cell(a, r, c), sheet_cell(b, r, c));
}

/* ---- tests ---- */

static void basics(void **state)
{
	struct sheet s;
	char name[] = "甲";
	const char *cells[] = {name, NULL};
	(void)state;
	sheet_init(&s);
	sheet_add_row(&s, cells, 2);
	name[0] = 'x'; /* the row holds copies */
	assert_string_equal(sheet_cell(&s, 0, 0), "甲");
	assert_string_equal(sheet_cell(&s, 0, 1), "");
	assert_string_equal(sheet_cell(&s, 0, 9), "");
	assert_string_equal(sheet_cell(&s, 5, 0), "");
	sheet_release(&s);
	assert_int_equal(s.nrows, 0);
}

static void xlsx_round_trip(void **state)
{
	struct sheet s, back;
	struct err e = {0};
	enum sheet_format fmt;
	char *out = NULL, *part;
	size_t len;
	(void)state;
	fill(&s);
	assert_int_equal(sheet_write(&s, SHEET_XLSX, "代表名单", &out, &len, &e), 0);
	assert_true(len > 100 && memcmp(out, "PK\x03\x04", 4) == 0);
	assert_int_equal(sheet_detect(out, len, &fmt, &e), 0);
	assert_int_equal(fmt, SHEET_XLSX);
	assert_int_equal(sheet_read(out, len, SHEET_XLSX, 100, &back, &e), 0);
	assert_same(&s, &back);
	assert_string_equal(sheet_cell(&back, 1, 1), "13800138000");
	assert_string_equal(sheet_cell(&back, 1, 3), ""); /* the empty middle cell */
	assert_string_equal(sheet_cell(&back, 1, 4), "=1+1");
	assert_int_equal(back.ncols[2], 0); /* the empty row stays a row */

	/* the formula-like cells are stored as strings, never as formulas */
	part = zip_entry(out, len, "xl/worksheets/sheet1.xml");
	assert_non_null(part);
	assert_null(strstr(part, "<f>"));
	/* header bold (style 1), a frozen header, Chinese columns wider than ASCII ones */
	assert_non_null(strstr(part, "<c r=\"A1\" s=\"1\" t=\"s\">"));
	assert_non_null(strstr(part, "state=\"frozen\""));
	assert_non_null(strstr(part, "<col min=\"1\" max=\"1\" width=\"12.7109375\""));
	assert_non_null(strstr(part, "<col min=\"2\" max=\"2\" width=\"16.7109375\""));
	free(part);
	part = zip_entry(out, len, "xl/styles.xml");
	assert_non_null(strstr(part, "<b/>"));
	free(part);
	part = zip_entry(out, len, "xl/workbook.xml");
	assert_non_null(strstr(part, "name=\"代表名单\""));
	free(part);
	free(out);
	sheet_release(&back);
	sheet_release(&s);
}

static void csv_round_trip(void **state)
{
	struct sheet s, back;
	struct err e = {0};
	enum sheet_format fmt;
	char *out = NULL;
	size_t len;
	(void)state;
	fill(&s);
	assert_int_equal(sheet_write(&s, SHEET_CSV, NULL, &out, &len, &e), 0);
	assert_memory_equal(out, "\xEF\xBB\xBF姓名,手机,出生日期,备注,公式\r\n",
			    strlen("\xEF\xBB\xBF姓名,手机,出生日期,备注,公式\r\n"));
	/* CSV injection: formula starts are prefixed with an apostrophe; quoting where needed */
	assert_non_null(strstr(out, "张三,13800138000,1990-05-01,,'=1+1\r\n\r\n"));
	assert_non_null(strstr(out, "\r\n李四，王五,")); /* a fullwidth comma needs no quotes */
	assert_non_null(strstr(out, "'+8613900139000,,\"说\"\"好\"\"的,\n第二行\",'@SUM(A1)\r\n"));
	assert_int_equal(sheet_detect(out, len, &fmt, &e), 0);
	assert_int_equal(fmt, SHEET_CSV);
	assert_int_equal(sheet_read(out, len, SHEET_CSV, 100, &back, &e), 0);
	assert_same(&s, &back); /* the apostrophes come off again */
	free(out);
	sheet_release(&back);
	sheet_release(&s);

	/* a cell that already starts with an apostrophe survives too */
	{
		const char *odd[] = {"'=x", "''-1", "'plain", "-"};
		sheet_init(&s);
		sheet_add_row(&s, odd, 4);
		assert_int_equal(sheet_write(&s, SHEET_CSV, NULL, &out, &len, &e), 0);
		assert_string_equal(out, "\xEF\xBB\xBF''=x,'''-1,'plain,'-\r\n");
		assert_int_equal(sheet_read(out, len, SHEET_CSV, 100, &back, &e), 0);
		assert_same(&s, &back);
		free(out);
		sheet_release(&back);
		sheet_release(&s);
	}
}

static void csv_reads_excel_text(void **state)
{
	static const char csv[] =
		"\xEF\xBB\xBF"
		"姓名,电话,地址\n"
		"\"张,三\",\"13800138000\",\"多\r\n行\"\"地址\"\"\"\r\n"
		"\n"
		"李四,,'=A1\r\n"
		"王五\r"
		"赵六,\"\",x,,,\n\n\n";
	struct sheet s;
	struct err e = {0};
	(void)state;
	assert_int_equal(sheet_read(csv, sizeof(csv) - 1, SHEET_CSV, 100, &s, &e), 0);
	assert_int_equal(s.nrows, 6);
	assert_string_equal(sheet_cell(&s, 0, 0), "姓名"); /* the BOM is gone */
	assert_string_equal(sheet_cell(&s, 1, 0), "张,三");
	assert_string_equal(sheet_cell(&s, 1, 2), "多\r\n行\"地址\"");
	assert_int_equal(s.ncols[2], 0); /* a blank line is an empty row */
	assert_string_equal(sheet_cell(&s, 3, 1), "");
	assert_string_equal(sheet_cell(&s, 3, 2), "=A1");
	assert_string_equal(sheet_cell(&s, 4, 0), "王五");
	assert_int_equal(s.ncols[5], 3); /* trailing empty cells and rows are dropped */
	assert_string_equal(sheet_cell(&s, 5, 2), "x");
	sheet_release(&s);
}

static void row_cap(void **state)
{
	static const char csv[] = "h\n1\n2\n3\n";
	struct sheet s;
	struct err e = {0};
	(void)state;
	assert_int_equal(sheet_read(csv, strlen(csv), SHEET_CSV, 4, &s, &e), 0);
	sheet_release(&s);
	assert_int_equal(sheet_read(csv, strlen(csv), SHEET_CSV, 3, &s, &e), E_TOOLARGE);
	assert_string_equal(e.code, "too_many_rows");
	assert_non_null(strstr(e.msg, "第4行超过了允许的最大行数"));
	assert_int_equal(s.nrows, 0);

	assert_int_equal(read_crafted(wb_xml, NULL,
				      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>h</t></is></c></row>"
				      "<row r=\"12\"><c r=\"A12\"><v>5</v></c></row>",
				      10, &s, &e),
			 E_TOOLARGE);
	assert_non_null(strstr(e.msg, "第12行超过了允许的最大行数"));
	assert_int_equal(s.nrows, 0);
}

static void refuses_non_spreadsheets(void **state)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
	static const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0";
	static const char gbk[] = "\xd0\xd5\xc3\xfb,\xb5\xe7\xbb\xb0\n";
	const char *names[] = {"word/document.xml"};
	const char *texts[] = {"<w:document/>"};
	struct sheet s;
	struct err e = {0};
	enum sheet_format fmt;
	size_t len;
	char *docx;
	(void)state;
	assert_int_equal(sheet_detect(png, sizeof(png) - 1, &fmt, &e), E_INVALID);
	assert_string_equal(e.code, "bad_file");
	assert_string_equal(e.msg, "文件不是有效的 Excel (.xlsx) 或 CSV 文件");
	assert_int_equal(sheet_detect(xls, sizeof(xls) - 1, &fmt, &e), E_INVALID);
	assert_non_null(strstr(e.msg, ".xls"));
	assert_int_equal(sheet_detect(gbk, sizeof(gbk) - 1, &fmt, &e), E_INVALID);
	assert_non_null(strstr(e.msg, "UTF-8"));
	assert_int_equal(sheet_detect("", 0, &fmt, &e), E_INVALID);

	/* a ZIP that is not a workbook, and bytes that are not a ZIP at all */
	docx = make_zip(names, texts, 1, 0, &len);
	assert_int_equal(sheet_detect(docx, len, &fmt, &e), 0);
	assert_int_equal(sheet_read(docx, len, SHEET_XLSX, 100, &s, &e), E_INVALID);
	assert_string_equal(e.code, "bad_file");
	assert_non_null(strstr(e.msg, "文件不是有效的 Excel (.xlsx) 或 CSV 文件"));
	free(docx);
	assert_int_equal(sheet_read("PK\x03\x04garbage", 11, SHEET_XLSX, 100, &s, &e), E_INVALID);
	assert_string_equal(e.msg, "文件不是有效的 Excel (.xlsx) 或 CSV 文件");
	assert_int_equal(sheet_read(png, sizeof(png) - 1, 0, 100, &s, &e), E_INVALID);
}

static void csv_invalid_utf8_names_line(void **state)
{
	static const char csv[] = "姓名,电话\n张三,1\n\xd5\xc5\xc8\xfd,2\n";
	struct sheet s;
	struct err e = {0};
	(void)state;
	assert_int_equal(sheet_read(csv, sizeof(csv) - 1, SHEET_CSV, 100, &s, &e), E_INVALID);
	assert_string_equal(e.code, "bad_encoding");
	assert_non_null(strstr(e.msg, "CSV 文件须为 UTF-8 编码（可在 Excel 中另存为“CSV UTF-8”）"));
	assert_non_null(strstr(e.msg, "第3行"));
	assert_int_equal(s.nrows, 0);
	/* a NUL byte is refused the same way */
	assert_int_equal(sheet_read("a\nb\0", 4, SHEET_CSV, 100, &s, &e), E_INVALID);
	assert_non_null(strstr(e.msg, "第2行"));
}

static void csv_unterminated_quote(void **state)
{
	static const char csv[] = "a,b\n1,2\n3,\"没有结束\n4,5\n";
	struct sheet s;
	struct err e = {0};
	(void)state;
	assert_int_equal(sheet_read(csv, sizeof(csv) - 1, SHEET_CSV, 100, &s, &e), E_INVALID);
	assert_string_equal(e.code, "bad_csv");
	assert_non_null(strstr(e.msg, "第3行的引号没有闭合"));
}

static void csv_cell_and_column_caps(void **state)
{
	struct buf b;
	struct sheet s;
	struct err e = {0};
	(void)state;
	buf_init(&b, 1 << 20);
	buf_adds(&b, "a,b\nx,");
	for (int i = 0; i < 4097; i++)
		buf_addc(&b, 'y');
	assert_int_equal(sheet_read(b.data, b.len, SHEET_CSV, 100, &s, &e), E_TOOLARGE);
	assert_string_equal(e.code, "cell_too_long");
	assert_non_null(strstr(e.msg, "第2行B列"));
	buf_reset(&b);
	for (int i = 0; i < 200; i++) /* empty cells far to the right are harmless */
		buf_addc(&b, ',');
	buf_adds(&b, "\n");
	for (int i = 0; i < 64; i++)
		buf_adds(&b, "v,");
	buf_adds(&b, "\n");
	assert_int_equal(sheet_read(b.data, b.len, SHEET_CSV, 100, &s, &e), 0);
	assert_int_equal(s.ncols[1], 64);
	sheet_release(&s);
	buf_adds(&b, "1,2\n");
	for (int i = 0; i < 65; i++)
		buf_adds(&b, "w,");
	assert_int_equal(sheet_read(b.data, b.len, SHEET_CSV, 100, &s, &e), E_TOOLARGE);
	assert_string_equal(e.code, "too_many_columns");
	assert_non_null(strstr(e.msg, "第4行"));
	buf_release(&b);
}

static void xlsx_huge_reference(void **state)
{
	struct sheet s;
	struct err e = {0};
	(void)state;
	/* the last cell Excel allows: refused by its row, nothing allocated for the gap */
	assert_int_equal(read_crafted(wb_xml, NULL,
				      "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>名</t></is></c></row>"
				      "<row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\">"
				      "<is><t>x</t></is></c></row>",
				      1000, &s, &e),
			 E_TOOLARGE);
	assert_string_equal(e.code, "too_many_rows");
	assert_non_null(strstr(e.msg, "第1048576行"));
	assert_int_equal(s.nrows, 0);
	/* a far column with text is refused naming the row */
	assert_int_equal(read_crafted(wb_xml, NULL, "<row r=\"2\"><c r=\"XFD2\"><v>1</v></c></row>",
				      1000, &s, &e),
			 E_TOOLARGE);
	assert_string_equal(e.code, "too_many_columns");
	assert_non_null(strstr(e.msg, "第2行"));
	/* references past any integer saturate instead of overflowing */
	assert_int_equal(read_crafted(wb_xml, NULL,
				      "<row r=\"99999999999999999999999\"><c r=\"ZZZZZZZZZZZZZZZZ1\">"
				      "<v>1</v></c></row>",
				      1000, &s, &e),
			 E_TOOLARGE);
	/* formatted but empty cells far away cost nothing and are not refused */
	assert_int_equal(read_crafted(wb_xml, NULL,
				      "<row r=\"1\"><c r=\"A1\"><v>7</v></c><c r=\"XFD1\" s=\"1\"/></row>"
				      "<row r=\"1048576\"><c r=\"XFD1048576\" s=\"1\"/></row>",
				      1000, &s, &e),
			 0);
	assert_int_equal(s.nrows, 1);
	assert_int_equal(s.ncols[0], 1);
	sheet_release(&s);
}

/* An office's workbook often starts with an empty sheet: the first worksheet with data is read,
 * in the workbook's order (not the parts' names); a workbook with no data anywhere reads empty. */
static void xlsx_first_sheet_with_data(void **state)
{
	static const char wb[] =
		"<workbook " NS_MAIN " " NS_R "><sheets>"
		"<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId7\"/>"
		"<sheet name=\"空白\" sheetId=\"2\" r:id=\"rId8\"/>"
		"<sheet name=\"代表名册\" sheetId=\"3\" r:id=\"rId9\"/>"
		"<sheet name=\"备用\" sheetId=\"4\" r:id=\"rId6\"/></sheets></workbook>";
	static const char rels[] =
		"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
		"relationships/worksheet\" Target=\"worksheets/a.xml\"/>"
		"<Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
		"relationships/worksheet\" Target=\"worksheets/b.xml\"/>"
		"<Relationship Id=\"rId9\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
		"relationships/worksheet\" Target=\"worksheets/c.xml\"/>"
		"<Relationship Id=\"rId6\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
		"relationships/worksheet\" Target=\"worksheets/d.xml\"/></Relationships>";
	static const char empty[] = "<worksheet " NS_MAIN "><sheetData/></worksheet>";
	static const char blank[] = "<worksheet " NS_MAIN "><sheetData><row r=\"1\"><c r=\"A1\" "
				    "s=\"0\"/></row></sheetData></worksheet>";
	static const char data[] = "<worksheet " NS_MAIN "><sheetData><row r=\"2\"><c r=\"A2\" "
				   "t=\"inlineStr\"><is><t>姓名</t></is></c></row></sheetData></worksheet>";
	static const char other[] = "<worksheet " NS_MAIN "><sheetData><row r=\"1\"><c r=\"A1\" "
				    "t=\"inlineStr\"><is><t>别的</t></is></c></row></sheetData></worksheet>";
	const char *names[6] = {"xl/workbook.xml",     "xl/_rels/workbook.xml.rels",
				"xl/worksheets/a.xml", "xl/worksheets/b.xml",
				"xl/worksheets/c.xml", "xl/worksheets/d.xml"};
	const char *texts[6] = {wb, rels, empty, blank, data, other};
	struct sheet s;
	struct err e = {0};
	size_t len;
	char *zip;
	(void)state;
	zip = make_zip(names, texts, 6, 0, &len);
	assert_int_equal(sheet_read(zip, len, SHEET_XLSX, 100, &s, &e), 0);
	free(zip);
	assert_int_equal(s.nrows, 2); /* row 1 blank, row 2 the header: the third sheet */
	assert_string_equal(sheet_cell(&s, 1, 0), "姓名");
	sheet_release(&s);
	/* no data in any sheet: an empty sheet, not an error */
	texts[4] = empty;
	texts[5] = blank;
	zip = make_zip(names, texts, 6, 0, &len);
	assert_int_equal(sheet_read(zip, len, SHEET_XLSX, 100, &s, &e), 0);
	free(zip);
	assert_int_equal(s.nrows, 0);
	sheet_release(&s);
}

static void xlsx_cells(void **state)
{
	static const char sst[] =
		"<sst " NS_MAIN " count=\"4\" uniqueCount=\"4\">"
		"<si><t>张三</t></si>"
		"<si><r><rPr><b/></rPr><t>人大</t></r><r><t xml:space=\"preserve\"> 代表</t></r>"
		"<rPh sb=\"0\" eb=\"1\"><t>ジン</t></rPh></si>"
		"<si><t>一_x000D_\n二</t></si>"
		"<si><t/></si></sst>";
	static const char rows[] =
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"C1\" t=\"s\"><v>1</v></c></row>"
		"<row r=\"4\"><c r=\"A4\" t=\"inlineStr\"><is><r><t>内</t></r><r><t>联</t></r></is></c>"
		"<c t=\"b\"><v>1</v></c><c t=\"b\"><v>0</v></c><c t=\"s\"><v>2</v></c>"
		"<c r=\"F4\" t=\"str\"><f>A1&amp;\"x\"</f><v>张三x</v></c>"
		"<c r=\"G4\" t=\"e\"><v>#N/A</v></c><c r=\"H4\" t=\"s\"><v>3</v></c></row>"
		"<row r=\"5\"><c r=\"A5\"><v>13800138000</v></c><c r=\"B5\"><v>1.3800138E+10</v></c>"
		"<c r=\"C5\"><v>0.30000000000000004</v></c><c r=\"D5\"><v>-42</v></c>"
		"<c r=\"E5\"><v>110101199001011008</v></c><c r=\"F5\"><v>1E+21</v></c>"
		"<c r=\"G5\" s=\"3\"><v>3.5</v></c></row>"
		"<row r=\"6\"><c r=\"A6\" s=\"1\"/><c r=\"B6\"/></row>";
	struct sheet s;
	struct err e = {0};
	(void)state;
	assert_int_equal(read_crafted(wb_xml, sst, rows, 100, &s, &e), 0);
	assert_int_equal(s.nrows, 5); /* row 6 holds nothing */
	assert_int_equal(s.ncols[0], 3);
	assert_string_equal(sheet_cell(&s, 0, 0), "张三");
	assert_string_equal(sheet_cell(&s, 0, 1), "");
	assert_string_equal(sheet_cell(&s, 0, 2), "人大 代表");
	assert_int_equal(s.ncols[1], 0);
	assert_int_equal(s.ncols[2], 0);
	assert_string_equal(sheet_cell(&s, 3, 0), "内联");
	assert_string_equal(sheet_cell(&s, 3, 1), "TRUE");
	assert_string_equal(sheet_cell(&s, 3, 2), "FALSE");
	assert_string_equal(sheet_cell(&s, 3, 3), "一\r\n二");
	assert_string_equal(sheet_cell(&s, 3, 5), "张三x");
	assert_string_equal(sheet_cell(&s, 3, 6), "#N/A");
	assert_int_equal(s.ncols[3], 7); /* the empty shared string in H4 is no cell */
	assert_string_equal(sheet_cell(&s, 4, 0), "13800138000");
	assert_string_equal(sheet_cell(&s, 4, 1), "13800138000");
	assert_string_equal(sheet_cell(&s, 4, 2), "0.3");
	assert_string_equal(sheet_cell(&s, 4, 3), "-42");
	assert_string_equal(sheet_cell(&s, 4, 4), "110101199001011000");
	assert_string_equal(sheet_cell(&s, 4, 5), "1e+21");
	assert_string_equal(sheet_cell(&s, 4, 6), "3.5");
	sheet_release(&s);
}

static void xlsx_dates_by_style(void **state)
{
	/* styles_xml: s=1 is built-in 14, s=2 the custom Chinese date format 176 */
	static const char rows[] =
		"<row r=\"1\"><c s=\"1\"><v>45292</v></c><c s=\"2\"><v>32994</v></c>"
		"<c s=\"1\"><v>59</v></c><c s=\"1\"><v>60</v></c><c s=\"1\"><v>61</v></c>"
		"<c s=\"1\"><v>1</v></c><c s=\"1\"><v>45292.75</v></c><c s=\"0\"><v>45292</v></c>"
		"<c s=\"1\"><v>-1</v></c><c s=\"9\"><v>45292</v></c></row>";
	struct sheet s;
	struct err e = {0};
	(void)state;
	assert_int_equal(read_crafted(wb_xml, NULL, rows, 100, &s, &e), 0);
	assert_string_equal(sheet_cell(&s, 0, 0), "2024-01-01");
	assert_string_equal(sheet_cell(&s, 0, 1), "1990-05-01");
	assert_string_equal(sheet_cell(&s, 0, 2), "1900-02-28");
	assert_string_equal(sheet_cell(&s, 0, 3), "1900-02-29"); /* Lotus's leap day */
	assert_string_equal(sheet_cell(&s, 0, 4), "1900-03-01");
	assert_string_equal(sheet_cell(&s, 0, 5), "1900-01-01");
	assert_string_equal(sheet_cell(&s, 0, 6), "2024-01-01");
	assert_string_equal(sheet_cell(&s, 0, 7), "45292"); /* general: a number */
	assert_string_equal(sheet_cell(&s, 0, 8), "-1");    /* no date before 1900 */
	assert_string_equal(sheet_cell(&s, 0, 9), "45292"); /* unknown style */
	sheet_release(&s);

	assert_int_equal(read_crafted(wb1904_xml, NULL, "<row r=\"1\"><c s=\"1\"><v>0</v></c><c s=\"1\"><v>43830</v></c></row>",
				      100, &s, &e),
			 0);
	assert_string_equal(sheet_cell(&s, 0, 0), "1904-01-01");
	assert_string_equal(sheet_cell(&s, 0, 1), "2024-01-01");
	sheet_release(&s);
}

/* A file as real software writes it: libxlsxwriter, dates in three formats, numbers,
 * booleans, a formula with its cached value, a second sheet that must be ignored. */
static void xlsx_from_libxlsxwriter(void **state)
{
	char path[32];
	lxw_workbook *wb;
	lxw_worksheet *ws, *ws2;
	lxw_format *iso, *builtin, *cn, *stamp;
	lxw_datetime birth = {1990, 5, 1, 0, 0, 0}, leap = {2024, 2, 29, 0, 0, 0};
	lxw_datetime early = {1900, 1, 15, 0, 0, 0}, when = {2024, 3, 8, 9, 30, 0};
	struct sheet s;
	struct err e = {0};
	enum sheet_format fmt;
	size_t len;
	char *data;
	(void)state;
	tmp_path(path);
	wb = workbook_new(path);
	ws = workbook_add_worksheet(wb, "代表");
	ws2 = workbook_add_worksheet(wb, "其他");
	iso = workbook_add_format(wb);
	format_set_num_format(iso, "yyyy-mm-dd");
	builtin = workbook_add_format(wb);
	format_set_num_format_index(builtin, 14);
	cn = workbook_add_format(wb);
	format_set_num_format(cn, "yyyy\"年\"m\"月\"d\"日\";@");
	stamp = workbook_add_format(wb);
	format_set_num_format(stamp, "yyyy/m/d h:mm");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "出生日期", NULL);
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	worksheet_write_datetime(ws, 1, 1, &birth, iso);
	worksheet_write_datetime(ws, 1, 2, &leap, builtin);
	worksheet_write_datetime(ws, 1, 3, &early, cn);
	worksheet_write_datetime(ws, 1, 4, &when, stamp);
	worksheet_write_number(ws, 2, 0, 13800138000.0, NULL);
	worksheet_write_number(ws, 2, 1, 2.5, NULL);
	worksheet_write_boolean(ws, 2, 2, 1, NULL);
	worksheet_write_formula_num(ws, 2, 3, "=1+1", NULL, 2);
	worksheet_write_string(ws, 4, 2, "第五行", NULL);
	worksheet_write_string(ws2, 0, 0, "不该读到", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	data = slurp_and_unlink(path, &len);

	assert_int_equal(sheet_detect(data, len, &fmt, &e), 0);
	assert_int_equal(sheet_read(data, len, fmt, 100, &s, &e), 0);
	assert_int_equal(s.nrows, 5);
	assert_string_equal(sheet_cell(&s, 0, 1), "出生日期");
	assert_string_equal(sheet_cell(&s, 1, 1), "1990-05-01");
	assert_string_equal(sheet_cell(&s, 1, 2), "2024-02-29");
	assert_string_equal(sheet_cell(&s, 1, 3), "1900-01-15");
	assert_string_equal(sheet_cell(&s, 1, 4), "2024-03-08 09:30");
	assert_string_equal(sheet_cell(&s, 2, 0), "13800138000");
	assert_string_equal(sheet_cell(&s, 2, 1), "2.5");
	assert_string_equal(sheet_cell(&s, 2, 2), "TRUE");
	assert_string_equal(sheet_cell(&s, 2, 3), "2");
	assert_int_equal(s.ncols[3], 0);
	assert_string_equal(sheet_cell(&s, 4, 2), "第五行");
	sheet_release(&s);
	free(data);
}

static void xlsx_broken(void **state)
{
	struct sheet s;
	struct err e = {0};
	const char *names[] = {"xl/workbook.xml", "xl/worksheets/sheet1.xml"};
	const char *texts[2] = {wb_xml, NULL};
	char *zip;
	size_t len;
	(void)state;
	/* malformed XML names the part */
	assert_int_equal(read_crafted(wb_xml, NULL, "<row><c><v>1</v></row>", 100, &s, &e), E_INVALID);
	assert_string_equal(e.code, "bad_file");
	assert_non_null(strstr(e.msg, "worksheet"));
	/* a DOCTYPE (entity expansion) is refused before any entity is read */
	texts[1] = "<!DOCTYPE l [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;\">]>"
		   "<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
		   "</sheetData></worksheet>";
	zip = make_zip(names, texts, 2, 0, &len);
	assert_int_equal(sheet_read(zip, len, SHEET_XLSX, 100, &s, &e), E_INVALID);
	assert_non_null(strstr(e.msg, "DOCTYPE"));
	free(zip);
	/* a shared string index that does not exist */
	assert_int_equal(read_crafted(wb_xml, "<sst><si><t>a</t></si></sst>",
				      "<row r=\"3\"><c t=\"s\"><v>1</v></c></row>", 100, &s, &e),
			 E_INVALID);
	assert_non_null(strstr(e.msg, "第3行"));
	/* rows out of order */
	assert_int_equal(read_crafted(wb_xml, NULL, "<row r=\"3\"><c><v>1</v></c></row><row r=\"2\"><c><v>1</v></c></row>",
				      100, &s, &e),
			 E_INVALID);
	/* the workbook names a sheet that is not in the file */
	texts[1] = "<worksheet/>";
	names[1] = "xl/worksheets/other.xml";
	zip = make_zip(names, texts, 2, 0, &len);
	assert_int_equal(sheet_read(zip, len, SHEET_XLSX, 100, &s, &e), E_INVALID);
	assert_non_null(strstr(e.msg, "工作表"));
	free(zip);
	/* deep nesting */
	{
		struct buf rows;
		buf_init(&rows, 4096);
		for (int i = 0; i < 100; i++)
			buf_adds(&rows, "<a>");
		for (int i = 0; i < 100; i++)
			buf_adds(&rows, "</a>");
		assert_int_equal(read_crafted(wb_xml, NULL, rows.data, 100, &s, &e), E_INVALID);
		buf_release(&rows);
	}
	assert_int_equal(s.nrows, 0);
}

static void xlsx_zip_bomb(void **state)
{
	const char *names[] = {"xl/workbook.xml", "xl/worksheets/sheet1.xml"};
	const char *texts[] = {wb_xml, "\x03\x00"};
	struct sheet s;
	struct err e = {0};
	char *zip;
	size_t len;
	(void)state;
	/* the sheet declares 65 MiB uncompressed: refused before inflating a byte */
	zip = make_zip(names, texts, 2, 65ul << 20, &len);
	assert_true(len < 2048);
	assert_int_equal(sheet_read(zip, len, SHEET_XLSX, 100, &s, &e), E_TOOLARGE);
	assert_string_equal(e.code, "file_too_large");
	assert_non_null(strstr(e.msg, "64 MB"));
	free(zip);
}

static void write_checks_input(void **state)
{
	const char *bad[] = {"ok", "\xff\xfe"};
	const char *odd[] = {"_x0041_ 字面", "\x01"};
	struct sheet s, back;
	struct err e = {0};
	char *out = NULL, *part;
	size_t len;
	(void)state;
	sheet_init(&s);
	sheet_add_row(&s, bad, 2);
	assert_int_equal(sheet_write(&s, SHEET_XLSX, "x", &out, &len, &e), E_INVALID);
	assert_string_equal(e.code, "bad_encoding");
	assert_non_null(strstr(e.msg, "第1行B列"));
	assert_null(out);
	sheet_release(&s);

	/* literal _xHHHH_ text and a control character survive; a bad sheet name is cleaned */
	sheet_add_row(&s, odd, 2);
	assert_int_equal(sheet_write(&s, SHEET_XLSX, "a/b:c*d?[e]'", &out, &len, &e), 0);
	part = zip_entry(out, len, "xl/workbook.xml");
	assert_non_null(strstr(part, "name=\"a_b_c_d__e_\""));
	free(part);
	assert_int_equal(sheet_read(out, len, SHEET_XLSX, 10, &back, &e), 0);
	assert_string_equal(sheet_cell(&back, 0, 0), "_x0041_ 字面");
	assert_string_equal(sheet_cell(&back, 0, 1), "\x01");
	sheet_release(&back);
	free(out);
	sheet_release(&s);

	/* an empty sheet is still a valid file */
	assert_int_equal(sheet_write(&s, SHEET_XLSX, "", &out, &len, &e), 0);
	assert_int_equal(sheet_read(out, len, SHEET_XLSX, 10, &back, &e), 0);
	assert_int_equal(back.nrows, 0);
	free(out);
	assert_int_equal(sheet_write(&s, SHEET_CSV, NULL, &out, &len, &e), 0);
	assert_int_equal(len, 3);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(basics),
		cmocka_unit_test(xlsx_round_trip),
		cmocka_unit_test(csv_round_trip),
		cmocka_unit_test(csv_reads_excel_text),
		cmocka_unit_test(row_cap),
		cmocka_unit_test(refuses_non_spreadsheets),
		cmocka_unit_test(csv_invalid_utf8_names_line),
		cmocka_unit_test(csv_unterminated_quote),
		cmocka_unit_test(csv_cell_and_column_caps),
		cmocka_unit_test(xlsx_huge_reference),
		cmocka_unit_test(xlsx_first_sheet_with_data),
		cmocka_unit_test(xlsx_cells),
		cmocka_unit_test(xlsx_dates_by_style),
		cmocka_unit_test(xlsx_from_libxlsxwriter),
		cmocka_unit_test(xlsx_broken),
		cmocka_unit_test(xlsx_zip_bomb),
		cmocka_unit_test(write_checks_input),
	};
	return cmocka_run_group_tests_name("sheet", tests, NULL, NULL);
}
