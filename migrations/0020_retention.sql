CREATE TABLE "retention_marks" (
	"name" text PRIMARY KEY NOT NULL,
	"last_id" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "retention_runs" (
	"due_at" timestamp with time zone PRIMARY KEY NOT NULL,
	"finished_at" timestamp with time zone,
	"counts" jsonb
);
--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "personal_data_removed_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "cases_personal_expiring" ON "cases" USING btree ("updated_at") WHERE status in ('ditutup', 'ditolak', 'duplikat') and personal_data_removed_at is null and erased_at is null;--> statement-breakpoint
CREATE INDEX "media_stored" ON "media" USING btree ("stored_at") WHERE status = 'stored';--> statement-breakpoint
CREATE INDEX "staff_notifications_case" ON "staff_notifications" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_case" ON "webhook_deliveries" USING btree ("case_id");