-- Bounded allocation lengths make every overlap search a short index range.
--
-- An allocation (one segment of a service with its buffers, or a reservation's table) is never
-- longer than three days: the engine refuses services whose work or buffers exceed a day each.
-- With that bound, "does anything overlap [s, e)?" only has to look at allocations starting in
-- (s - 3 days, e). The exclusion constraint still guarantees no overlap on its own; the index
-- serves the store's pre-check and the availability reads.

ALTER TABLE allocations
    ADD CONSTRAINT allocations_bounded_length CHECK (ends_at_ms - starts_at_ms <= 259200000);

DROP INDEX allocations_resource_time;
CREATE INDEX allocations_resource_span
    ON allocations (tenant_id, resource_id, starts_at_ms, ends_at_ms, unit, session_key);
