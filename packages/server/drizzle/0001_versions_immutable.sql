-- Prompt versions are history: once written, a row is never changed or removed. The service never
-- tries; this trigger makes sure no other path (a script, a hand-written SQL session) can either.
CREATE FUNCTION promptledger_refuse_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'prompt_template_versions rows are immutable (% refused)', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER trg_prompt_template_versions_immutable
  BEFORE UPDATE OR DELETE ON prompt_template_versions
  FOR EACH ROW EXECUTE FUNCTION promptledger_refuse_version_change();
