-- migrate: expand
-- The product catalogue behind GET /api/v2/users/{id}/recommendations (app/recommendations/).
-- drizzle-kit generated the table and index from app/db/schema.ts; the seed rows are by hand:
-- a fixed catalogue, so both recommendation algorithms answer the same on every machine.
-- A new table: nothing reads or writes it yet, so creating and filling it locks no one out.
CREATE TABLE "products" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "products_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"category" text NOT NULL,
	"price_cents" bigint NOT NULL,
	"popularity" bigint NOT NULL,
	"released_on" date NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku_key" ON "products" USING btree ("sku");--> statement-breakpoint
INSERT INTO "products" ("sku", "name", "category", "price_cents", "popularity", "released_on") VALUES
  ('BK-001', 'The Pragmatic Gardener', 'books', 2499, 940, '2023-03-14'),
  ('BK-002', 'Kubernetes in Small Steps', 'books', 3999, 1210, '2024-09-02'),
  ('BK-003', 'A Short History of Maps', 'books', 1899, 530, '2021-06-21'),
  ('BK-004', 'Cooking for One, Well', 'books', 2250, 760, '2025-01-15'),
  ('BK-005', 'The Quiet Harbour (novel)', 'books', 1499, 1580, '2025-08-30'),
  ('MU-001', 'Field Recordings, Vol. 2 (vinyl)', 'music', 2899, 310, '2022-11-04'),
  ('MU-002', 'Piano Etudes for Late Nights', 'music', 1299, 870, '2024-02-09'),
  ('MU-003', 'Brass Band Summer (CD)', 'music', 999, 220, '2020-07-01'),
  ('MU-004', 'Studio Headphone Stand', 'music', 3499, 450, '2025-05-12'),
  ('MU-005', 'Ukulele Starter Kit', 'music', 5999, 690, '2023-10-18'),
  ('GM-001', 'Tile Harbour (board game)', 'games', 4499, 1330, '2024-11-22'),
  ('GM-002', 'Pocket Chess Set', 'games', 1999, 640, '2019-04-05'),
  ('GM-003', 'Cooperative Space Rescue', 'games', 5499, 980, '2025-09-19'),
  ('GM-004', 'Word Tiles Travel Edition', 'games', 1599, 410, '2022-01-27'),
  ('GM-005', 'Thousand-Piece Lighthouse Puzzle', 'games', 2299, 720, '2023-12-01'),
  ('KT-001', 'Cast Iron Skillet 26 cm', 'kitchen', 4999, 1720, '2018-09-10'),
  ('KT-002', 'Pour-Over Coffee Set', 'kitchen', 3799, 1150, '2024-04-03'),
  ('KT-003', 'Chef''s Knife 20 cm', 'kitchen', 8999, 860, '2021-02-17'),
  ('KT-004', 'Fermentation Crock 5 l', 'kitchen', 6499, 260, '2025-07-07'),
  ('KT-005', 'Bamboo Cutting Boards (set of 3)', 'kitchen', 2799, 940, '2022-08-25'),
  ('GD-001', 'Seed Starter Tray', 'garden', 1899, 580, '2024-01-30'),
  ('GD-002', 'Stainless Hand Trowel', 'garden', 1499, 700, '2020-03-12'),
  ('GD-003', 'Rain Barrel 200 l', 'garden', 8999, 190, '2023-05-08'),
  ('GD-004', 'Pollinator Seed Mix', 'garden', 799, 1260, '2025-03-21'),
  ('GD-005', 'Raised Bed Kit 120 cm', 'garden', 12999, 340, '2024-06-14'),
  ('OD-001', 'Ultralight Rain Jacket', 'outdoor', 11999, 880, '2024-10-05'),
  ('OD-002', 'Trail Running Socks (3 pairs)', 'outdoor', 2499, 1390, '2023-02-22'),
  ('OD-003', 'Two-Person Tent', 'outdoor', 24999, 420, '2022-04-11'),
  ('OD-004', 'Insulated Bottle 750 ml', 'outdoor', 2999, 1640, '2021-09-29'),
  ('OD-005', 'Headlamp 400 lm', 'outdoor', 3499, 760, '2025-10-02'),
  ('TY-001', 'Wooden Train Set', 'toys', 5999, 830, '2019-11-11'),
  ('TY-002', 'Magnetic Building Tiles', 'toys', 4999, 1470, '2024-08-08'),
  ('TY-003', 'Plush Octopus', 'toys', 1799, 990, '2023-07-19'),
  ('TY-004', 'Kite for Beginners', 'toys', 2199, 300, '2025-04-26'),
  ('TY-005', 'Marble Run Starter', 'toys', 3999, 610, '2022-10-13'),
  ('EL-001', 'USB-C Charger 65 W', 'electronics', 3999, 1910, '2024-03-18'),
  ('EL-002', 'E-Reader 7 inch', 'electronics', 14999, 1020, '2023-09-06'),
  ('EL-003', 'Bluetooth Speaker Mini', 'electronics', 4999, 1180, '2022-12-09'),
  ('EL-004', 'Mechanical Keyboard', 'electronics', 10999, 740, '2025-06-03'),
  ('EL-005', 'Smart Plug (2 pack)', 'electronics', 2499, 560, '2021-05-24');
