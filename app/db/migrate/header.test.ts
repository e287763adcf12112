import { describe, expect, it } from 'vitest';
import { parseHeader } from './header.ts';

describe('parseHeader', () => {
  it('reads every phase and its options', () => {
    expect(parseHeader('-- migrate: expand\nselect 1;')).toEqual({
      phase: 'expand',
      transaction: true,
      after: undefined,
      backfill: undefined,
    });
    expect(parseHeader('-- migrate: expand no-transaction\r\n')).toMatchObject({
      phase: 'expand',
      transaction: false,
    });
    expect(parseHeader('-- migrate: backfill table=public.users key=id batch=500')).toMatchObject({
      phase: 'backfill',
      backfill: { table: 'public.users', key: 'id', batchSize: 500 },
    });
    expect(parseHeader('-- migrate:   contract   after=1.4.0-rc.1  no-transaction')).toMatchObject({
      phase: 'contract',
      transaction: false,
      after: '1.4.0-rc.1',
    });
  });

  it.each([
    ['', /first line must be a phase header/],
    ['create table t ();', /first line must be a phase header/],
    ['\n-- migrate: expand', /first line must be a phase header/],
    ['-- migrate: sideways', /unknown phase "sideways"/],
    ['-- migrate: contract', /needs after=<release>/],
    ['-- migrate: contract after=latest', /after=latest is not a semantic version/],
    ['-- migrate: expand after=1.0.0', /"after=" does not belong in a expand header/],
    ['-- migrate: backfill table=users', /needs table=<table> and key=/],
    ['-- migrate: backfill table=Users key=id', /not a plain lower-case table name/],
    ['-- migrate: backfill table=users key=id batch=0', /batch=0 is not a whole number/],
    ['-- migrate: backfill table=users key=id no-transaction', /no-transaction does not apply/],
    ['-- migrate: expand expand', /cannot read "expand"/],
    ['-- migrate: contract after=1.0.0 after=2.0.0', /"after" is given twice/],
  ])('rejects %j', (text, message) => {
    const result = parseHeader(text);
    expect(typeof result).toBe('string');
    expect(result).toMatch(message);
  });
});
