CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"from_status" text,
	"to_status" text NOT NULL,
	"actor" text NOT NULL,
	"note" text,
	"public" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ticket" text NOT NULL,
	"citizen_id" bigint NOT NULL,
	"identity_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"category_code" text NOT NULL,
	"service_code" text,
	"description" text NOT NULL,
	"location" jsonb,
	"photos" text[] DEFAULT '{}'::text[] NOT NULL,
	"reporter_name" text,
	"region_code" text,
	"dinas_id" integer NOT NULL,
	"unit_id" integer,
	"status" text DEFAULT 'baru' NOT NULL,
	"sla_due_at" timestamp with time zone,
	"anonymous" boolean DEFAULT false NOT NULL,
	"confidential" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "cases_ticket_unique" UNIQUE("ticket")
);
--> statement-breakpoint
CREATE TABLE "categories" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" jsonb NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "categories_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "channel_identities" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"citizen_id" bigint,
	"channel" text NOT NULL,
	"chat_id" text NOT NULL,
	"phone" text,
	"display_name" text,
	"last_inbound_at" timestamp with time zone,
	"unreachable_at" timestamp with time zone,
	"unreachable_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "citizens" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"name" text,
	"nik_encrypted" text,
	"nik_hash" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "conversations" (
	"identity_id" bigint PRIMARY KEY NOT NULL,
	"snapshot" jsonb,
	"version" integer NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "dinas" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"region_code" text NOT NULL,
	"hours" jsonb NOT NULL,
	"staff_availability" jsonb NOT NULL,
	CONSTRAINT "dinas_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "handoff_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"identity_id" bigint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "holidays" (
	"day" date PRIMARY KEY NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"identity_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"external_id" text NOT NULL,
	"kind" text NOT NULL,
	"body" text,
	"payload" jsonb,
	"sent_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"error" text
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"identity_id" bigint NOT NULL,
	"channel" text NOT NULL,
	"payload" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"last_error" text,
	"external_id" text,
	"delivery_status" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"case_id" bigint
);
--> statement-breakpoint
CREATE TABLE "routing_rules" (
	"id" serial PRIMARY KEY NOT NULL,
	"priority" integer NOT NULL,
	"category_code" text,
	"service_code" text,
	"region_prefix" text,
	"dinas_id" integer NOT NULL,
	"unit_id" integer
);
--> statement-breakpoint
CREATE TABLE "services" (
	"id" serial PRIMARY KEY NOT NULL,
	"code" text NOT NULL,
	"name" jsonb NOT NULL,
	"keywords" text[] DEFAULT '{}'::text[] NOT NULL,
	"requirements" jsonb NOT NULL,
	"procedure" jsonb NOT NULL,
	"where" jsonb NOT NULL,
	"category_code" text NOT NULL,
	"dinas_id" integer NOT NULL,
	"unit_id" integer,
	"position" integer NOT NULL,
	CONSTRAINT "services_code_unique" UNIQUE("code")
);
--> statement-breakpoint
CREATE TABLE "sla_policies" (
	"id" serial PRIMARY KEY NOT NULL,
	"dinas_id" integer,
	"category_code" text,
	"verify_days" integer NOT NULL,
	"follow_up_days" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" serial PRIMARY KEY NOT NULL,
	"dinas_id" integer NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "channel_identities" ADD CONSTRAINT "channel_identities_citizen_id_citizens_id_fk" FOREIGN KEY ("citizen_id") REFERENCES "public"."citizens"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "conversations" ADD CONSTRAINT "conversations_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "handoff_requests" ADD CONSTRAINT "handoff_requests_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "messages" ADD CONSTRAINT "messages_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_identity_id_channel_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."channel_identities"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_rules" ADD CONSTRAINT "routing_rules_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "services" ADD CONSTRAINT "services_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD CONSTRAINT "sla_policies_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "units" ADD CONSTRAINT "units_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_events_case" ON "case_events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "cases_citizen" ON "cases" USING btree ("citizen_id","created_at");--> statement-breakpoint
CREATE INDEX "cases_dinas_status" ON "cases" USING btree ("dinas_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_identities_channel_chat" ON "channel_identities" USING btree ("channel","chat_id");--> statement-breakpoint
CREATE INDEX "citizens_nik_hash" ON "citizens" USING btree ("nik_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_channel_external" ON "messages" USING btree ("channel","external_id");--> statement-breakpoint
CREATE INDEX "messages_pending" ON "messages" USING btree ("identity_id","id") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "messages_unprocessed_received" ON "messages" USING btree ("received_at") WHERE processed_at is null;--> statement-breakpoint
CREATE INDEX "outbox_pending_identity" ON "outbox" USING btree ("identity_id","id") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_pending_created" ON "outbox" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "outbox_channel_external" ON "outbox" USING btree ("channel","external_id");--> statement-breakpoint
CREATE UNIQUE INDEX "units_dinas_code" ON "units" USING btree ("dinas_id","code");