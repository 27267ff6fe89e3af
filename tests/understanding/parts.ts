/** The labelled corpus's parts, named, for the accuracy test and `npm run bench -- understanding`. */
import { heldOutSecond } from './corpus-held-out-2.js';
import { heldOutThird } from './corpus-held-out-3.js';
import { heldOutFourth } from './corpus-held-out-4.js';
import { heldOutFifth } from './corpus-held-out-5.js';
import { heldOut } from './corpus-held-out.js';
import { tuning, type Labelled } from './corpus-tuning.js';
import { unseen } from './corpus-unseen.js';

/** Every part the rules were tuned on is held to this intent accuracy. */
const TUNED_FLOOR = 0.95;

/**
 * The unseen part (corpus-unseen.ts) is held out and never tuned against. Its first run, before
 * anyone had seen how the rules read it, scored 73.2% intent (93 of 127) and 95.1% entities
 * (78 of 82). Its floor is 5 points below that first-run score, rounded down: it only catches a
 * change that makes unseen messages read worse. Raising it by fixing rules for its misreads would
 * make it one more tuning part; a new unseen part would be needed to measure again.
 */
const UNSEEN_FLOOR = 0.68;

export const corpusParts: [name: string, part: readonly Labelled[], floor: number][] = [
  ['tuning part', tuning, TUNED_FLOOR],
  ['held-out part', heldOut, TUNED_FLOOR],
  ['held-out part 2', heldOutSecond, TUNED_FLOOR],
  ['held-out part 3', heldOutThird, TUNED_FLOOR],
  ['held-out part 4', heldOutFourth, TUNED_FLOOR],
  ['held-out part 5', heldOutFifth, TUNED_FLOOR],
  ['unseen part', unseen, UNSEEN_FLOOR],
];

export const wholeCorpus: readonly Labelled[] = corpusParts.flatMap(([, part]) => part);
