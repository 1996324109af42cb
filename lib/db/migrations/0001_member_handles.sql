-- Every member gets an @handle in the organization's one handle namespace
-- (members and runner teams). Derived from the e-mail's local part, made unique.
CREATE OR REPLACE FUNCTION spedy_assign_member_handle() RETURNS trigger AS $$
DECLARE
  base text;
  candidate text;
  n integer := 1;
BEGIN
  SELECT lower(regexp_replace(split_part(u.email, '@', 1), '[^a-zA-Z0-9_-]', '', 'g'))
    INTO base FROM "user" u WHERE u.id = NEW.user_id;
  IF base IS NULL OR base = '' THEN base := 'member'; END IF;
  base := left(base, 30);
  candidate := base;
  WHILE EXISTS (SELECT 1 FROM handle h WHERE h.organization_id = NEW.organization_id AND h.handle = candidate) LOOP
    n := n + 1;
    candidate := base || n::text;
  END LOOP;
  INSERT INTO handle (id, organization_id, handle, user_id)
    VALUES (NEW.id, NEW.organization_id, candidate, NEW.user_id);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_handle_after_insert AFTER INSERT ON member
  FOR EACH ROW EXECUTE FUNCTION spedy_assign_member_handle();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION spedy_remove_member_handle() RETURNS trigger AS $$
BEGIN
  DELETE FROM handle WHERE id = OLD.id;
  RETURN OLD;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER member_handle_after_delete AFTER DELETE ON member
  FOR EACH ROW EXECUTE FUNCTION spedy_remove_member_handle();
