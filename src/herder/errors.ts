/**
 * What the herder refuses, as named errors. The REST layer maps each class to Kafka Connect's status code
 * (404, 409, 400); the herder itself knows nothing about HTTP.
 */
import { CdcError } from '../errors/index.js';

/** The connector, task or plugin named in a request does not exist. */
export class NotFoundError extends CdcError {
  constructor(message: string, fix?: string) {
    super('NOT_FOUND', message, { retriable: false, fix });
  }
}

/** Creating a connector whose name is taken. */
export class AlreadyExistsError extends CdcError {
  constructor(message: string) {
    super('ALREADY_EXISTS', message, {
      retriable: false,
      fix: 'Choose another name, or update the existing connector with PUT /connectors/{name}/config.',
    });
  }
}

/** The request is malformed or asks for something the connector's config or state does not allow. */
export class BadRequestError extends CdcError {
  constructor(message: string, fix?: string) {
    super('BAD_REQUEST', message, { retriable: false, fix });
  }
}

/** The request conflicts with an operation in progress (e.g. the worker is shutting down). Retrying may succeed. */
export class ConflictError extends CdcError {
  constructor(message: string) {
    super('CONFLICT', message, { retriable: true });
  }
}

/** A feature of Connect's API that this worker has switched off by configuration. */
export class ForbiddenError extends CdcError {
  constructor(message: string, fix?: string) {
    super('FORBIDDEN', message, { retriable: false, fix });
  }
}

/**
 * The request must be applied by another worker of the group: the leader (config changes) or the worker running
 * the connector (restarts, snapshot commands). The REST layer forwards it there, as Connect does.
 */
export class ForwardError extends CdcError {
  constructor(readonly url: string, message: string) {
    super('NOT_LEADER', message, { retriable: true, fix: 'Retry; the request is forwarded unless it was forwarded already.' });
  }
}
