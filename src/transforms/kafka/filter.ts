/**
 * Filter: drops every record it sees. It is meant to run under a predicate (`transforms.<t>.predicate`, with
 * `negate=true` to keep the matching records instead).
 */
import { singleTransform } from './plugin-kit.js';

export const filterPlugin = singleTransform('Filter', { keys: [] }, () => ({ apply: () => null }));
