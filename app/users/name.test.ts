import { describe, expect, it } from 'vitest';
import { fullName, splitFullName } from './name.ts';

describe('user names', () => {
  it.each([
    ['Ada Lovelace', 'Ada', 'Lovelace'],
    ['  Grace   Brewster  Hopper ', 'Grace', 'Brewster Hopper'],
    ['Plato', 'Plato', ''],
    ['Zoë Ångström', 'Zoë', 'Ångström'],
    ['李 小龙', '李', '小龙'],
    ['José\u00a0María\tAznar', 'José', 'María Aznar'],
    ['Ōe\u3000Kenzaburō', 'Ōe', 'Kenzaburō'],
    ['', '', ''],
  ])('splits %j into first word and the rest', (name, firstName, lastName) => {
    expect(splitFullName(name)).toEqual({ firstName, lastName });
  });

  it('joins the parts with one space and no stray one', () => {
    expect(fullName({ firstName: 'Ada', lastName: 'Lovelace' })).toBe('Ada Lovelace');
    expect(fullName({ firstName: 'Plato', lastName: '' })).toBe('Plato');
    expect(fullName({ firstName: '', lastName: 'Solo' })).toBe('Solo');
    expect(fullName(splitFullName('  Grace   Hopper '))).toBe('Grace Hopper');
  });
});
