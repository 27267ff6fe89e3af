CREATE TABLE "notification_targets" (
	"id" serial PRIMARY KEY NOT NULL,
	"dinas_id" integer NOT NULL,
	"unit_id" integer,
	"kind" text NOT NULL,
	"address" text NOT NULL,
	"event_types" text[] NOT NULL,
	"audience" text DEFAULT 'unit' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_notifications" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"target_id" integer NOT NULL,
	"case_event_id" bigint NOT NULL,
	"case_id" bigint NOT NULL,
	"message" jsonb NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"attempts" smallint DEFAULT 0 NOT NULL,
	"last_error" text,
	"external_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "notification_targets" ADD CONSTRAINT "notification_targets_dinas_id_dinas_id_fk" FOREIGN KEY ("dinas_id") REFERENCES "public"."dinas"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "notification_targets" ADD CONSTRAINT "notification_targets_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD CONSTRAINT "staff_notifications_target_id_notification_targets_id_fk" FOREIGN KEY ("target_id") REFERENCES "public"."notification_targets"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD CONSTRAINT "staff_notifications_case_event_id_case_events_id_fk" FOREIGN KEY ("case_event_id") REFERENCES "public"."case_events"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_notifications" ADD CONSTRAINT "staff_notifications_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "notification_targets_dinas" ON "notification_targets" USING btree ("dinas_id","unit_id");--> statement-breakpoint
CREATE UNIQUE INDEX "staff_notifications_target_event" ON "staff_notifications" USING btree ("target_id","case_event_id");--> statement-breakpoint
CREATE INDEX "staff_notifications_pending" ON "staff_notifications" USING btree ("id") WHERE status = 'pending';