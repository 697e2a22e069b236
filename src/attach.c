#include "attach.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util.h"

int attach_check(const json_t *files, const char *field, struct err *e)
{
	size_t i;
	json_t *v;
	if (!files)
		return 0;
	if (json_array_size(files) > ATTACH_FILES_MAX)
		return err_field(e, E_INVALID, "too_many", field, "附件最多 %d 个", ATTACH_FILES_MAX);
	json_array_foreach(files, i, v) {
		const char *name = json_string_value(json_object_get(v, "name"));
		const char *data = json_string_value(json_object_get(v, "data"));
		size_t n;
		unsigned char *bin;
		int bad;
		if (!json_is_object(v) || !name || !*name || strlen(name) > 200 || !data || !*data)
			return err_field(e, E_INVALID, "bad_file", field,
					 "第 %zu 个附件缺少文件名或内容", i + 1);
		bad = util_base64_decode(data, ATTACH_FILE_MAX_BYTES, &bin, &n);
		free(bin);
		if (bad == -2)
			return err_field(e, E_TOOLARGE, "too_large", field, "第 %zu 个附件超过 %u MB",
					 i + 1, ATTACH_FILE_MAX_BYTES >> 20);
		if (bad)
			return err_field(e, E_INVALID, "bad_file", field,
					 "第 %zu 个附件不是有效的 base64 内容", i + 1);
	}
	return 0;
}

const char *attach_mime(const char *name, const char *b64)
{
	const char *dot = strrchr(name, '.');
	if (!strncmp(b64, "JVBER", 5))
		return "application/pdf";
	if (!strncmp(b64, "/9j/", 4))
		return "image/jpeg";
	if (!strncmp(b64, "iVBOR", 5))
		return "image/png";
	if (dot && !strcasecmp(dot, ".docx"))
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
	if (dot && !strcasecmp(dot, ".doc"))
		return "application/msword";
	return "application/octet-stream";
}

const char *attach_served_type(const char *mime)
{
	static const char *const shown[] = {"application/pdf", "image/jpeg", "image/png"};
	for (size_t i = 0; i < sizeof(shown) / sizeof(shown[0]); i++)
		if (mime && !strcmp(mime, shown[i]))
			return shown[i];
	return "application/octet-stream";
}
