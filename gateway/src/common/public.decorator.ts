// Marks a route as reachable without auth. Every other route is denied by the global auth guard.
import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'forge:isPublic';
export const Public = () => SetMetadata(IS_PUBLIC, true);
