/**
 * The sample `inventory` data, the same in MariaDB and PostgreSQL: a few dozen customers, products and orders,
 * and 30,000 stock movements so the snapshot's progress is visible for a moment. Deterministic, so every run of
 * the demo starts from identical tables. Also the scripted live changes and the events they must produce.
 */

/** Marks a database/table as created by the demo: only such objects are ever dropped by it. */
export const DEMO_MARKER = 'tscdc demo sample data (npm run demo); dropped and recreated by every run';

export const CUSTOMERS: ReadonlyArray<readonly [number, string, string, string]> = [
  [1001, 'Maya', 'Lindqvist', 'maya.lindqvist@example.com'],
  [1002, 'Tomas', 'Herrera', 'tomas.herrera@example.com'],
  [1003, 'Aiko', 'Tanaka', 'aiko.tanaka@example.com'],
  [1004, 'Noah', 'Bergström', 'noah.bergstrom@example.com'],
  [1005, 'Leila', 'Haddad', 'leila.haddad@example.com'],
  [1006, 'Jonas', 'Weber', 'jonas.weber@example.com'],
  [1007, 'Priya', 'Nair', 'priya.nair@example.com'],
  [1008, 'Samuel', 'Okoro', 'samuel.okoro@example.com'],
  [1009, 'Chloé', 'Martin', 'chloe.martin@example.com'],
  [1010, 'Iván', 'Petrov', 'ivan.petrov@example.com'],
  [1011, 'Grace', 'Kim', 'grace.kim@example.com'],
  [1012, 'Oskar', 'Nowak', 'oskar.nowak@example.com'],
];

export const PRODUCTS: ReadonlyArray<readonly [number, string, string, number]> = [
  [101, 'kick scooter', 'foldable kick scooter, 2 wheels', 3.5],
  [102, 'car battery', '12 V lead-acid car battery, 60 Ah', 14.2],
  [103, 'drill bit set', '15 HSS drill bits, 1 to 8 mm', 0.9],
  [104, 'claw hammer', '450 g claw hammer, fibreglass handle', 0.75],
  [105, 'mallet', 'rubber mallet, 900 g', 1.1],
  [106, 'tape measure', '5 m tape measure', 0.25],
  [107, 'garden gravel', '20 kg bag of garden gravel', 20],
  [108, 'rain jacket', 'waterproof rain jacket, black', 0.6],
  [109, 'spare wheel', '16 inch spare wheel', 11.5],
  [110, 'step ladder', 'aluminium step ladder, 5 steps', 6.5],
];

/** [order_number, order_date, purchaser, quantity, product_id] */
export const ORDERS: ReadonlyArray<readonly [number, string, number, number, number]> = Array.from({ length: 20 }, (_, i) => [
  10001 + i,
  isoDate(Date.UTC(2024, 0, 10) + i * 3 * 86_400_000),
  CUSTOMERS[(i * 5) % CUSTOMERS.length]![0],
  1 + ((i * 7) % 4),
  PRODUCTS[(i * 3) % PRODUCTS.length]![0],
] as const);

export const STOCK_MOVEMENT_ROWS = 30_000;
const REASONS = ['received', 'sold', 'returned', 'counted', 'damaged'] as const;

/** Row `i` (0-based) of stock_movements: [id, product_id, quantity, reason, moved_at as 'YYYY-MM-DD HH:MM:SS' UTC]. */
export function stockMovement(i: number): [number, number, number, string, string] {
  const reason = REASONS[(i * 7) % REASONS.length]!;
  const qty = 1 + ((i * 37) % 20);
  const ms = Date.UTC(2024, 0, 1) + i * 17 * 60_000;
  return [i + 1, PRODUCTS[(i * 3) % PRODUCTS.length]![0], reason === 'received' || reason === 'returned' ? qty : -qty, reason,
    new Date(ms).toISOString().slice(0, 19).replace('T', ' ')];
}

function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const TABLE_ROWS: Readonly<Record<string, number>> = {
  customers: CUSTOMERS.length,
  products: PRODUCTS.length,
  orders: ORDERS.length,
  stock_movements: STOCK_MOVEMENT_ROWS,
};

/** The scripted live changes, as SQL both databases accept (the schema is set by the caller), in order. */
export const LIVE_CHANGES: ReadonlyArray<{ sql: string; op: 'c' | 'u' | 'd'; table: string; id: number }> = [
  { sql: "INSERT INTO customers (id, first_name, last_name, email) VALUES (1013, 'Ada', 'Okafor', 'ada.okafor@example.com')", op: 'c', table: 'customers', id: 1013 },
  { sql: "UPDATE customers SET email = 'maya@lindqvist.example.org' WHERE id = 1001", op: 'u', table: 'customers', id: 1001 },
  { sql: 'DELETE FROM customers WHERE id = 1013', op: 'd', table: 'customers', id: 1013 },
];

/** SQL literal for the values above (numbers and plain strings only). */
export function literal(v: string | number): string {
  return typeof v === 'number' ? String(v) : `'${v.replace(/'/g, "''")}'`;
}

export function valuesList(rows: ReadonlyArray<ReadonlyArray<string | number>>): string {
  return rows.map((r) => `(${r.map(literal).join(', ')})`).join(',\n');
}
