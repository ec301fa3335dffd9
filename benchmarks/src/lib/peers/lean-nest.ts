// Peer "lean Nest": what a careful user writes with NestJS and nothing else — a public route
// with the same JSON body as authbench's GET /strategies, and a protected route verifying the
// same HS256 access token correctly (jsonwebtoken with a KeyObject, algorithm pinned, exp, iss
// and aud checked). No logging, no middleware, no extras. PEER_PLATFORM picks express or
// fastify, so each platform's authbench routes have their own lean counterpart.
//
// Decorators are applied as plain calls: the benchmark package compiles without
// `experimentalDecorators`, and the peer needs no constructor injection.
import 'reflect-metadata';
import {
  type CanActivate,
  Controller,
  type ExecutionContext,
  Get,
  Module,
  Req,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { type AbstractHttpAdapter, NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import jwt from 'jsonwebtoken';
import {
  type Claims,
  decorateMethod,
  greeting,
  listenAndAnnounce,
  peerSettings,
  publicBody,
} from './peer-app.js';

const settings = peerSettings();
const body = publicBody();
const verifyOptions: jwt.VerifyOptions & { complete?: false } = {
  algorithms: ['HS256'],
  ...(settings.issuer === undefined ? {} : { issuer: settings.issuer }),
  ...(settings.audience === undefined ? {} : { audience: settings.audience }),
};

interface PeerRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  claims?: Claims;
}

/** Verifies the bearer token once per request; any failure is a 401 (fail closed). */
class JwtGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<PeerRequest>();
    const header = request.headers.authorization;
    if (typeof header !== 'string' || !header.startsWith('Bearer ')) throw new UnauthorizedException();
    try {
      const payload = jwt.verify(header.slice(7), settings.key, verifyOptions);
      if (typeof payload === 'string' || typeof payload.exp !== 'number') throw new UnauthorizedException();
      request.claims = payload;
      return true;
    } catch {
      throw new UnauthorizedException();
    }
  }
}

class LeanController {
  strategies(): unknown {
    return body;
  }

  protectedRoute(request: PeerRequest): unknown {
    return greeting(request.claims ?? {});
  }
}
Controller()(LeanController);
decorateMethod(LeanController, 'strategies', Get('strategies'));
decorateMethod(LeanController, 'protectedRoute', Get('jwt/protected'), UseGuards(new JwtGuard()));
Req()(LeanController.prototype, 'protectedRoute', 0);

class LeanModule {}
Module({ controllers: [LeanController] })(LeanModule);

const adapter: AbstractHttpAdapter =
  process.env.PEER_PLATFORM === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
const app = await NestFactory.create(LeanModule, adapter, { logger: false });
await listenAndAnnounce(app, `lean Nest (${process.env.PEER_PLATFORM ?? 'express'})`);
