-- The board tools' ticket context (supervisor/mcp/board-tools-server.ts) is cached by the
-- runner holding a job for the ticket; any change to what get_ticket shows tells that runner
-- to drop it. A trigger rather than the mutators, because tickets and comments are written by
-- Zero's server mutators, lib/tickets/, the runner board routes and whatever comes next: the
-- database sees every one of them. The notice is a `ticket-changed` runnerNotice on
-- spedy_runner_control (lib/jobs/notices.ts), sent on commit only, and PostgreSQL collapses
-- identical notices of one transaction. "Not final" is the same list as
-- job_one_active_per_ticket_idx (finalJobStatuses in protocol/src/job-status.ts), so the
-- lookup uses that index.
CREATE OR REPLACE FUNCTION spedy_notify_ticket_context(p_ticket_id text) RETURNS void AS $$
DECLARE
  j record;
BEGIN
  IF p_ticket_id IS NULL THEN RETURN; END IF;
  FOR j IN
    SELECT id, runner_id FROM job
    WHERE ticket_id = p_ticket_id AND runner_id IS NOT NULL AND status NOT IN ('completed', 'failed', 'error')
  LOOP
    PERFORM pg_notify('spedy_runner_control', json_build_object('kind', 'ticket-changed', 'runnerId', j.runner_id, 'jobId', j.id)::text);
  END LOOP;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
-- The ticket's own fields, and its parent's subticket list (title, status) when it is a child.
CREATE OR REPLACE FUNCTION spedy_ticket_context_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM spedy_notify_ticket_context(NEW.parent_id);
    RETURN NULL;
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM spedy_notify_ticket_context(OLD.parent_id);
    RETURN NULL;
  END IF;
  IF NEW.title IS DISTINCT FROM OLD.title OR NEW.type IS DISTINCT FROM OLD.type
     OR NEW.status_id IS DISTINCT FROM OLD.status_id OR NEW.parent_id IS DISTINCT FROM OLD.parent_id THEN
    PERFORM spedy_notify_ticket_context(NEW.id);
    PERFORM spedy_notify_ticket_context(NEW.parent_id);
    IF OLD.parent_id IS DISTINCT FROM NEW.parent_id THEN PERFORM spedy_notify_ticket_context(OLD.parent_id); END IF;
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ticket_context_changed AFTER INSERT OR UPDATE OR DELETE ON ticket
  FOR EACH ROW EXECUTE FUNCTION spedy_ticket_context_changed();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION spedy_ticket_part_changed() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM spedy_notify_ticket_context(OLD.ticket_id);
  ELSE
    PERFORM spedy_notify_ticket_context(NEW.ticket_id);
  END IF;
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER ticket_description_context_changed AFTER INSERT OR UPDATE OF body ON ticket_description
  FOR EACH ROW EXECUTE FUNCTION spedy_ticket_part_changed();
--> statement-breakpoint
CREATE TRIGGER comment_context_changed AFTER INSERT OR UPDATE OF body OR DELETE ON comment
  FOR EACH ROW EXECUTE FUNCTION spedy_ticket_part_changed();
