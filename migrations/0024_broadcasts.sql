CREATE TABLE "broadcast_consents" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"identity_id" bigint NOT NULL,
	"action" text NOT NULL,
	"channel" text NOT NULL,
	"topic_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"region_code" text,
	"wording" text NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "broadcast_recipients" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"broadcast_id" bigint NOT NULL,
	"identity_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"lang" text DEFAULT 'id' NOT NULL,
	"state" text DEFAULT 'queued' NOT NULL,
	"reason" text,
	"outbox_id" bigint,
	"handed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dinas_id" integer NOT NULL,
	"author_staff_id" integer,
	"title" text NOT NULL,
	"text" jsonb NOT NULL,
	"image_url" text,
	"segment" jsonb NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"scheduled_at" timestamp with time zone,
	"audience" integer,
	"approved_by_staff_id" integer,
	"approved_at" timestamp with time zone,
	"planned_after" bigint DEFAULT 0 NOT NULL,
	"planned_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"level" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"identity_id" bigint NOT NULL,
	"topic_id" integer NOT NULL,
	"region_code" text,
	"subscribed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "topics" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" jsonb NOT NULL,
	"dinas_id" integer,
	"category_code" text,
	"position" integer NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	CONSTRAINT "topics_code_unique" UNIQUE("code")
);
--> statement-breakpoint
ALTER TABLE "channel_identities" ADD COLUMN "broadcast_opt_out_reason" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "broadcast_id" bigint;--> statement-breakpoint
ALTER TABLE "broadcast_consents" ADD CONSTRAINT "broadcast_consents_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcast_recipients" ADD CONSTRAINT "broadcast_recipients_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_author_staff_id_staff_id_fk" FOREIGN KEY ("author_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_approved_by_staff_id_staff_id_fk" FOREIGN KEY ("approved_by_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_topic_id_topics_id_fk" FOREIGN KEY ("topic_id") REFERENCES "public"."topics"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topics" ADD CONSTRAINT "topics_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcast_consents_identity" ON "broadcast_consents" USING btree ("identity_id","at");--> statement-breakpoint
CREATE UNIQUE INDEX "broadcast_recipients_once" ON "broadcast_recipients" USING btree ("broadcast_id","identity_id");--> statement-breakpoint
CREATE INDEX "broadcast_recipients_queued" ON "broadcast_recipients" USING btree ("broadcast_id","channel","id") WHERE state = 'queued';--> statement-breakpoint
CREATE INDEX "broadcast_recipients_outbox" ON "broadcast_recipients" USING btree ("outbox_id") WHERE outbox_id is not null;--> statement-breakpoint
CREATE INDEX "broadcasts_dinas" ON "broadcasts" USING btree ("dinas_id","id");--> statement-breakpoint
CREATE INDEX "broadcasts_running" ON "broadcasts" USING btree ("state") WHERE state in ('scheduled', 'sending');--> statement-breakpoint
CREATE INDEX "regions_name" ON "regions" USING btree (lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_identity_topic" ON "subscriptions" USING btree ("identity_id","topic_id");--> statement-breakpoint
CREATE INDEX "subscriptions_topic" ON "subscriptions" USING btree ("topic_id","identity_id");--> statement-breakpoint
CREATE INDEX "outbox_broadcast_owed" ON "outbox" USING btree ("broadcast_id") WHERE broadcast_id is not null and status in ('pending', 'sending');
--> statement-breakpoint
INSERT INTO "topics" ("code", "name", "category_code", "position") VALUES
  ('bantuan-sosial', '{"id": "Bantuan sosial", "en": "Social assistance"}', 'bantuan-sosial', 1),
  ('kesehatan', '{"id": "Kesehatan", "en": "Health"}', 'kesehatan', 2),
  ('pendidikan', '{"id": "Pendidikan", "en": "Education"}', 'pendidikan', 3),
  ('bencana', '{"id": "Bencana", "en": "Disasters"}', NULL, 4)
ON CONFLICT ("code") DO NOTHING;--> statement-breakpoint
-- The demo city's regions (Kota Bandung, a few kecamatan and kelurahan); an installation loads the full Kemendagri list of its area.
INSERT INTO "regions" ("code", "name", "level") VALUES
  ('32', 'Jawa Barat', 'provinsi'),
  ('3273', 'Kota Bandung', 'kota'),
  ('327302', 'Coblong', 'kecamatan'),
  ('327305', 'Andir', 'kecamatan'),
  ('327309', 'Bandung Wetan', 'kecamatan'),
  ('327313', 'Lengkong', 'kecamatan'),
  ('327316', 'Kiaracondong', 'kecamatan'),
  ('327319', 'Sumur Bandung', 'kecamatan'),
  ('3273021004', 'Dago', 'kelurahan'),
  ('3273021005', 'Sekeloa', 'kelurahan'),
  ('3273051001', 'Campaka', 'kelurahan'),
  ('3273091001', 'Tamansari', 'kelurahan'),
  ('3273091002', 'Citarum', 'kelurahan'),
  ('3273091003', 'Cihapit', 'kelurahan'),
  ('3273131001', 'Cikawao', 'kelurahan'),
  ('3273161001', 'Kebonjayanti', 'kelurahan'),
  ('3273191001', 'Braga', 'kelurahan')
ON CONFLICT ("code") DO NOTHING;
