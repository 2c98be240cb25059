-- 0004_api_board_text.sql - keep the text a carrier was answered with beside the board decision.
--
-- Portable SQL for SQLite 3.35+ and PostgreSQL 15 (see 0001_init.sql).
--
-- "INSUFFICIENT DATA: BIRTH DATE" names what the carrier left out; it cannot be rebuilt from the
-- stored person (a birth date sent as "1970" or as an invalid date is stored as sent), so the
-- flight view shows the text that went out in the CUSRES.
ALTER TABLE api_person ADD COLUMN board_text TEXT NOT NULL DEFAULT '';
