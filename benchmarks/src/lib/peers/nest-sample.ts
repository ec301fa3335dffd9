// Peer "NestJS-sample style": the docs' authentication recipe as tutorials copy it — an
// @nestjs/passport JwtStrategy on passport-jwt with the secret as a string, behind
// AuthGuard('jwt'), on express. It verifies the same HS256 token; like the recipe, it checks
// the signature and exp only. This is what a user gets by following the documentation.
import 'reflect-metadata';
import { Controller, Get, Injectable, Module, Req, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AuthGuard, PassportModule, PassportStrategy } from '@nestjs/passport';
import { ExpressAdapter } from '@nestjs/platform-express';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { type Claims, decorateMethod, greeting, listenAndAnnounce, peerSettings } from './peer-app.js';

const settings = peerSettings();

class JwtStrategy extends PassportStrategy(Strategy) {
  constructor() {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      ignoreExpiration: false,
      secretOrKey: settings.secret,
    });
  }

  validate(payload: Claims): Claims {
    return payload;
  }
}
Injectable()(JwtStrategy);

class SampleController {
  profile(request: { user?: Claims }): unknown {
    return greeting(request.user ?? {});
  }
}
Controller()(SampleController);
decorateMethod(SampleController, 'profile', Get('jwt/protected'), UseGuards(AuthGuard('jwt')));
Req()(SampleController.prototype, 'profile', 0);

class SampleModule {}
Module({ imports: [PassportModule], controllers: [SampleController], providers: [JwtStrategy] })(
  SampleModule,
);

const app = await NestFactory.create(SampleModule, new ExpressAdapter(), { logger: false });
await listenAndAnnounce(app, 'NestJS-sample style (passport-jwt, string secret)');
