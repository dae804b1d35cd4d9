export { startWorker, type StartWorkerOptions, type Worker } from './worker.js';
export { createTaskLauncher, topicCreationSpec } from './task-launcher.js';
export { loadWorkerConfig, type WorkerConfig } from './config.js';
export { startStandaloneWorker, ConnectorFileError } from './standalone.js';
export { readConnectorFiles, type ConnectorFile } from './connector-files.js';
