/**
 * What a fetched file really is, decided by its content (never by the name or the type the
 * platform claims), and the small copy the console lists.
 */
import sharp, { type Metadata } from 'sharp';
import { MediaFetchError } from './sources.js';

const ACCEPTED = { jpeg: { contentType: 'image/jpeg', extension: 'jpg' }, png: { contentType: 'image/png', extension: 'png' }, webp: { contentType: 'image/webp', extension: 'webp' } } as const;

/** A phone photo is 12–50 megapixels; more than this is a decompression bomb, not evidence. */
const MAX_PIXELS = 100_000_000;
export const THUMBNAIL_WIDTH = 320;

export interface CheckedImage {
  contentType: string;
  extension: string;
  width: number;
  height: number;
}

export async function checkImage(bytes: Buffer): Promise<CheckedImage> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes, { limitInputPixels: MAX_PIXELS }).metadata();
  } catch {
    throw new MediaFetchError(true, 'not an image');
  }
  const accepted = ACCEPTED[metadata.format as keyof typeof ACCEPTED];
  if (!accepted) throw new MediaFetchError(true, `not a JPEG, PNG or WebP image (${metadata.format ?? 'unknown'})`);
  if (!metadata.width || !metadata.height) throw new MediaFetchError(true, 'image without dimensions');
  if (metadata.width * metadata.height > MAX_PIXELS) throw new MediaFetchError(true, 'image too large in pixels');
  return { ...accepted, width: metadata.width, height: metadata.height };
}

/** A WebP at most `THUMBNAIL_WIDTH` wide, turned upright as the phone's EXIF orientation says. */
export async function thumbnail(bytes: Buffer): Promise<Buffer> {
  try {
    return await sharp(bytes, { limitInputPixels: MAX_PIXELS })
      .rotate()
      .resize({ width: THUMBNAIL_WIDTH, withoutEnlargement: true })
      .webp({ quality: 70 })
      .toBuffer();
  } catch {
    // The header read fine but the pixels do not decode: a truncated or corrupt file.
    throw new MediaFetchError(true, 'image does not decode');
  }
}
