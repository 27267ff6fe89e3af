ALTER TABLE "cases" ADD COLUMN "possible_duplicate_of" bigint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "rating" smallint;--> statement-breakpoint
ALTER TABLE "cases" ADD COLUMN "rated_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_possible_duplicate_of_cases_id_fk" FOREIGN KEY ("possible_duplicate_of") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;