import { describe, expect, it } from 'vitest';
import { splitText } from '../../src/channels/split-text.js';

describe('splitText', () => {
  it.each([
    { name: 'short text stays whole', text: 'a\nb', limit: 10, parts: ['a\nb'] },
    { name: 'empty text sends nothing', text: '', limit: 10, parts: [] },
    { name: 'splits between lines', text: 'aaaa\nbbbb\ncc', limit: 9, parts: ['aaaa\nbbbb', 'cc'] },
    { name: 'cuts a line with no space hard', text: 'aaaaaaaaaa\nb', limit: 4, parts: ['aaaa', 'aaaa', 'aa\nb'] },
    { name: 'cuts a long line at its last space', text: 'satu dua tiga empat', limit: 9, parts: ['satu dua', 'tiga', 'empat'] },
    { name: 'never inside a surrogate pair', text: 'abc😀def', limit: 4, parts: ['abc', '😀de', 'f'] },
  ])('$name', ({ text, limit, parts }) => {
    expect(splitText(text, limit)).toEqual(parts);
  });
});
