/* Unit tests of QR images: the SVG and the PNG must carry exactly libqrencode's module matrix
 * (checked module by module, since no decoder is available), at the promised size. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <expat.h>
#include <png.h>
#include <qrencode.h>
#include <stdlib.h>
#include <string.h>

#include "qr.h"

#define QUIET 4

static const char url[] = "https://renda.example.cn/station/4401060001?from=poster";

/* The reference matrix, encoded exactly as qr.c promises to. */
static QRcode *reference(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	assert_non_null(qr);
	return qr;
}

struct svg {
	int elements, paths, rects, crisp;
	char viewbox[64], width[16];
	int n;               /* modules per side from the viewBox */
	unsigned char *dark; /* n*n, painted from the path */
	int overlap;         /* a module painted twice */
};

static const char *att(const char **atts, const char *name)
{
	for (; atts[0]; atts += 2)
		if (strcmp(atts[0], name) == 0)
			return atts[1];
	return NULL;
}

/* Paints the path's "Mx yhWv1h-Wz" runs into the module grid. */
static void paint(struct svg *s, const char *d)
{
	int x, y, w, w2, used;
	while (*d) {
		assert_int_equal(sscanf(d, "M%d %dh%dv1h-%dz%n", &x, &y, &w, &w2, &used), 4);
		assert_int_equal(w, w2);
		assert_true(w > 0 && x >= 0 && y >= 0 && x + w <= s->n && y < s->n);
		for (int i = 0; i < w; i++) {
			if (s->dark[y * s->n + x + i])
				s->overlap = 1;
			s->dark[y * s->n + x + i] = 1;
		}
		d += used;
	}
}

static void XMLCALL svg_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct svg *s = ud;
	const char *v;
	s->elements++;
	if (strcmp(name, "svg") == 0) {
		v = att(atts, "viewBox");
		assert_non_null(v);
		snprintf(s->viewbox, sizeof(s->viewbox), "%s", v);
		snprintf(s->width, sizeof(s->width), "%s", att(atts, "width"));
		v = att(atts, "shape-rendering");
		s->crisp = v && strcmp(v, "crispEdges") == 0;
		assert_int_equal(sscanf(s->viewbox, "0 0 %d", &s->n), 1);
		s->dark = calloc((size_t)s->n * (size_t)s->n, 1);
	} else if (strcmp(name, "rect") == 0) {
		s->rects++;
		assert_string_equal(att(atts, "fill"), "#fff");
	} else if (strcmp(name, "path") == 0) {
		s->paths++;
		paint(s, att(atts, "d"));
	}
}

static void XMLCALL svg_end(void *ud, const XML_Char *name)
{
	(void)ud;
	(void)name;
}

static void svg_matches_matrix(void **state)
{
	QRcode *qr = reference(url);
	struct svg s = {0};
	struct err e = {0};
	XML_Parser p;
	char *svg = NULL, want[64];
	size_t len;
	int n = qr->width + 2 * QUIET;
	(void)state;
	assert_int_equal(qr_svg(url, 10, &svg, &len, &e), 0);
	assert_int_equal(strlen(svg), len);
	p = XML_ParserCreate(NULL);
	XML_SetUserData(p, &s);
	XML_SetElementHandler(p, svg_start, svg_end);
	assert_int_equal(XML_Parse(p, svg, (int)len, 1), XML_STATUS_OK);
	XML_ParserFree(p);
	snprintf(want, sizeof(want), "0 0 %d %d", n, n);
	assert_string_equal(s.viewbox, want);
	snprintf(want, sizeof(want), "%d", n * 10);
	assert_string_equal(s.width, want);
	assert_true(s.crisp);
	assert_int_equal(s.paths, 1); /* one path, not a rect per module */
	assert_int_equal(s.rects, 1); /* the white background */
	assert_false(s.overlap);
	for (int y = 0; y < n; y++)
		for (int x = 0; x < n; x++) {
			int qx = x - QUIET, qy = y - QUIET;
			int dark = qx >= 0 && qy >= 0 && qx < qr->width && qy < qr->width &&
				   (qr->data[qy * qr->width + qx] & 1);
			assert_int_equal(s.dark[y * n + x], dark);
		}
	free(s.dark);
	free(svg);
	QRcode_free(qr);
}

