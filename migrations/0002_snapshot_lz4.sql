-- Every conversation step rewrites its snapshot (a few KB of JSON, compressed when over 2 KB):
-- lz4 costs far less CPU than the default pglz on this hot path. Only where the server was built
-- with lz4 (most packaged PostgreSQL ≥ 14; the embedded one of the quick start is not).
DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
    ALTER TABLE "conversations" ALTER COLUMN "snapshot" SET COMPRESSION lz4;
  END IF;
END
$$;
