-- Events written before case_events.type existed: the first row of a case is its creation.
UPDATE "case_events" SET "type" = 'created' WHERE "from_status" IS NULL;
--> statement-breakpoint
-- Open cases get the clock their status runs, due when their sla_due_at said; the reminder at 80%
-- of the wall-clock time is close enough for cases that predate working-time reminders.
INSERT INTO "case_timers" ("case_id", "kind", "started_at", "due_at", "remind_at", "next_at")
SELECT c."id",
       CASE WHEN c."status" IN ('baru', 'diverifikasi') THEN 'verify' WHEN c."status" = 'selesai' THEN 'close' ELSE 'follow_up' END,
       c."updated_at",
       c."sla_due_at",
       CASE WHEN c."status" = 'selesai' THEN NULL ELSE c."updated_at" + (c."sla_due_at" - c."updated_at") * 0.8 END,
       CASE WHEN c."status" = 'selesai' THEN c."sla_due_at" ELSE c."updated_at" + (c."sla_due_at" - c."updated_at") * 0.8 END
FROM "cases" c
WHERE c."sla_due_at" IS NOT NULL AND c."status" IN ('baru', 'diverifikasi', 'diteruskan', 'diproses', 'selesai');
