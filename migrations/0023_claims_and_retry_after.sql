ALTER TABLE "outbox" ADD COLUMN "claimed_by" bigint;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "not_before" timestamp with time zone;