static void png_matches_matrix(void **state)
{
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	const int scale = 6;
	struct err e = {0};
	png_image img;
	unsigned char *px;
	char *png = NULL;
	size_t len;
	QRcode *qr = reference("renda");
	int side;
	(void)state;
	assert_int_equal(qr->version, 1); /* five bytes fit version 1 at level M */
	assert_int_equal(qr->width, 21);
	side = (21 + 2 * QUIET) * scale;
	assert_int_equal(qr_png("renda", scale, &png, &len, &e), 0);
	assert_memory_equal(png, sig, 8);
	/* IHDR: width and height big-endian at offset 16, bit depth 8, colour type 0 (grey) */
	assert_int_equal(((unsigned char)png[16] << 24 | (unsigned char)png[17] << 16 |
			  (unsigned char)png[18] << 8 | (unsigned char)png[19]),
			 side);
	assert_int_equal(png[24], 8);
	assert_int_equal(png[25], 0);

	memset(&img, 0, sizeof(img));
	img.version = PNG_IMAGE_VERSION;
	assert_true(png_image_begin_read_from_memory(&img, png, len));
	assert_int_equal(img.width, (unsigned)side);
	img.format = PNG_FORMAT_GRAY;
	px = malloc(PNG_IMAGE_SIZE(img));
	assert_true(png_image_finish_read(&img, NULL, px, 0, NULL));
	for (int y = 0; y < side; y++)
		for (int x = 0; x < side; x++) {
			int qx = x / scale - QUIET, qy = y / scale - QUIET;
			int dark = qx >= 0 && qy >= 0 && qx < qr->width && qy < qr->width &&
				   (qr->data[qy * qr->width + qx] & 1);
			assert_int_equal(px[y * side + x], dark ? 0 : 255);
		}
	free(px);
	free(png);
	QRcode_free(qr);

	/* a longer text takes a larger version, and the image grows with it */
	qr = reference(url);
	assert_true(qr->version > 1);
	assert_int_equal(qr_png(url, 2, &png, &len, &e), 0);
	assert_int_equal((unsigned char)png[18] << 8 | (unsigned char)png[19], (qr->width + 2 * QUIET) * 2);
	free(png);
	QRcode_free(qr);
}

static void refuses_bad_input(void **state)
{
	char big[1026];
	char *out = (char *)1;
	size_t len;
	struct err e = {0};
	(void)state;
	assert_int_equal(qr_svg("", 4, &out, &len, &e), E_INVALID);
	assert_null(out);
	assert_string_equal(e.code, "qr_empty");
	memset(big, 'a', sizeof(big) - 1);
	big[1025] = '\0';
	assert_int_equal(qr_png(big, 1, &out, &len, &e), E_INVALID);
	assert_string_equal(e.code, "qr_too_long");
	big[1024] = '\0'; /* exactly 1024 bytes is allowed */
	assert_int_equal(qr_png(big, 1, &out, &len, &e), 0);
	free(out);
	assert_int_equal(qr_svg("\xff", 4, &out, &len, &e), E_INVALID);
	assert_int_equal(qr_svg("x", 0, &out, &len, &e), E_INVALID);
	assert_int_equal(qr_png("x", 1000, &out, &len, &e), E_INVALID); /* 29000 px */
	assert_string_equal(e.code, "qr_scale");
	assert_int_equal(qr_svg("人大代表联络站", 8, &out, &len, &e), 0);
	free(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(svg_matches_matrix),
		cmocka_unit_test(png_matches_matrix),
		cmocka_unit_test(refuses_bad_input),
	};
	return cmocka_run_group_tests_name("qr", tests, NULL, NULL);
}
