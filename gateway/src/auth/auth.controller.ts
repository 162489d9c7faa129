import { Body, Controller, Get, Headers, HttpCode, Inject, Ip, Post, Req } from '@nestjs/common';
import { CONFIG, type ForgeConfig } from '@pi-forge/runtime';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../common/public.decorator.js';
import { RateLimit } from '../common/rate-limit.js';
import { AuthGate } from './auth-gate.js';
import { AuthStatusDto, ChangePasswordDto, LoginDto, SessionInfoDto, SessionTokenDto, TicketDto, TicketRequestDto } from './auth.dto.js';
import { LoginService } from './login.service.js';
import { TicketStore } from './ticket-store.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    @Inject(CONFIG) private readonly config: ForgeConfig,
    private readonly gate: AuthGate,
    private readonly login: LoginService,
    private readonly tickets: TicketStore,
  ) {}

  /** Whether the browser must log in. */
  @Public()
  @Get('status')
  @ApiOkResponse({ type: AuthStatusDto })
  status(): AuthStatusDto {
    return { authEnabled: this.gate.enabled, ldapEnabled: this.config.LDAP_ENABLED };
  }

  /** Exchanges the UI password (or LDAP credentials) for a session token. */
  @Public()
  @RateLimit('login')
  @Post('login')
  @HttpCode(200)
  @ApiOkResponse({ type: SessionTokenDto })
  logIn(@Body() body: LoginDto, @Ip() ip: string): Promise<SessionTokenDto> {
    return this.login.login(body, ip);
  }

  /** Stores a new password (argon2id) and returns a fresh unrestricted token. Checks its own JWT. */
  @Public()
  @RateLimit('login')
  @Post('change-password')
  @HttpCode(200)
  @ApiBearerAuth('bearerAuth')
  @ApiOkResponse({ type: SessionTokenDto })
  changePassword(@Headers('authorization') authorization: string | undefined, @Body() body: ChangePasswordDto): Promise<SessionTokenDto> {
    return this.login.changePassword(authorization, body);
  }

  /** A one-time, short-lived credential for URLs (`?ticket=`), so the token never goes into one. */
  @Post('ticket')
  @HttpCode(200)
  @ApiOkResponse({ type: TicketDto })
  ticket(@Body() body: TicketRequestDto): TicketDto {
    return this.tickets.issue(body?.for ?? 'terminal');
  }

  /** Answers 200 while the presented credential is good: lets a client check a stored token. */
  @Get('session')
  @ApiOkResponse({ type: SessionInfoDto })
  session(@Req() req: FastifyRequest): SessionInfoDto {
    return { authEnabled: this.gate.enabled, via: req.forgeAuth ?? 'open' };
  }
}
