/* Unit tests of bookings at stations: a reception day cut into slots, and the limits per slot
 * and per phone at their boundaries (n-1 accepted... n refused: a slot of per_slot places takes
 * the per_slot-th booking and refuses the next). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "booking.h"
#include "settings.h"

static void split(void **state)
{
	struct booking_slot s[8];
	(void)state;
	assert_int_equal(booking_split("09:00", "11:30", 30, s, 8), 5);
	assert_string_equal(s[0].start, "09:00");
	assert_string_equal(s[0].end, "09:30");
	assert_string_equal(s[4].start, "11:00");
	assert_string_equal(s[4].end, "11:30");
	/* a last piece shorter than a slot is dropped */
	assert_int_equal(booking_split("09:00", "10:10", 30, s, 8), 2);
	assert_string_equal(s[1].end, "10:00");
	/* exactly one slot, and a reception shorter than one slot is one slot */
	assert_int_equal(booking_split("14:00", "14:30", 30, s, 8), 1);
	assert_int_equal(booking_split("14:00", "14:20", 30, s, 8), 1);
	assert_string_equal(s[0].end, "14:20");
	/* capped by max; bad times give none */
	assert_int_equal(booking_split("08:00", "12:00", 10, s, 8), 8);
	assert_string_equal(s[7].start, "09:10");
	assert_int_equal(booking_split("10:00", "09:00", 30, s, 8), 0);
	assert_int_equal(booking_split("10:00", "10:00", 30, s, 8), 0);
	assert_int_equal(booking_split("9:00", "10:00", 30, s, 8), 0);
	assert_int_equal(booking_split("09:00", "10:00", 0, s, 8), 0);
	/* midnight is a time; one-minute slots; a cap of one */
	assert_int_equal(booking_split("00:00", "00:30", 30, s, 8), 1);
	assert_string_equal(s[0].start, "00:00");
	assert_int_equal(booking_split("09:00", "09:02", 1, s, 8), 2);
	assert_string_equal(s[1].start, "09:01");
	assert_int_equal(booking_split("09:00", "10:00", 30, s, 1), 1);
	assert_int_equal(booking_split("23:00", "23:59", 30, s, 8), 1);
	assert_string_equal(s[0].end, "23:30");
}

static void limits(void **state)
{
	(void)state;
	/* per slot 3: the third booking is taken (2 already), the fourth refused */
	assert_int_equal(booking_refusal(2, 3, 0, 2), BOOKING_OK);
	assert_int_equal(booking_refusal(3, 3, 0, 2), BOOKING_SLOT_FULL);
	assert_int_equal(booking_refusal(4, 3, 0, 2), BOOKING_SLOT_FULL);
	/* per phone 2: the second booking to come is taken, the third refused */
	assert_int_equal(booking_refusal(0, 3, 1, 2), BOOKING_OK);
	assert_int_equal(booking_refusal(0, 3, 2, 2), BOOKING_PHONE_LIMIT);
	assert_int_equal(booking_refusal(0, 1, 0, 1), BOOKING_OK);
	/* a full slot is said first */
	assert_int_equal(booking_refusal(1, 1, 1, 1), BOOKING_SLOT_FULL);
}

static void defaults(void **state)
{
	static const struct {
		const char *key;
		int value;
	} want[] = {{"booking.slot_minutes", 30},
		    {"booking.per_slot", 3},
		    {"booking.per_phone", 2},
		    {"booking.days_ahead", 30}};
	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct setting_def *d = settings_defs;
		while (d->key && strcmp(d->key, want[i].key))
			d++;
		if (!d->key)
			fail_msg("no setting %s", want[i].key);
		assert_int_equal(d->dflt, want[i].value);
		assert_true(d->min <= d->dflt && d->dflt <= d->max);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(split),
		cmocka_unit_test(limits),
		cmocka_unit_test(defaults),
	};
	return cmocka_run_group_tests_name("booking", tests, NULL, NULL);
}
