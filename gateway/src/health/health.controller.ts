import { Controller, Get } from '@nestjs/common';
import { Public } from '../common/public.decorator.js';
import { HealthService, type HealthReport } from './health.service.js';

@Controller('health')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  /** Always 200: `ok` when every service serves, `degraded` naming the ones that do not. */
  @Public()
  @Get()
  report(): Promise<HealthReport> {
    return this.health.report();
  }
}
