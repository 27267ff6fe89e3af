ALTER TABLE "channel_identities" ADD COLUMN "inbound_window_started_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_identities" ADD COLUMN "inbound_window_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "skipped" text;--> statement-breakpoint
ALTER TABLE "messages" ADD COLUMN "shortened_from" integer;