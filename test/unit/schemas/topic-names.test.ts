import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataCollectionTopic } from '../../../schemas/index.js';

test('table topics are <prefix>.<namespace>.<table> with characters Kafka does not allow replaced by _', () => {
  assert.equal(dataCollectionTopic('shop', 'inventory', 'orders'), 'shop.inventory.orders');
  assert.equal(dataCollectionTopic('shop', 'inventory', "order items it's"), 'shop.inventory.order_items_it_s');
  assert.equal(dataCollectionTopic('shop', 'dbo', 'prix€'), 'shop.dbo.prix_');
});
