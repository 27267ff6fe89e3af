ALTER TABLE "cases" ADD COLUMN "erased_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "channel_identities" ADD COLUMN "privacy_notice_at" timestamp with time zone;