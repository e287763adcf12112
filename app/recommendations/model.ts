// The recommendations domain model. It knows nothing of HTTP or API versions.
export interface Product {
  id: number;
  sku: string;
  name: string;
  category: string;
  priceCents: number;
  popularity: number;
}

/** A product with what the new algorithm also needs. */
export interface Candidate extends Product {
  /** `YYYY-MM-DD`. */
  releasedOn: string;
}

/** `classic`: bestsellers; `new`: fresh and diverse, behind the flag `new_recommendation_algo`. */
export type Algorithm = 'classic' | 'new';

export interface Recommendations {
  /** The algorithm that produced `products` (classic after a fallback). */
  algorithm: Algorithm;
  /** True when the new algorithm was chosen but failed, and classic served instead. */
  fallback: boolean;
  products: Product[];
}
