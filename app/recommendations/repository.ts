// Products in PostgreSQL through drizzle. Each algorithm reads only the columns it needs, so a
// problem with one algorithm's data (a column being migrated, say) leaves the other working.
import { asc, desc, sql } from 'drizzle-orm';
import type { Orm } from '../db/database.ts';
import { products } from '../db/schema.ts';
import type { Candidate, Product } from './model.ts';

export interface ProductsRepository {
  /** The most popular products, most popular first (ties by SKU). */
  bestsellers(limit: number): Promise<Product[]>;
  /** The new algorithm's pool: the `limit` most popular products, with their release dates. */
  candidates(limit: number): Promise<Candidate[]>;
}

const productColumns = {
  id: products.id,
  sku: products.sku,
  name: products.name,
  category: products.category,
  priceCents: products.priceCents,
  popularity: products.popularity,
};

export function createProductsRepository(orm: Orm): ProductsRepository {
  const bestsellers = orm
    .select(productColumns)
    .from(products)
    .orderBy(desc(products.popularity), asc(products.sku))
    .limit(sql.placeholder('limit'))
    .prepare('products_bestsellers');
  const candidates = orm
    .select({ ...productColumns, releasedOn: products.releasedOn })
    .from(products)
    .orderBy(desc(products.popularity), asc(products.sku))
    .limit(sql.placeholder('limit'))
    .prepare('products_candidates');
  return {
    bestsellers: (limit) => bestsellers.execute({ limit }),
    candidates: (limit) => candidates.execute({ limit }),
  };
}
