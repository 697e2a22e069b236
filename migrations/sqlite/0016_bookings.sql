-- Bookings at stations (预约接待, src/booking.c): a citizen books a slot of a station's reception
-- day from its phone page; the name and phone are sealed (crypto.c) and the phone also has a
-- keyed digest (phone_index) so that the bookings of one phone can be counted without it.
-- States: booked → met | no_show | cancelled; booked or met → converted (an opinion made of it).
CREATE TABLE bookings (
	id INTEGER PRIMARY KEY,
	code TEXT NOT NULL UNIQUE,
	station_id INTEGER NOT NULL REFERENCES stations(id),
	on_date TEXT NOT NULL,
	start_time TEXT NOT NULL,
	end_time TEXT NOT NULL,
	name_enc TEXT NOT NULL,
	phone_enc TEXT NOT NULL,
	phone_index TEXT NOT NULL,
	topic TEXT NOT NULL DEFAULT '',
	state TEXT NOT NULL DEFAULT 'booked',
	opinion_id INTEGER REFERENCES opinions(id),
	reminded_at BIGINT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX bookings_slot ON bookings (station_id, on_date, start_time);
CREATE INDEX bookings_phone ON bookings (phone_index, on_date);
CREATE INDEX bookings_due ON bookings (on_date, state);

CREATE TABLE booking_events (
	id INTEGER PRIMARY KEY,
	booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
	action TEXT NOT NULL,
	from_state TEXT,
	to_state TEXT NOT NULL,
	actor TEXT NOT NULL,
	note TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL
);
CREATE INDEX booking_events_booking ON booking_events (booking_id, id);
