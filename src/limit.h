/* limit.h: every limit renda enforces, in one place, each with the reason. */
#ifndef RENDA_LIMIT_H
#define RENDA_LIMIT_H

/* HTTP transport */
#define LIMIT_BODY_BYTES \
	(1u << 20) /* 1 MiB: the largest JSON a form sends; uploads get their own cap */
#define LIMIT_UPLOAD_BYTES (10u << 20) /* 10 MiB: a spreadsheet of tens of thousands of deputies */
#define LIMIT_IMPORT_ROWS 50000        /* rows of one import: a province's deputies of one level */
#define LIMIT_HEADER_BYTES \
	(32u * 1024) /* request line and headers together: past it 431 (or MHD's own refusal) */
#define LIMIT_CONN_MEMORY \
	(192u * 1024) /* libmicrohttpd's per-connection pool. It keeps ~56 bytes per query parameter
		       * besides the text, and leaves a request unanswered when the parameters do not
		       * fit: a URL of LIMIT_URL_BYTES made of 2,048 one-letter parameters with 32 KB of
		       * headers needs it (160 KB did not do). It zeroes the pool between requests, so a
		       * kept-alive connection holds it resident: 1,000 of them ~190 MB */
#define LIMIT_DISCARD_BYTES \
	(8u << 20)           /* past the body cap, read this much more to answer 413, then close */
#define LIMIT_URL_BYTES 4096 /* longer URLs are attacks or bugs, not queries */
#define LIMIT_CONN_TIMEOUT_S 30 /* a slow or half-sent request is cut after 30 s idle */
#define LIMIT_HEADER_WAIT_S \
	10 /* a request's headers arrive whole within 10 s, however slowly they trickle: the idle
	    * timeout restarts with every byte; a kept-alive connection gets its idle time first */
#define LIMIT_CONN_WAITING_PER_IP \
	128 /* connections of one address still waiting for a request's headers: past it the
	     * oldest is cut, so that a few addresses cannot fill LIMIT_CONN_TOTAL by trickling */
#define LIMIT_CONN_TOTAL \
	4096 /* live screens hold a connection each; the service unit sets nofile >= 8192 */
#define LIMIT_CONN_PER_IP \
	1024 /* one meeting hall behind a NAT: hundreds of screens and voting devices */
#define LIMIT_SHUTDOWN_WAIT_MS 10000 /* SIGTERM: requests in flight get this long to finish */

/* JSON and fields (counted in characters, not bytes) */
#define LIMIT_JSON_DEPTH 16   /* no form nests deeper */
#define LIMIT_NAME_CHARS 64   /* region, unit and handler names */
#define LIMIT_SHORT_CHARS 128 /* addresses, contact persons, titles */
#define LIMIT_TEXT_CHARS 5000 /* free text such as an opinion's body */
#define LIMIT_USERNAME_MIN 3
#define LIMIT_USERNAME_MAX 32
#define LIMIT_PASSWORD_MIN 8   /* DOMAIN §35: at least 8 characters */
#define LIMIT_PASSWORD_MAX 128 /* argon2 takes any length; bound the work */
#define LIMIT_PHONE_CHARS 20

/* Lists */
#define LIMIT_PAGE_DEFAULT 20
#define LIMIT_PAGE_MAX 100       /* a page is for a person; exports are streamed separately */
#define LIMIT_EXPORT_ROWS 20000  /* a list exported as a spreadsheet: a year of a county's items */
#define LIMIT_QUERY_CHARS 64     /* search boxes */
#define LIMIT_SEARCH_COUNT 10000 /* a search counts this many matches, then says "10,000+" */
#define LIMIT_FIND_RESULTS 10 /* results of one kind in the header's search box: read at a glance */

/* Accounts and sessions (DOMAIN §35, 等保 level 3) */
#define LIMIT_LOGIN_FAILURES 5         /* lockout after 5 failures */
#define LIMIT_LOCKOUT_S (15 * 60)      /* ... for 15 minutes */
#define LIMIT_SESSION_IDLE_S (30 * 60) /* idle timeout at most 30 minutes */
#define LIMIT_SESSION_TOUCH_S 30       /* last_seen is written at most this often per session */
#define LIMIT_TOKEN_DAYS_MAX 3650      /* API tokens expire within ten years */
#define LIMIT_IDEMPOTENCY_KEY 128 /* an integration's Idempotency-Key: a UUID or a request id */
#define LIMIT_BATCH_ITEMS 100     /* rows of one batch action: a page of a list at most */

/* Public forms (no login) */
#define LIMIT_PUBLIC_WINDOW_S 600 /* bursts are counted over ten minutes ... */
#define LIMIT_PUBLIC_SUBMITS 5 /* ... five opinions from one address is a person, more a script */
#define LIMIT_PUBLIC_LOOKUPS \
	30 /* ... tracking look-ups: the last four phone digits must not be guessable */
#define LIMIT_LOOKUP_FAILURES \
	5 /* wrong last-4 phone digits for one tracking code, from any address and server ... */
#define LIMIT_LOOKUP_WAIT_S (15 * 60)  /* ... then that code's phone proof waits 15 minutes */
#define LIMIT_OPINION_BYTES (8u << 20) /* an opinion with three photos of 2 MB, base64 */

/* Storage */
#define LIMIT_DB_BUSY_MS 5000  /* SQLite waits this long for a writer before failing */
#define LIMIT_DB_POOL 16       /* connections; at least the HTTP thread count */
#define LIMIT_DB_GROUP 256     /* submissions committed together: one fsync, a short transaction */
#define LIMIT_DB_GROUP_TRIES 4 /* a group met by a deadlock runs again: enough for two servers */
#define LIMIT_STMT_CACHE 64    /* prepared statements cached per SQLite connection */
#define LIMIT_WORDS_FILL \
	500 /* opinions of before the column words segmented per background tick: about 50 ms of
	     * segmenting (0.1 ms each) and one short write, so a tick never holds up intake */

#endif
