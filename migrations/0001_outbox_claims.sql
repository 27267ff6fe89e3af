ALTER TABLE "outbox" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_one_sending_per_identity" ON "outbox" USING btree ("identity_id") WHERE status = 'sending';--> statement-breakpoint
CREATE INDEX "outbox_sending_claimed" ON "outbox" USING btree ("claimed_at") WHERE status = 'sending';