CREATE TABLE "case_timers" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" bigint NOT NULL,
	"kind" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"remind_at" timestamp with time zone,
	"reminded_at" timestamp with time zone,
	"escalated_at" timestamp with time zone,
	"done_at" timestamp with time zone,
	"next_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "staff" (
	"id" serial PRIMARY KEY NOT NULL,
	"dinas_id" integer,
	"unit_id" integer,
	"name" text NOT NULL,
	"email" text NOT NULL,
	"role" text NOT NULL,
	"region_prefix" text,
	"supervisor" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_email_unique" UNIQUE("email")
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "type" text DEFAULT 'status' NOT NULL;--> statement-breakpoint
ALTER TABLE "case_events" ADD COLUMN "data" jsonb;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "assignee_staff_id" integer;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "duplicate_of" bigint;--> statement-breakpoint
ALTER TABLE "holidays" ADD COLUMN "kind" text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE "sla_policies" ADD COLUMN "close_after_days" integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE "case_timers" ADD CONSTRAINT "case_timers_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff" ADD CONSTRAINT "staff_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "case_timers_one_running" ON "case_timers" USING btree ("case_id","kind") WHERE done_at is null;--> statement-breakpoint
CREATE INDEX "case_timers_case" ON "case_timers" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "case_timers_next" ON "case_timers" USING btree ("next_at") WHERE next_at is not null;--> statement-breakpoint
CREATE INDEX "staff_unit" ON "staff" USING btree ("unit_id");--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_assignee_staff_id_staff_id_fk" FOREIGN KEY ("assignee_staff_id") REFERENCES "public"."staff"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_duplicate_of_cases_id_fk" FOREIGN KEY ("duplicate_of") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "cases_search" ON "cases" USING gin (to_tsvector('simple', "description"));