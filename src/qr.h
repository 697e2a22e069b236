/* qr.h: QR codes (libqrencode) as SVG and PNG, for the posters stations put on their walls. */
#ifndef RENDA_QR_H
#define RENDA_QR_H

#include <stddef.h>

#include "err.h"
#include "util.h"

/* Encodes text (UTF-8, at most 1024 bytes) with error correction level M and a 4-module quiet
 * zone. SVG: a scalable image of `scale` px per module (viewBox in modules). PNG: 8-bit
 * greyscale, `scale` px per module. *out is malloc'd and owned by the caller. */
int qr_svg(const char *text, int scale, char **out, size_t *len, struct err *e) WUR;
int qr_png(const char *text, int scale, char **out, size_t *len, struct err *e) WUR;

#endif
