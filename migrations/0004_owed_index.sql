DROP INDEX "outbox_pending_identity";--> statement-breakpoint
CREATE INDEX "outbox_owed_identity" ON "outbox" USING btree ("identity_id","id") WHERE status in ('pending', 'sending');