// The field rules both versions share: name text is trimmed, bounded in characters (code
// points, as PostgreSQL counts them), well-formed Unicode and free of control characters other
// than whitespace; emails are trimmed, at most 254 characters and addresses.
import { describe, expect, it } from 'vitest';
import {
  emailAddress,
  MAX_FIRST_NAME_LENGTH,
  MAX_FULL_NAME_LENGTH,
  MAX_LAST_NAME_LENGTH,
  trimmedText,
} from './fields.ts';

function messages(result: { success: boolean; error?: { issues: { message: string }[] } }) {
  return result.success ? [] : (result.error?.issues.map((issue) => issue.message) ?? []);
}

describe('name lengths', () => {
  it('a first name, a space and a last name fit a full name exactly', () => {
    expect(MAX_FIRST_NAME_LENGTH + 1 + MAX_LAST_NAME_LENGTH).toBe(MAX_FULL_NAME_LENGTH);
  });
});

describe('trimmedText', () => {
  const text = trimmedText(5);

  it.each([
    ['abc', 'abc'],
    ['  ab  ', 'ab'],
    ['\t\nab\r\n', 'ab'],
    ['\u00a0x\u00a0', 'x'],
    ['', ''],
  ])('%j is %j', (sent, kept) => {
    expect(text.parse(sent)).toBe(kept);
  });

  it('counts the length after trimming', () => {
    expect(text.parse('   abcde   ')).toBe('abcde');
    expect(messages(text.safeParse(' abcdef '))).toEqual(['must be at most 5 characters']);
  });

  it('counts characters, not UTF-16 code units', () => {
    expect(text.safeParse('😀😀😀😀😀').success).toBe(true);
    expect(messages(text.safeParse('😀😀😀😀😀😀'))).toEqual(['must be at most 5 characters']);
    expect(messages(text.safeParse('abcde😀'))).toEqual(['must be at most 5 characters']);
  });

  it.each([
    ['a tab', 'a\tb'],
    ['a line break', 'a\nb'],
    ['a no-break space', 'a\u00a0b'],
    ['accents', 'Zoë Ō'],
    ['a combining mark', 'e\u0301'],
    ['a joined emoji', '👨‍👩‍👧'],
  ])('takes %s: whitespace and any printable text', (_what, sent) => {
    expect(text.safeParse(sent).success).toBe(true);
  });

  it.each([
    ['NUL, which PostgreSQL cannot store', 'a\u0000b'],
    ['a bell', 'a\u0007'],
    ['an escape', '\u001b[31m'],
    ['DEL', 'a\u007f'],
    ['a C1 control (NEL is not whitespace to JavaScript)', 'a\u0085'],
    ['a C1 control', '\u009b'],
  ])('refuses %s', (_what, sent) => {
    expect(messages(text.safeParse(sent))).toEqual(['must not contain control characters']);
  });

  it.each([
    ['a lone high surrogate', 'a\ud800'],
    ['a lone low surrogate', '\udc00a'],
    ['surrogates in the wrong order', '\ude00\ud83d'],
  ])('refuses %s', (_what, sent) => {
    expect(messages(text.safeParse(sent))).toEqual([
      'must be valid Unicode text (no lone surrogates)',
    ]);
  });

  it('reports every rule a value breaks', () => {
    expect(messages(text.safeParse('\u0000\ud800abcdef'))).toEqual([
      'must be at most 5 characters',
      'must be valid Unicode text (no lone surrogates)',
      'must not contain control characters',
    ]);
  });

  it('refuses what is not a string', () => {
    expect(text.safeParse(5).success).toBe(false);
    expect(text.safeParse(null).success).toBe(false);
  });
});

describe('emailAddress', () => {
  // 64 + 1 + 189 = 254: the longest address the rule takes.
  const longest = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.ef`;

  it.each([
    ['ada@example.com', 'ada@example.com'],
    ['  Ada.Lovelace+news@Example.COM \n', 'Ada.Lovelace+news@Example.COM'],
    [longest, longest],
  ])('%j is %j', (sent, kept) => {
    expect(emailAddress.parse(sent)).toBe(kept);
  });

  it('takes 254 characters and not 255', () => {
    expect(longest).toHaveLength(254);
    expect(messages(emailAddress.safeParse(`a${longest}`))).toEqual([
      'must be at most 254 characters',
    ]);
  });

  it('counts the length after trimming', () => {
    expect(emailAddress.parse(`   ${longest}   `)).toBe(longest);
  });

  it.each([
    [''],
    ['ada'],
    ['ada@'],
    ['@example.com'],
    ['ada@example'],
    ['ada lovelace@example.com'],
    ['ada@@example.com'],
    ['ada@example.com\u0000'],
  ])('refuses %j', (sent) => {
    expect(messages(emailAddress.safeParse(sent))).toEqual(['must be an email address']);
  });
});
