-- 0024 seeded six of the demo city's kelurahan under wrong codes. These are Kepmendagri
-- No. 300.2.2-2430 Tahun 2025's: Campaka 32.73.05.1006, Cihapit 32.73.09.1001, Taman Sari
-- 32.73.09.1002, Citarum 32.73.09.1003, Cikawao 32.73.13.1007, Kebon Jayanti 32.73.16.1002.
-- Subscriptions and consents that chose one of them by name keep the place they chose.
UPDATE "subscriptions" SET "region_code" = CASE "region_code"
    WHEN '3273051001' THEN '3273051006' WHEN '3273091001' THEN '3273091002' WHEN '3273091002' THEN '3273091003'
    WHEN '3273091003' THEN '3273091001' WHEN '3273131001' THEN '3273131007' WHEN '3273161001' THEN '3273161002' END
  WHERE "region_code" IN ('3273051001', '3273091001', '3273091002', '3273091003', '3273131001', '3273161001');--> statement-breakpoint
UPDATE "broadcast_consents" SET "region_code" = CASE "region_code"
    WHEN '3273051001' THEN '3273051006' WHEN '3273091001' THEN '3273091002' WHEN '3273091002' THEN '3273091003'
    WHEN '3273091003' THEN '3273091001' WHEN '3273131001' THEN '3273131007' WHEN '3273161001' THEN '3273161002' END
  WHERE "region_code" IN ('3273051001', '3273091001', '3273091002', '3273091003', '3273131001', '3273161001');--> statement-breakpoint
DELETE FROM "regions" WHERE "code" IN ('3273051001', '3273091001', '3273091002', '3273091003', '3273131001', '3273161001');--> statement-breakpoint
INSERT INTO "regions" ("code", "name", "level") VALUES
  ('3273051006', 'Campaka', 'kelurahan'),
  ('3273091001', 'Cihapit', 'kelurahan'),
  ('3273091002', 'Taman Sari', 'kelurahan'),
  ('3273091003', 'Citarum', 'kelurahan'),
  ('3273131007', 'Cikawao', 'kelurahan'),
  ('3273161002', 'Kebon Jayanti', 'kelurahan')
ON CONFLICT ("code") DO UPDATE SET "name" = excluded."name", "level" = excluded."level";--> statement-breakpoint
-- Names as people type them: "tamansari" finds Taman Sari, "kebon jayanti" and "kebonjayanti" the same place.
CREATE INDEX "regions_compact_name" ON "regions" (replace(lower("name"), ' ', '') text_pattern_ops);
