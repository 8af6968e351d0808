-- Bounded allocation lengths make every overlap search a short index range.
--
-- An allocation (one segment of a service with its buffers, or a reservation's table) is never
-- longer than three days: the engine refuses services whose work or buffers exceed a day each.
-- With that bound, "does anything overlap [s, e)?" only has to look at allocations starting in
-- (s - 3 days, e), instead of at every earlier allocation of the resource. The index below also
-- carries the columns the overlap check reads, so the check never visits the table itself.

CREATE TRIGGER allocations_bounded_length BEFORE INSERT ON allocations
WHEN NEW.ends_at_ms - NEW.starts_at_ms > 259200000
BEGIN
    SELECT RAISE(ABORT, 'allocations_too_long');
END;

CREATE TRIGGER allocations_bounded_length_update BEFORE UPDATE ON allocations
WHEN NEW.ends_at_ms - NEW.starts_at_ms > 259200000
BEGIN
    SELECT RAISE(ABORT, 'allocations_too_long');
END;

DROP INDEX allocations_resource_time;
CREATE INDEX allocations_resource_span
    ON allocations (tenant_id, resource_id, starts_at_ms, ends_at_ms, unit, session_key);

DROP TRIGGER allocations_no_overlap;
CREATE TRIGGER allocations_no_overlap BEFORE INSERT ON allocations
WHEN EXISTS (
    SELECT 1 FROM allocations a
    WHERE a.tenant_id = NEW.tenant_id AND a.resource_id = NEW.resource_id
      AND a.starts_at_ms > NEW.starts_at_ms - 259200000 AND a.starts_at_ms < NEW.ends_at_ms
      AND a.ends_at_ms > NEW.starts_at_ms
      AND a.unit = NEW.unit AND a.session_key <> NEW.session_key
)
BEGIN
    SELECT RAISE(ABORT, 'allocations_no_overlap');
END;

DROP TRIGGER allocations_no_overlap_update;
CREATE TRIGGER allocations_no_overlap_update BEFORE UPDATE ON allocations
WHEN EXISTS (
    SELECT 1 FROM allocations a
    WHERE a.tenant_id = NEW.tenant_id AND a.resource_id = NEW.resource_id
      AND a.starts_at_ms > NEW.starts_at_ms - 259200000 AND a.starts_at_ms < NEW.ends_at_ms
      AND a.ends_at_ms > NEW.starts_at_ms
      AND a.unit = NEW.unit AND a.session_key <> NEW.session_key
      AND NOT (a.booking_id = OLD.booking_id AND a.resource_id = OLD.resource_id AND a.unit = OLD.unit AND a.starts_at_ms = OLD.starts_at_ms)
)
BEGIN
    SELECT RAISE(ABORT, 'allocations_no_overlap');
END;
