// Marks a route as reachable without auth. Every other route is denied, first by the edge's onRequest
// auth hook (which reads the route config, before any body is read), then by the global guard.
// The OpenAPI spec shows it without the bearer requirement.
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { MergeRouteConfig, ROUTE_PUBLIC } from './route-options.js';

export const IS_PUBLIC = 'forge:isPublic';
export const Public = () =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), MergeRouteConfig({ [ROUTE_PUBLIC]: true }), ApiExtension('x-forge-public', true));
