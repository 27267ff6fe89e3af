/**
 * Photos citizens send are kept under DATA_DIR/media, named by their media reference. A single
 * server keeps them on its disk; a deployment with several hosts mounts a shared volume there.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

const EXTENSIONS: Record<string, string> = { 'image/jpeg': '.jpg', 'image/png': '.png', 'image/webp': '.webp', 'image/gif': '.gif' };

export async function saveMedia(dataDir: string, ref: string, mimetype: string, data: Buffer): Promise<void> {
  const dir = resolve(dataDir, 'media');
  await mkdir(dir, { recursive: true });
  // References carry platform ids (letters, digits, ':', '.', '_', '@'): keep a safe file name.
  const name = ref.replace(/[^A-Za-z0-9._-]/g, '_') + (EXTENSIONS[mimetype] ?? '.bin');
  await writeFile(join(dir, name), data);
}
