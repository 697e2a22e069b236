# renda: `make run` installs, builds, creates the demo database and serves on :8080;
# `make test` builds and runs every test on both database backends.

CC ?= cc
PKGS := libmicrohttpd jansson libsodium libcrypto libcurl sqlite3 libpq minizip expat xlsxwriter libqrencode libpng zlib friso
CFLAGS ?= -O2 -g
CFLAGS += -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers \
	-Isrc -Ibuild $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# friso's dictionary (Debian's friso-dict), read at start-up; RENDA_WORDS_DICT overrides it.
WORDS_DICT ?= $(shell pkg-config --variable=datadir friso 2>/dev/null || echo /usr/share)/friso/dict/UTF-8/
CFLAGS += -DRENDA_WORDS_DICT=\"$(WORDS_DICT)\"
LDLIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread
# `make SAN=1` builds with AddressSanitizer and UndefinedBehaviorSanitizer.
ifeq ($(SAN),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
LDFLAGS += -fsanitize=address,undefined
BUILD := build/san
else
BUILD := build
endif

SRC := $(filter-out src/main.c,$(wildcard src/*.c))
OBJ := $(patsubst src/%.c,$(BUILD)/obj/%.o,$(SRC)) $(BUILD)/obj/migrations.o
MIGRATIONS := $(wildcard migrations/sqlite/*.sql migrations/pg/*.sql)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))

DB ?= var/renda.db
LISTEN ?= 127.0.0.1:8080

.PHONY: all deps web run test unit clean format format-check banned-check mutants bench fuzz asan
all: $(BUILD)/renda $(UNIT_BIN)

deps:
	@sh scripts/deps.sh

$(BUILD)/obj/%.o: src/%.c $(wildcard src/*.h) | $(BUILD)/obj
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/migrations.c: scripts/embed-migrations.sh $(MIGRATIONS) | $(BUILD)/obj
	sh scripts/embed-migrations.sh migrations > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/migrations.o: $(BUILD)/migrations.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/renda: $(OBJ) $(BUILD)/obj/main.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(OBJ) | $(BUILD)/tests
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(OBJ) $(LDLIBS) -lcmocka

$(BUILD)/obj $(BUILD)/tests:
	mkdir -p $@

web/dist/index.html: $(shell find web/src web/scripts web/index.html web/phone.html web/package.json web/vite.config.* -type f 2>/dev/null)
	@if [ -f web/package.json ]; then cd web && npm run build; fi

web: web/dist/index.html

run: deps
	$(MAKE) all web
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then ./build/renda demo --db sqlite:$(DB) --size small --seed 1; \
	else ./build/renda migrate --db sqlite:$(DB) >/dev/null; fi
	@./build/renda --help >/dev/null
	@echo "renda: 打开 http://$(LISTEN)"
	@echo "演示账号（密码均为 Renda@2024）: admin 系统管理员 · secadmin 安全管理员 · auditor 安全审计员 ·"
	@echo "  city 市人大 · county 清河市人大 · unit 乡镇人大 · station 联络站 · deputy 代表 · handler 承办单位"
	./build/renda serve --db sqlite:$(DB) --listen $(LISTEN) --web web/dist

test: deps
	$(MAKE) all web $(FUZZ_BIN)
	$(MAKE) asan
	sh scripts/test.sh

# The server with AddressSanitizer and UndefinedBehaviorSanitizer in build/san (SAN=1 above),
# apart from build/, for the HTTP suite run under it: scripts/test.sh asan.
asan:
	$(MAKE) SAN=1 build/san/renda

unit: all
	sh scripts/test.sh unit

bench: deps
	$(MAKE) all web
	sh bench/regions.sh
	sh bench/details.sh
	sh bench/lists.sh
	sh bench/pgsearch.sh
	node bench/phone-first-page.mjs

# libFuzzer targets (clang): build/fuzz/fuzz_*; `make test` runs each for 10 s, `make fuzz` for
# FUZZ_SECONDS (`make fuzz FUZZ_SECONDS=3600`).
FUZZ_SECONDS ?= 300
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BIN := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
# Each target names the sources it needs beyond util.c and err.c.
FUZZ_DEPS_fuzz_json := src/jsonx.c src/buf.c
FUZZ_DEPS_fuzz_sheet := src/sheet.c src/buf.c
FUZZ_DEPS_fuzz_http := src/http_parse.c
FUZZ_DEPS_fuzz_text := src/text.c src/buf.c
FUZZ_DEPS_fuzz_schedule := src/schedule.c src/calendar.c
# fuzz_api: the router, handlers and domains on SQLite, without the transport (http.c).
FUZZ_DEPS_fuzz_api := $(filter-out src/http.c src/util.c src/err.c,$(SRC)) build/migrations.c
FUZZ_PKGS := jansson libsodium minizip expat xlsxwriter zlib
FUZZ_PKGS_fuzz_api := $(filter-out libmicrohttpd,$(PKGS))
build/fuzz/fuzz_api: build/migrations.c
build/fuzz/%: tests/fuzz/%.c $(SRC) $(wildcard src/*.h)
	@mkdir -p build/fuzz
	clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
		$(shell pkg-config --cflags $(or $(FUZZ_PKGS_$*),$(FUZZ_PKGS))) -o $@ $< $(FUZZ_DEPS_$*) \
		src/util.c src/err.c $(shell pkg-config --libs $(or $(FUZZ_PKGS_$*),$(FUZZ_PKGS))) -lpthread
fuzz: $(FUZZ_BIN)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh scripts/test.sh fuzz

format:
	clang-format -i src/*.c src/*.h tests/unit/*.c tests/unit/*.h

# Lists the files that differ from .clang-format; exit 1 if any (-d in the script shows how).
format-check:
	@sh scripts/format-check.sh

# Mutation check of the rule functions in tests/mutants.list (scripts/mutants.mjs);
# `make mutants ONLY=tally_passes` checks one function.
mutants: $(OBJ)
	@CC="$(CC)" CFLAGS="$(CFLAGS)" LDFLAGS="$(LDFLAGS)" LDLIBS="$(LDLIBS)" OBJ="$(OBJ)" BUILD="$(BUILD)" \
		node scripts/mutants.mjs $(if $(ONLY),--only $(ONLY))

# src/banned.h: each banned call fails to compile, the replacements compile, every file is clean.
banned-check:
	@CC="$(CC)" CFLAGS="$(CFLAGS)" sh scripts/banned-check.sh

clean:
	rm -rf build web/dist
