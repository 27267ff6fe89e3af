/** The citizen-facing copy by language; Indonesian (`id.ts`) defines the shape. */
import type { Lang } from '../../src/conversation/contract.js';
import { en } from './en.js';
import { id, type Copy } from './id.js';

export type { Copy };
export const copy: Record<Lang, Copy> = { id, en };
