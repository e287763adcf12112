import { describe, expect, it } from 'vitest';
import { binomialUpperTail } from './binomial.ts';

describe('binomialUpperTail', () => {
  it('matches the exact tail on small counts', () => {
    // P(X ≥ 1) = 1 − 0.99^31; P(X ≥ 2) subtracts P(X = 1) = 31 · 0.01 · 0.99^30.
    expect(binomialUpperTail(31, 0.01, 1)).toBeCloseTo(1 - 0.99 ** 31, 12);
    expect(binomialUpperTail(31, 0.01, 2)).toBeCloseTo(1 - 0.99 ** 31 - 31 * 0.01 * 0.99 ** 30, 12);
    // Every request bad: p^n.
    expect(binomialUpperTail(10, 0.5, 10)).toBeCloseTo(0.5 ** 10, 15);
  });

  it('gives no evidence at or below the expected count', () => {
    expect(binomialUpperTail(1000, 0.01, 10)).toBe(1);
    expect(binomialUpperTail(1000, 0.01, 0)).toBe(1);
  });

  it('is 0 past every request, and for bad events a spotless ratio cannot have', () => {
    expect(binomialUpperTail(10, 0.5, 11)).toBe(0);
    expect(binomialUpperTail(10, 0, 1)).toBe(0);
  });

  it('stays finite and tiny where the plain formula underflows', () => {
    // 100,000 requests at 0.1%: 100 expected, 200 seen is beyond any doubt.
    const tail = binomialUpperTail(100_000, 0.001, 200);
    expect(tail).toBeGreaterThanOrEqual(0);
    expect(tail).toBeLessThan(1e-15);
    // Normal approximation: 110 of 100 expected (σ ≈ 10) is about one σ out.
    expect(binomialUpperTail(100_000, 0.001, 110)).toBeGreaterThan(0.1);
    expect(binomialUpperTail(100_000, 0.001, 110)).toBeLessThan(0.2);
  });
});
