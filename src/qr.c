/* qr.c: QR codes for station posters. libqrencode builds the module matrix; the SVG is one
 * <path> of horizontal runs (small, and crisp at any print size), the PNG 8-bit greyscale
 * written to memory. */
#include "qr.h"

#include <png.h>
#include <qrencode.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define QR_MAX_TEXT 1024       /* a URL or a short notice; longer codes scan badly off a wall */
#define QR_QUIET 4             /* the quiet zone ISO/IEC 18004 asks for, in modules */
#define QR_MAX_SIDE 4096       /* pixels per side: a poster at 300 dpi, bounded memory */
#define QR_MAX_OUT (16u << 20) /* an encoded image; a 4096 px PNG of a QR code is far less */

/* Encodes text into *qr (owned by the caller, QRcode_free) after checking text and scale. */
static int encode(const char *text, int scale, QRcode **qr, struct err *e)
{
	size_t len = text ? strlen(text) : 0;
	long side;

	*qr = NULL;
	if (len == 0)
		return err_set(e, E_INVALID, "qr_empty", "二维码内容不能为空");
	if (len > QR_MAX_TEXT)
		return err_set(e, E_INVALID, "qr_too_long", "二维码内容不能超过%d字节", QR_MAX_TEXT);
	if (!util_utf8_valid(text, len))
		return err_set(e, E_INVALID, "bad_encoding", "二维码内容不是有效的 UTF-8 文本");
	if (scale < 1 || scale > QR_MAX_SIDE)
		return err_set(e, E_INVALID, "qr_scale", "二维码每个模块的像素数应在1到%d之间", QR_MAX_SIDE);
	*qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!*qr)
		return err_set(e, E_INVALID, "qr_too_long", "内容过长，无法生成二维码");
	side = ((long)(*qr)->width + 2 * QR_QUIET) * scale;
	if (side > QR_MAX_SIDE) {
		QRcode_free(*qr);
		*qr = NULL;
		return err_set(e, E_INVALID, "qr_scale",
			       "二维码图片过大（%ld像素），请减小每个模块的像素数", side);
	}
	return 0;
}

int qr_svg(const char *text, int scale, char **out, size_t *len, struct err *e)
{
	QRcode *qr;
	struct buf b;
	int n, rc;

	*out = NULL;
	*len = 0;
	rc = encode(text, scale, &qr, e);
	if (rc)
		return rc;
	n = qr->width + 2 * QR_QUIET;
	buf_init(&b, QR_MAX_OUT);
	buf_addf(&b,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" "
		 "height=\"%d\" viewBox=\"0 0 %d %d\" shape-rendering=\"crispEdges\">\n"
		 "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"",
		 n * scale, n * scale, n, n, n, n);
	for (int y = 0; y < qr->width; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;
		for (int x = 0; x < qr->width;) {
			int run = 0;
			if (!(row[x] & 1)) {
				x++;
				continue;
			}
			while (x + run < qr->width && (row[x + run] & 1))
				run++;
			buf_addf(&b, "M%d %dh%dv1h-%dz", x + QR_QUIET, y + QR_QUIET, run, run);
			x += run;
		}
	}
	buf_adds(&b, "\"/>\n</svg>\n");
	QRcode_free(qr);
	if (buf_failed(&b)) {
		buf_release(&b);
		return err_set(e, E_INTERNAL, "internal", "生成二维码失败");
	}
	*out = buf_detach(&b, len);
	return 0;
}

static void png_write_cb(png_structp png, png_bytep data, png_size_t n)
{
	struct buf *b = png_get_io_ptr(png);
	buf_add(b, data, n);
	if (buf_failed(b))
		png_error(png, "output too large");
}

static void png_flush_cb(png_structp png)
{
	(void)png;
}

static void png_error_cb(png_structp png, png_const_charp msg)
{
	(void)msg; /* reported as our own error, not on stderr */
	png_longjmp(png, 1);
}

static void png_warning_cb(png_structp png, png_const_charp msg)
{
	(void)png;
	(void)msg;
}

/* Writes the image into b; 0 or -1. Nothing here is modified after setjmp, so nothing can be
 * clobbered by libpng's longjmp. */
static int png_encode(const QRcode *qr, int scale, unsigned char *row, struct buf *b)
{
	png_structp png;
	png_infop info;
	int n = qr->width + 2 * QR_QUIET, side = n * scale;

	png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, png_error_cb, png_warning_cb);
	if (!png)
		return -1;
	info = png_create_info_struct(png);
	if (!info) {
		png_destroy_write_struct(&png, NULL);
		return -1;
	}
	if (setjmp(png_jmpbuf(png))) {
		png_destroy_write_struct(&png, &info);
		return -1;
	}
	png_set_write_fn(png, b, png_write_cb, png_flush_cb);
	png_set_IHDR(png, info, (png_uint_32)side, (png_uint_32)side, 8, PNG_COLOR_TYPE_GRAY,
		     PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
	png_write_info(png, info);
	for (int my = 0; my < n; my++) {
		int qy = my - QR_QUIET;
		for (int mx = 0; mx < n; mx++) {
			int qx = mx - QR_QUIET;
			int dark = qy >= 0 && qy < qr->width && qx >= 0 && qx < qr->width &&
				   (qr->data[(size_t)qy * (size_t)qr->width + (size_t)qx] & 1);
			memset(row + (size_t)mx * (size_t)scale, dark ? 0 : 255, (size_t)scale);
		}
		for (int k = 0; k < scale; k++)
			png_write_row(png, row);
	}
	png_write_end(png, NULL);
	png_destroy_write_struct(&png, &info);
	return 0;
}

int qr_png(const char *text, int scale, char **out, size_t *len, struct err *e)
{
	QRcode *qr;
	unsigned char *row;
	struct buf b;
	int rc;

	*out = NULL;
	*len = 0;
	rc = encode(text, scale, &qr, e);
	if (rc)
		return rc;
	row = xmalloc((size_t)(qr->width + 2 * QR_QUIET) * (size_t)scale);
	buf_init(&b, QR_MAX_OUT);
	if (png_encode(qr, scale, row, &b) || buf_failed(&b))
		rc = err_set(e, E_INTERNAL, "internal", "生成二维码图片失败");
	else
		*out = buf_detach(&b, len);
	buf_release(&b);
	free(row);
	QRcode_free(qr);
	return rc;
}
