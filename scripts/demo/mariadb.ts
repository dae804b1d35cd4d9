/** The sample database in MariaDB/MySQL: (re)create it, make the live changes, drop it. */
import mysql from 'mysql2/promise';
import { parseMysqlUrl } from '../testbed/index.js';
import { DemoError } from './errors.js';
import { CUSTOMERS, DEMO_MARKER, ORDERS, PRODUCTS, STOCK_MOVEMENT_ROWS, literal, stockMovement, valuesList } from './sample-data.js';

const BATCH = 5000;

export async function mysqlConnection(url: string): Promise<mysql.Connection> {
  const p = parseMysqlUrl(url);
  try {
    const conn = await mysql.createConnection({ ...p, multipleStatements: true, timezone: 'Z' });
    conn.on('error', () => undefined);
    await conn.query("SET time_zone = '+00:00'");
    return conn;
  } catch (err) {
    throw new DemoError('DEMO_MYSQL_UNREACHABLE', `Cannot connect to MariaDB at ${p.host}:${p.port} as ${p.user}: ${(err as Error).message}`,
      'Check MYSQL_URL (or run `npm run services:up`).', err);
  }
}

/** Drops the demo database if it is ours (marked) or empty; refuses to touch anyone else's. */
export async function dropMariaDbSample(conn: mysql.Connection, db: string): Promise<void> {
  const [schemas] = await conn.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = ?', [db]);
  if ((schemas as unknown[]).length === 0) return;
  const [tables] = await conn.query('SELECT table_name AS name, table_comment AS comment FROM information_schema.tables WHERE table_schema = ?', [db]);
  const list = tables as Array<{ name: string; comment: string }>;
  if (list.length > 0 && !list.some((t) => t.name === 'customers' && t.comment === DEMO_MARKER)) {
    throw new DemoError('DEMO_NOT_OURS', `MariaDB already has a database \`${db}\` that the demo did not create; it is left alone.`,
      'Drop it yourself if it is disposable, or run the demo with --instance <id> to use other names.');
  }
  await conn.query(`DROP DATABASE \`${db}\``);
}

export async function createMariaDbSample(conn: mysql.Connection, db: string): Promise<void> {
  try {
    await dropMariaDbSample(conn, db);
    await conn.query(`CREATE DATABASE \`${db}\``);
    await conn.query(`USE \`${db}\``);
    await conn.query(`
      CREATE TABLE customers (id INT PRIMARY KEY, first_name VARCHAR(255) NOT NULL, last_name VARCHAR(255) NOT NULL,
        email VARCHAR(255) NOT NULL UNIQUE) COMMENT = ${literal(DEMO_MARKER)};
      CREATE TABLE products (id INT PRIMARY KEY, name VARCHAR(255) NOT NULL, description VARCHAR(512), weight DOUBLE);
      CREATE TABLE orders (order_number INT PRIMARY KEY, order_date DATE NOT NULL, purchaser INT NOT NULL, quantity INT NOT NULL,
        product_id INT NOT NULL, FOREIGN KEY (purchaser) REFERENCES customers (id), FOREIGN KEY (product_id) REFERENCES products (id));
      CREATE TABLE stock_movements (id INT PRIMARY KEY, product_id INT NOT NULL, quantity INT NOT NULL, reason VARCHAR(32) NOT NULL,
        moved_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, FOREIGN KEY (product_id) REFERENCES products (id));
      INSERT INTO customers VALUES ${valuesList(CUSTOMERS)};
      INSERT INTO products VALUES ${valuesList(PRODUCTS)};
      INSERT INTO orders VALUES ${valuesList(ORDERS)};`);
    for (let from = 0; from < STOCK_MOVEMENT_ROWS; from += BATCH) {
      const rows = Array.from({ length: Math.min(BATCH, STOCK_MOVEMENT_ROWS - from) }, (_, i) => stockMovement(from + i));
      await conn.query(`INSERT INTO stock_movements VALUES ${valuesList(rows)}`);
    }
    // Fresh statistics, so the snapshot's row estimate (and the progress bar) is close to the truth.
    await conn.query('ANALYZE TABLE customers, products, orders, stock_movements');
  } catch (err) {
    throw asDemoError(err, `creating the sample database \`${db}\` in MariaDB`);
  }
}

export async function applyMariaDbChange(conn: mysql.Connection, db: string, sql: string): Promise<void> {
  try {
    await conn.query(`USE \`${db}\``);
    await conn.query(sql);
  } catch (err) {
    throw asDemoError(err, `changing the sample data in MariaDB (${sql})`);
  }
}

function asDemoError(err: unknown, what: string): DemoError {
  if (err instanceof DemoError) return err;
  return new DemoError('DEMO_MYSQL_FAILED', `Failed ${what}: ${(err as Error).message}`,
    'The MYSQL_URL user needs CREATE, DROP, INSERT, UPDATE and DELETE on the demo database; see the message for details.', err);
}
