CREATE TABLE "handoff_replies" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"handoff_id" bigint NOT NULL,
	"staff_id" integer NOT NULL,
	"outbox_id" bigint NOT NULL,
	"client_key" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "dinas_id" integer;--> statement-breakpoint
-- Requests from before live chats: the dinas of the citizen's latest case, else the catch-all routing rule's, else the first.
UPDATE "handoff_requests" h SET "dinas_id" = coalesce(
  (SELECT k.dinas_id FROM cases k JOIN channel_identities i ON i.citizen_id = k.citizen_id WHERE i.id = h.identity_id ORDER BY k.created_at DESC LIMIT 1),
  (SELECT r.dinas_id FROM routing_rules r WHERE r.category_code IS NULL AND r.service_code IS NULL AND r.region_prefix IS NULL ORDER BY r.priority DESC, r.id LIMIT 1),
  (SELECT min(id) FROM dinas));--> statement-breakpoint
ALTER TABLE "handoff_requests" ALTER COLUMN "dinas_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "message_id" bigint;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "queued_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "reminded_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "taken_by_staff_id" integer;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "taken_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "officer_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "activity_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "returns" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "next_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD COLUMN "resolution" text;--> statement-breakpoint
ALTER TABLE "handoff_replies" ADD CONSTRAINT "handoff_replies_handoff_id_handoff_requests_id_fk" FOREIGN KEY ("handoff_id") REFERENCES "public"."handoff_requests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_replies" ADD CONSTRAINT "handoff_replies_staff_id_staff_id_fk" FOREIGN KEY ("staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_replies" ADD CONSTRAINT "handoff_replies_outbox_id_outbox_id_fk" FOREIGN KEY ("outbox_id") REFERENCES "public"."outbox"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "handoff_replies_client_key" ON "handoff_replies" USING btree ("handoff_id","client_key");--> statement-breakpoint
CREATE INDEX "handoff_replies_outbox" ON "handoff_replies" USING btree ("outbox_id");--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD CONSTRAINT "handoff_requests_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD CONSTRAINT "handoff_requests_message_id_messages_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."messages"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD CONSTRAINT "handoff_requests_taken_by_staff_id_staff_id_fk" FOREIGN KEY ("taken_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Each "petugas" used to add a request: a chat keeps its latest open one, so it has one place in the queue.
UPDATE "handoff_requests" h SET "resolved_at" = now(), "resolution" = 'withdrawn'
WHERE h.resolved_at IS NULL AND EXISTS (SELECT 1 FROM handoff_requests o WHERE o.identity_id = h.identity_id AND o.resolved_at IS NULL AND o.id > h.id);--> statement-breakpoint
UPDATE "handoff_requests" SET "queued_at" = "created_at", "next_at" = now() WHERE "resolved_at" IS NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "handoff_requests_one_open" ON "handoff_requests" USING btree ("identity_id") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "handoff_requests_queue" ON "handoff_requests" USING btree ("dinas_id","queued_at") WHERE resolved_at is null;--> statement-breakpoint
CREATE INDEX "handoff_requests_next" ON "handoff_requests" USING btree ("next_at") WHERE next_at is not null;