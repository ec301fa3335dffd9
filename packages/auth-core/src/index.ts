export type { ProblemDetails, ProblemErrorOptions } from './errors/problem.js';
export { ProblemError } from './errors/problem.js';
