/** The labelled corpus's parts, named, for the accuracy test and `npm run bench -- understanding`. */
import { heldOutSecond } from './corpus-held-out-2.js';
import { heldOutThird } from './corpus-held-out-3.js';
import { heldOutFourth } from './corpus-held-out-4.js';
import { heldOutFifth } from './corpus-held-out-5.js';
import { heldOut } from './corpus-held-out.js';
import { tuning, type Labelled } from './corpus-tuning.js';

export const corpusParts: [name: string, part: readonly Labelled[]][] = [
  ['tuning part', tuning],
  ['held-out part', heldOut],
  ['held-out part 2', heldOutSecond],
  ['held-out part 3', heldOutThird],
  ['held-out part 4', heldOutFourth],
  ['held-out part 5', heldOutFifth],
];

export const wholeCorpus: readonly Labelled[] = corpusParts.flatMap(([, part]) => part);
