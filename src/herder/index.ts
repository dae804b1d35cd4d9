export { createHerder, type HerderOptions } from './herder.js';
export { AlreadyExistsError, BadRequestError, ConflictError, ForbiddenError, ForwardError, NotFoundError } from './errors.js';
export { OFFSETS_ALTERED_MESSAGE, OFFSETS_RESET_MESSAGE } from './offsets.js';
export type { ConfigResolver } from './config-check.js';
export type * from './types.js';
