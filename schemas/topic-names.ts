/**
 * Debezium's default topic naming, for both connectors: a table's changes go to `<topic.prefix>.<database or
 * schema>.<table>`, with every character Kafka does not allow in a topic name replaced by `_` (so a table named
 * `order items` or `it's` still gets a topic, as Debezium's sanitizer gives it). The record schemas are named after
 * the same string.
 */
export function dataCollectionTopic(prefix: string, namespace: string, table: string): string {
  return `${prefix}.${namespace}.${table}`.replace(/[^A-Za-z0-9._-]/g, '_');
}
