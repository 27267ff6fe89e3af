CREATE TABLE "settings_version" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"version" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "settings_version_one_row" CHECK ("settings_version"."id")
);--> statement-breakpoint
INSERT INTO "settings_version" ("id", "version") VALUES (true, 0);--> statement-breakpoint
CREATE SEQUENCE "settings_version_numbers";--> statement-breakpoint
CREATE FUNCTION "bump_settings_version"() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
	-- From a sequence, not version + 1: a number a rolled-back edit took is never given again, so a
	-- copy of the settings read inside that transaction never matches a version that committed.
	UPDATE "settings_version" SET "version" = nextval('settings_version_numbers');
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "dinas_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "dinas" FOR EACH STATEMENT EXECUTE FUNCTION "bump_settings_version"();--> statement-breakpoint
CREATE TRIGGER "routing_rules_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "routing_rules" FOR EACH STATEMENT EXECUTE FUNCTION "bump_settings_version"();--> statement-breakpoint
CREATE TRIGGER "sla_policies_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "sla_policies" FOR EACH STATEMENT EXECUTE FUNCTION "bump_settings_version"();--> statement-breakpoint
CREATE TRIGGER "holidays_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "holidays" FOR EACH STATEMENT EXECUTE FUNCTION "bump_settings_version"();--> statement-breakpoint
CREATE TRIGGER "notification_targets_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "notification_targets" FOR EACH STATEMENT EXECUTE FUNCTION "bump_settings_version"();--> statement-breakpoint
CREATE TRIGGER "webhook_endpoints_settings_version" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "webhook_endpoints" FOR EACH STATEMENT EXECUTE FUNCTION "bump_settings_version"();
