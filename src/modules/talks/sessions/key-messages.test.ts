import { describe, expect, it } from 'vitest';
import { keyMessages, splitKeyMessages, stripKeyMarkers } from './key-messages.ts';

describe('splitKeyMessages', () => {
  it('cuts a text into plain and key parts, dropping the markers', () => {
    expect(splitKeyMessages('Cities **must protect civilians** in war.')).toEqual([
      { text: 'Cities ', key: false },
      { text: 'must protect civilians', key: true },
      { text: ' in war.', key: false },
    ]);
  });

  it('keeps two key messages apart rather than one spanning the text between', () => {
    expect(splitKeyMessages('**a** and **b**')).toEqual([
      { text: 'a', key: true },
      { text: ' and ', key: false },
      { text: 'b', key: true },
    ]);
  });

  it('gives a text without markers as one plain part, and an empty text as nothing', () => {
    expect(splitKeyMessages('Nothing in bold.')).toEqual([{ text: 'Nothing in bold.', key: false }]);
    expect(splitKeyMessages('')).toEqual([]);
  });

  it('leaves an unmatched marker as plain text', () => {
    expect(splitKeyMessages('**a** and ** b')).toEqual([
      { text: 'a', key: true },
      { text: ' and ** b', key: false },
    ]);
  });

  it('treats an empty pair as plain text, not as a key message', () => {
    expect(splitKeyMessages('x **** y')).toEqual([{ text: 'x **** y', key: false }]);
    expect(splitKeyMessages('x ** ** y')).toEqual([{ text: 'x ** ** y', key: false }]);
  });

  it('lets a key message span lines and carry non-Latin text', () => {
    expect(splitKeyMessages('Мери **повинні\nзахищати** людей')).toEqual([
      { text: 'Мери ', key: false },
      { text: 'повинні\nзахищати', key: true },
      { text: ' людей', key: false },
    ]);
  });

  it('joins back to the text without markers', () => {
    const text = 'A **b** c **d e** f';
    expect(
      splitKeyMessages(text)
        .map((p) => p.text)
        .join(''),
    ).toBe('A b c d e f');
    expect(stripKeyMarkers(text)).toBe('A b c d e f');
  });
});

describe('keyMessages', () => {
  it('lists the key messages trimmed, with inner whitespace collapsed, in order', () => {
    expect(keyMessages('One **first  message ** two **second\nmessage** three')).toEqual([
      'first message',
      'second message',
    ]);
  });

  it('finds none in a plain text', () => {
    expect(keyMessages('plain')).toEqual([]);
  });
});
