DROP INDEX "cases_dinas_status";--> statement-breakpoint
DROP INDEX "cases_search";--> statement-breakpoint
-- channel and sla_remind_at copy what the inbox filters on (the identity's channel, the running
-- clock's reminder), so its filters need no join; existing cases are filled from their sources.
ALTER TABLE "cases" ADD COLUMN "channel" text;--> statement-breakpoint
UPDATE "cases" c SET "channel" = i."channel" FROM "channel_identities" i WHERE i."id" = c."identity_id";--> statement-breakpoint
ALTER TABLE "cases" ALTER COLUMN "channel" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "sla_remind_at" timestamp with time zone;--> statement-breakpoint
UPDATE "cases" c SET "sla_remind_at" = ct."remind_at" FROM "case_timers" ct WHERE ct."case_id" = c."id" AND ct."done_at" IS NULL;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "search" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, ticket || ' ' || description)) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "cases_dinas_id" ON "cases" USING btree ("dinas_id","id","unit_id","confidential","region_code","status","category_code","channel","assignee_staff_id","sla_due_at","sla_remind_at");--> statement-breakpoint
CREATE INDEX "cases_unit_id" ON "cases" USING btree ("unit_id","id","dinas_id","confidential","region_code","status","category_code","channel","assignee_staff_id","sla_due_at","sla_remind_at");--> statement-breakpoint
CREATE INDEX "cases_dinas_category" ON "cases" USING btree ("dinas_id","category_code","id","unit_id","confidential","region_code","status","channel","assignee_staff_id","sla_due_at","sla_remind_at");--> statement-breakpoint
CREATE INDEX "cases_dinas_channel" ON "cases" USING btree ("dinas_id","channel","id","unit_id","confidential","region_code","status","category_code","assignee_staff_id","sla_due_at","sla_remind_at");--> statement-breakpoint
CREATE INDEX "cases_assignee" ON "cases" USING btree ("assignee_staff_id","id","dinas_id","unit_id","confidential","region_code","status","category_code","channel","sla_due_at","sla_remind_at");--> statement-breakpoint
CREATE INDEX "cases_open_unassigned" ON "cases" USING btree ("dinas_id","id","unit_id","confidential","region_code","status","category_code","channel","assignee_staff_id","sla_due_at","sla_remind_at") WHERE assignee_staff_id is null and status in ('baru', 'diverifikasi', 'diteruskan', 'diproses');--> statement-breakpoint
CREATE INDEX "cases_open_due" ON "cases" USING btree ("dinas_id","sla_due_at","id","unit_id","confidential","region_code","status","category_code","channel","assignee_staff_id","sla_remind_at") WHERE status in ('baru', 'diverifikasi', 'diteruskan', 'diproses');--> statement-breakpoint
CREATE INDEX "cases_dinas_status" ON "cases" USING btree ("dinas_id","status","id","unit_id","confidential","region_code","category_code","channel","assignee_staff_id","sla_due_at","sla_remind_at");--> statement-breakpoint
CREATE INDEX "cases_search" ON "cases" USING gin ("search");
