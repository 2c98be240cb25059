-- 0003_api.sql - advance passenger information: flights, the messages that described them, the
-- persons on board and their screening hits.
--
-- Portable SQL for SQLite 3.35+ and PostgreSQL 15 (see 0001_init.sql).
--
-- API data is personal data with a short legal life (Directive 2004/82/EC: deleted within 24 h of
-- arrival unless needed for a statutory function): the retention job (app_api_purge) deletes
-- persons and their hits once retain_until_ms has passed, except persons with a hit confirmed
-- true (disposition 'true_hit'), then messages and flights left without persons. Flights and
-- messages hold no personal data of their own.

CREATE TABLE api_flight (
  id {{id}},
  carrier TEXT NOT NULL,
  number TEXT NOT NULL,
  departure_airport TEXT NOT NULL,  -- IATA code, '' when not sent
  departure_time TEXT NOT NULL,     -- 'YYYY-MM-DDTHH:MM' local time of the airport, or '' / a date
  arrival_airport TEXT NOT NULL,
  arrival_time TEXT NOT NULL,
  arrival_ms BIGINT NOT NULL,       -- the scheduled arrival (0 = not sent)
  retain_until_ms BIGINT NOT NULL,  -- persons may be deleted after this time (see above)
  status TEXT NOT NULL CHECK (status IN ('open', 'cancelled')),
  first_received_ms BIGINT NOT NULL,
  last_received_ms BIGINT NOT NULL,
  UNIQUE (carrier, number, departure_airport, departure_time)
);
CREATE INDEX api_flight_arrival ON api_flight (arrival_ms);
CREATE INDEX api_flight_retain ON api_flight (retain_until_ms);

CREATE TABLE api_message (
  id {{id}},
  flight_id BIGINT NOT NULL REFERENCES api_flight (id),
  received_ms BIGINT NOT NULL,
  received_by BIGINT NOT NULL REFERENCES app_user (id),
  sender TEXT NOT NULL,             -- UNB sender
  control_ref TEXT NOT NULL,        -- UNB interchange control reference
  message_ref TEXT NOT NULL,        -- UNH message reference
  common_access_ref TEXT NOT NULL,  -- UNH 0068: ties the parts of one flight's list
  part INTEGER NOT NULL,
  last_part INTEGER NOT NULL,       -- 0/1
  list_type TEXT NOT NULL,          -- 'passengers', 'crew', ...
  document_id TEXT NOT NULL,        -- BGM 1004: '' (new), 'CP' (change), 'XR', 'XF', ...
  persons INTEGER NOT NULL,
  errors INTEGER NOT NULL,
  warnings INTEGER NOT NULL,
  bytes BIGINT NOT NULL
);
CREATE INDEX api_message_flight ON api_message (flight_id);

CREATE TABLE api_person (
  id {{id}},
  flight_id BIGINT NOT NULL REFERENCES api_flight (id),
  message_id BIGINT NOT NULL REFERENCES api_message (id),
  role TEXT NOT NULL,               -- 'passenger', 'crew', 'transit_passenger', 'transit_crew', ''
  surname TEXT NOT NULL,
  given_names TEXT NOT NULL,
  sex TEXT NOT NULL,
  birth_date TEXT NOT NULL,
  nationality TEXT NOT NULL,
  residence_country TEXT NOT NULL,
  doc_type TEXT NOT NULL,
  doc_number TEXT NOT NULL,
  doc_issuing_state TEXT NOT NULL,
  doc_expiry TEXT NOT NULL,
  seat TEXT NOT NULL,
  reservation_ref TEXT NOT NULL,
  passenger_ref TEXT NOT NULL,      -- RFF ABO: the carrier's key of the passenger
  embarkation TEXT NOT NULL,
  debarkation TEXT NOT NULL,
  traveller_key TEXT NOT NULL,      -- the screening key (dispositions refer to it)
  board TEXT NOT NULL CHECK (board IN ('board', 'no_board', 'insufficient')),
  hits INTEGER NOT NULL,
  max_score_permille INTEGER NOT NULL,
  screened_ms BIGINT NOT NULL
);
-- A later message for the flight replaces a person found by passenger reference or document.
CREATE INDEX api_person_flight_ref ON api_person (flight_id, passenger_ref);
CREATE INDEX api_person_flight_doc ON api_person (flight_id, doc_number, doc_issuing_state);
-- The booth asks whether the document it reads was pre-screened.
CREATE INDEX api_person_document ON api_person (doc_number, doc_issuing_state);
CREATE INDEX api_person_message ON api_person (message_id);

CREATE TABLE api_hit (
  id {{id}},
  person_id BIGINT NOT NULL REFERENCES api_person (id),
  watchlist_id BIGINT NOT NULL REFERENCES watchlist (id),
  entry_id TEXT NOT NULL,
  score_permille INTEGER NOT NULL,
  document_match INTEGER NOT NULL,
  matched_name TEXT NOT NULL,       -- as the list wrote it when screened (lists change)
  reasons TEXT NOT NULL             -- the score's explanation, '; '-separated
);
CREATE INDEX api_hit_person ON api_hit (person_id);
