-- 0002_hits_stats.sql - hits name their traveller; indexes for the statistics and the hit queue.
--
-- Portable SQL for SQLite 3.35+ and PostgreSQL 15 (see 0001_init.sql): ADD COLUMN of a nullable
-- reference and plain CREATE INDEX only.
--
-- Every inspection now stores its hits (app_inspect). A hit recorded before this migration has no
-- traveller (NULL); later ones reference the traveller screened.
ALTER TABLE hit ADD COLUMN traveller_id BIGINT REFERENCES traveller (id);
CREATE INDEX hit_traveller ON hit (traveller_id);
-- The hit queue (newest first) and the hit statistics read hits by time.
CREATE INDEX hit_created ON hit (created_ms);

-- The crossing statistics read one time range of crossings (30 days by default, over tens of
-- millions of rows): this index covers the counts by day, BCP, direction and decision, so those
-- are answered from the index alone, and holds the traveller id that the nationality and sex
-- counts join traveller by (its primary key).
CREATE INDEX crossing_time ON crossing (time_ms, bcp_id, direction, decision, traveller_id);
