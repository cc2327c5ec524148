ALTER TABLE "audit_events" ALTER COLUMN "prev_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ALTER COLUMN "hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "seq" bigint;--> statement-breakpoint
CREATE INDEX "audit_events_unsealed_idx" ON "audit_events" USING btree ("id") WHERE "audit_events"."seq" IS NULL;--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_seq_unique" UNIQUE("seq");--> statement-breakpoint
-- Audit events are now sealed after their commit (src/core/audit/seal.ts): writers insert them with
-- seq, prev_hash and hash NULL, and the sealer sets those three once. The rows already there were
-- chained in id order, so their place is their rank by id and their hashes stay valid.
DROP TRIGGER audit_events_no_update ON audit_events;
--> statement-breakpoint
UPDATE audit_events e SET seq = r.n
FROM (SELECT id, row_number() OVER (ORDER BY id) AS n FROM audit_events) r
WHERE e.id = r.id;
--> statement-breakpoint
-- Still append-only: the one update allowed is the seal of an unsealed event, which sets seq,
-- prev_hash and hash (all three, from NULL) and nothing else. DELETE and TRUNCATE are refused.
CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  unsealed audit_events;
BEGIN
  IF TG_OP = 'UPDATE' AND OLD.seq IS NULL AND OLD.prev_hash IS NULL AND OLD.hash IS NULL
     AND NEW.seq IS NOT NULL AND NEW.prev_hash IS NOT NULL AND NEW.hash IS NOT NULL THEN
    unsealed := NEW;
    unsealed.seq := NULL;
    unsealed.prev_hash := NULL;
    unsealed.hash := NULL;
    IF unsealed IS NOT DISTINCT FROM OLD THEN
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'audit_events is append-only';
END $$;
--> statement-breakpoint
CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
  FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();
--> statement-breakpoint
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only();
