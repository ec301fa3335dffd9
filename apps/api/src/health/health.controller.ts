import { Controller, Get } from '@nestjs/common';

export interface HealthReport {
  readonly status: 'ok';
  readonly stores: Readonly<Record<string, 'up' | 'down' | 'embedded'>>;
}

@Controller()
export class HealthController {
  @Get('health')
  health(): HealthReport {
    return { status: 'ok', stores: {} };
  }
}
