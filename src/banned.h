/* banned.h: functions that must not be called in renda, turned into compile errors.
 *
 * A call such as strcpy(dst, src) expands to the undeclared identifier
 * sorry_strcpy_is_a_banned_function, so the compiler stops at the line and names the function
 * (the way git's banned.h does it). Use instead:
 *   sprintf, vsprintf             snprintf / vsnprintf with sizeof the array, or struct buf (buf.h)
 *   strcpy, strcat                snprintf(dst, sizeof(dst), "%s", src), or struct buf
 *   strncpy, strncat              the same: they leave the text unterminated or truncated unseen
 *   atoi, atol                    util_parse_i64 (util.h), which refuses junk and overflow
 *   strtok                        strtok_r, or a pointer walk (strtok keeps hidden global state)
 *   localtime, gmtime             localtime_r / gmtime_r, or the day functions of calendar.h
 *                                 (the plain forms return a shared static buffer)
 *
 * util.h includes this file at its end, so every file that includes util.h (directly or through
 * another header) is covered. The system headers that declare these functions are included
 * first: once their include guards are set, a later #include <string.h> in a source file is a
 * no-op and the macros below cannot break the library's own declarations, whatever the order of
 * includes in the source file. `make banned-check` proves that each call fails to compile and
 * also checks the few files that do not include util.h.
 */
#ifndef RENDA_BANNED_H
#define RENDA_BANNED_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BANNED(func) sorry_##func##_is_a_banned_function

#undef sprintf
#undef vsprintf
#define sprintf(...) BANNED(sprintf)
#define vsprintf(...) BANNED(vsprintf)

#undef strcpy
#undef strcat
#undef strncpy
#undef strncat
#define strcpy(x, y) BANNED(strcpy)
#define strcat(x, y) BANNED(strcat)
#define strncpy(x, y, n) BANNED(strncpy)
#define strncat(x, y, n) BANNED(strncat)

#undef atoi
#undef atol
#define atoi(s) BANNED(atoi)
#define atol(s) BANNED(atol)

#undef strtok
#define strtok(s, delim) BANNED(strtok)

#undef localtime
#undef gmtime
#define localtime(t) BANNED(localtime)
#define gmtime(t) BANNED(gmtime)

#endif
