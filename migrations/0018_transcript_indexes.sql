CREATE INDEX "cases_identity" ON "cases" USING btree ("identity_id","id");--> statement-breakpoint
CREATE INDEX "messages_identity_received" ON "messages" USING btree ("identity_id","received_at");--> statement-breakpoint
CREATE INDEX "outbox_case" ON "outbox" USING btree ("case_id") WHERE case_id is not null;--> statement-breakpoint
CREATE INDEX "outbox_identity_created" ON "outbox" USING btree ("identity_id","created_at");