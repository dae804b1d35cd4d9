export { createRestServer, type RestServer, type RestServerOptions } from './server.js';
export type { ServerInfo } from './root-routes.js';
export { errorResponse, RestError, type ErrorBody } from './errors.js';
