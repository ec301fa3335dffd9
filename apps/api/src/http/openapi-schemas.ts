import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiResponse, type SchemaObject } from '@nestjs/swagger';
import { CATALOG } from '../strategies/catalog.js';

/** CONTRACT §2 request and response shapes, for the OpenAPI document only (validation is in auth-core). */
export const CREDENTIALS_SCHEMA: SchemaObject = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: { type: 'string', minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9._-]+$', example: 'alice' },
    password: { type: 'string', minLength: 8, maxLength: 1024, example: 'correct horse battery' },
  },
};

const USER_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { id: { type: 'string' }, username: { type: 'string' } },
};

const PROBLEM_SCHEMA: SchemaObject = {
  type: 'object',
  description: 'RFC 9457 application/problem+json',
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
  },
};

/** One login body per strategy in the catalog, as each descriptor declares it. */
const LOGIN_SCHEMA: SchemaObject = {
  oneOf: CATALOG.map((descriptor) => ({ ...descriptor.loginResponseSchema }) as SchemaObject),
};

/** One `ApiResponse` per problem status a route can answer. */
export const ApiProblems = (...statuses: number[]): MethodDecorator =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: 'application/problem+json', schema: PROBLEM_SCHEMA }),
    ),
  );

export const ApiRegister = (): MethodDecorator =>
  applyDecorators(
    ApiBody({ schema: CREDENTIALS_SCHEMA }),
    ApiResponse({ status: 201, schema: USER_SCHEMA }),
    ApiProblems(400, 409, 413, 415),
  );

export const ApiLogin = (): MethodDecorator =>
  applyDecorators(
    ApiBody({ schema: CREDENTIALS_SCHEMA }),
    ApiResponse({ status: 200, schema: LOGIN_SCHEMA }),
    ApiProblems(400, 401, 403, 404, 429, 503),
  );

export const ApiProtected = (): MethodDecorator =>
  applyDecorators(
    ApiResponse({
      status: 200,
      schema: {
        type: 'object',
        properties: { message: { type: 'string' }, strategy: { type: 'string' }, user: USER_SCHEMA },
      },
    }),
    ApiProblems(401, 404, 503),
  );

export const ApiLogout = (): MethodDecorator =>
  applyDecorators(ApiResponse({ status: 204, description: 'Revoked' }), ApiProblems(401, 403, 404, 503));
