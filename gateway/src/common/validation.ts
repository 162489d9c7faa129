// One validation policy for every body and query: class-validator DTOs, unknown fields stripped,
// strings converted to the declared types, and a 400 that names each bad field.
import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function flatten(errors: ValidationError[], parent = ''): { field: string; messages: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new BadRequestException({
        error: 'validation_failed',
        message: fields.map((f) => f.messages.join(', ')).join('; '),
        fields: Object.fromEntries(fields.map((f) => [f.field, f.messages])),
      });
    },
  });
}
