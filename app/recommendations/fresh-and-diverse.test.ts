// The new algorithm is deterministic, favours what is new to the user, and spreads categories.
import { describe, expect, it } from 'vitest';
import { freshAndDiverse } from './fresh-and-diverse.ts';
import type { Candidate } from './model.ts';

const product = (
  sku: string,
  category: string,
  popularity: number,
  releasedOn: string,
): Candidate => ({
  id: Number(sku.replace(/\D/g, '')),
  sku,
  name: sku,
  category,
  priceCents: 1000,
  popularity,
  releasedOn,
});

const catalogue = [
  product('A1', 'books', 1000, '2020-01-01'),
  product('A2', 'books', 900, '2020-01-01'),
  product('A3', 'books', 800, '2020-01-01'),
  product('B1', 'games', 400, '2025-06-01'),
  product('C1', 'garden', 300, '2019-01-01'),
];
const shopper = { id: 7, createdAt: new Date('2025-01-01T00:00:00Z') };

describe('freshAndDiverse', () => {
  it('puts what was released after the user signed up first, then one per category', () => {
    expect(freshAndDiverse(catalogue, shopper, 3).map((p) => p.sku)).toEqual(['B1', 'A1', 'C1']);
  });

  it('fills with the best of the rest once every category has one', () => {
    expect(freshAndDiverse(catalogue, shopper, 5).map((p) => p.sku)).toEqual([
      'B1',
      'A1',
      'C1',
      'A2',
      'A3',
    ]);
  });

  it('gives the same answer every time, and breaks ties by user', () => {
    const tied = ['X1', 'X2', 'X3', 'X4', 'X5', 'X6'].map((sku, index) =>
      product(sku, `c${index}`, 100, '2020-01-01'),
    );
    const first = freshAndDiverse(tied, shopper, 6).map((p) => p.sku);
    expect(freshAndDiverse(tied, shopper, 6).map((p) => p.sku)).toEqual(first);
    const orders = new Set(
      [1, 2, 3, 4, 5].map((id) =>
        freshAndDiverse(tied, { ...shopper, id }, 6)
          .map((p) => p.sku)
          .join(),
      ),
    );
    expect(orders.size).toBeGreaterThan(1);
  });

  it('returns products without the release date (the wire shape never sees it)', () => {
    expect(freshAndDiverse(catalogue, shopper, 1)[0]).not.toHaveProperty('releasedOn');
  });

  it('fails loudly on a release date that is not a date (the service then falls back)', () => {
    expect(() => freshAndDiverse([product('Z1', 'x', 1, 'soon')], shopper, 1)).toThrow(
      /not a date/,
    );
  });
});
