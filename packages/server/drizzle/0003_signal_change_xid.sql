-- Stamps every written signal with its transaction id, for the rollup's change tracking
-- (see trading_signals.change_xid in src/db/schema.ts).
CREATE FUNCTION promptledger_stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id()::text::bigint;
  RETURN NEW;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER trg_trading_signals_change_xid
  BEFORE INSERT OR UPDATE ON trading_signals
  FOR EACH ROW EXECUTE FUNCTION promptledger_stamp_change_xid();
