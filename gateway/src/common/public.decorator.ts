// Marks a route as reachable without auth. Every other route is denied by the global auth guard.
// The OpenAPI spec shows it without the bearer requirement.
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'forge:isPublic';
export const Public = () => applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension('x-forge-public', true));
