/**
 * Debezium's `schema.name.adjustment.mode` and `field.name.adjustment.mode`, the same for every connector.
 * Debezium renames schemas and fields in the connector; here records keep their names and the Avro converter
 * applies the modes when it writes (task-launcher passes them on), which gives the same Avro schemas and bytes.
 * JSON needs no valid Avro names, so JSON records show the names as they are.
 */
import type { ConfigKeyDef } from '../../connect-api/index.js';

const MODES = ['none', 'avro', 'avro_unicode'];

export function nameAdjustmentKeys(group: string, orderInGroup: number): ConfigKeyDef[] {
  return [
    { name: 'schema.name.adjustment.mode', type: 'STRING', default: 'none', allowed: MODES, importance: 'MEDIUM', group, orderInGroup,
      documentation: 'Make schema names valid Avro names in the Avro converter: avro replaces invalid characters with _, avro_unicode with _uXXXX; none keeps them.' },
    { name: 'field.name.adjustment.mode', type: 'STRING', default: 'none', allowed: MODES, importance: 'MEDIUM', group, orderInGroup: orderInGroup + 1,
      documentation: 'Make field (column) names valid Avro names in the Avro converter: avro replaces invalid characters with _, avro_unicode with _uXXXX; none keeps them.' },
  ];
}
