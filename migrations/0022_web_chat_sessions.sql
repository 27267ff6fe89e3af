CREATE TABLE "web_chat_sessions" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE INDEX "web_chat_sessions_expires" ON "web_chat_sessions" USING btree ("expires_at");