// TEMPORARY stub, replaced by the wt-security branch.
import type { KafkaOAuth } from './types.js';
export function createOAuthTokenProvider(_oauth: KafkaOAuth): () => Promise<string> {
  return () => Promise.reject(new Error('OAUTHBEARER not wired yet'));
}
