import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { TICKET_SCOPES, type TicketScope } from './ticket-store.js';

export class LoginDto {
  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 256,
    description: 'With LDAP on, a directory user; absent or the local admin name (FORGE_LOCAL_ADMIN_USERNAME) selects the local password.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  username?: string;

  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @Length(1, 1024)
  password: string;
}

export class ChangePasswordDto {
  @ApiProperty({ minLength: 1, maxLength: 1024, format: 'password' })
  @IsString()
  @Length(1, 1024)
  currentPassword: string;

  @ApiProperty({ minLength: 8, maxLength: 1024, format: 'password' })
  @IsString()
  @Length(8, 1024)
  newPassword: string;
}

export class SessionTokenDto {
  @ApiProperty({ description: 'HS256 JWT; send as Authorization: Bearer <token>.' })
  token: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;

  @ApiProperty()
  mustChangePassword: boolean;
}

export class AuthStatusDto {
  @ApiProperty()
  authEnabled: boolean;

  @ApiProperty({ description: 'LDAP_ENABLED: the login form asks for a username.' })
  ldapEnabled: boolean;
}

export class TicketRequestDto {
  @ApiPropertyOptional({
    enum: TICKET_SCOPES,
    default: 'terminal',
    description: 'The kind of route the ticket is for: the terminal WebSocket or the SSE streams. It works on no other.',
  })
  @IsOptional()
  @IsIn(TICKET_SCOPES)
  for?: TicketScope;
}

export class TicketDto {
  @ApiProperty({
    description:
      'One-time credential for `?ticket=` on the kind of route it was requested for (the terminal WebSocket or the SSE streams).',
  })
  ticket: string;

  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
}

export class SessionInfoDto {
  @ApiProperty()
  authEnabled: boolean;

  @ApiProperty({ enum: ['open', 'jwt', 'api_key', 'ticket'], description: 'How this request authenticated.' })
  via: string;
}
