export { announce, createStartupLogger, httpLoggerParams } from './logging.js';
export { isForAPerson, type LoggingConfig, type LogOutput, logOutput } from './output.js';
export { CLIENT_REQUEST_ID, requestIdOf } from './request-id.js';
