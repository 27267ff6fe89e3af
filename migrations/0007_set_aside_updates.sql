CREATE TABLE "set_aside_updates" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"stage" text NOT NULL,
	"chat_id" text,
	"external_id" text,
	"raw" text NOT NULL,
	"error" text NOT NULL,
	"attempts" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "set_aside_updates_channel_external" ON "set_aside_updates" USING btree ("channel","stage","external_id") WHERE external_id is not null;