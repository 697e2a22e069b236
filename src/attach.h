/* attach.h: files attached to an item (a suggestion's attachments and reply documents, a
 * rectification problem's evidence): each sent as {"name","data"(base64)} and kept in the item's
 * own files table as base64 with its name, type and size, served back within the item's scope. */
#ifndef RENDA_ATTACH_H
#define RENDA_ATTACH_H

#include <jansson.h>

#include "err.h"
#include "util.h"

#define ATTACH_FILE_MAX_BYTES (4u << 20) /* a scanned document or a phone photo */
#define ATTACH_FILES_MAX 5               /* per request */

/* Checks files [{"name","data"}] (NULL: nothing to check): at most ATTACH_FILES_MAX, each named
 * and valid base64 within ATTACH_FILE_MAX_BYTES; E_INVALID / E_TOOLARGE on field, naming the
 * file by its position. */
int attach_check(const json_t *files, const char *field, struct err *e) WUR;
/* The stored type of a file by its first bytes or its name's extension (a static string). */
const char *attach_mime(const char *name, const char *b64);
/* The type a download is served with: the stored mime when it displays safely (PDF, JPEG, PNG),
 * else application/octet-stream (a static string, whatever was stored). */
const char *attach_served_type(const char *mime);

#endif
