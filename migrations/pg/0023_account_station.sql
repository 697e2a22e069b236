-- A station's own staff (联络站工作人员) may keep one station: their account names it, and they
-- see and handle only that station's bookings (src/booking.c). Without one, a station_staff
-- account works by its region as before; other roles have none.
ALTER TABLE accounts ADD COLUMN station_id BIGINT REFERENCES stations(id);
