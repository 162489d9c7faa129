// class-validator rules become OpenAPI properties, and @ApiProperty written by hand wins.
import 'reflect-metadata';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { documentValidatedDtos } from './validation-docs.js';

class Inner {
  @IsString() label: string;
}

class Base {
  @IsUUID() id: string;
}

class Sample extends Base {
  @IsString() @Length(2, 40) name: string;
  @IsOptional() @IsIn(['a', 'b']) mode?: string;
  @IsInt() @Min(1) @Max(9) count: number;
  @IsOptional() @Matches(/^\d+$/) digits?: string;
  @ArrayMaxSize(5) @IsInt({ each: true }) @Min(0, { each: true }) indices: number[];
  @ValidateNested() inner: Inner;
  @ApiProperty({ description: 'hand-written' }) @IsString() documented: string;
}

function property(cls: abstract new (...args: never[]) => unknown, name: string): Record<string, unknown> {
  const { isArray, ...rest } = Reflect.getMetadata('swagger/apiModelProperties', cls.prototype, name) as Record<string, unknown>;
  return isArray ? { isArray, ...rest } : rest;
}

describe('documentValidatedDtos', () => {
  it('derives type, required, bounds, enums, patterns and formats from the rules', () => {
    documentValidatedDtos();
    assert.deepEqual({ ...property(Sample, 'name') }, { type: 'string', required: true, minLength: 2, maxLength: 40 });
    assert.deepEqual({ ...property(Sample, 'mode') }, { type: 'string', required: false, enum: ['a', 'b'] });
    assert.deepEqual({ ...property(Sample, 'count') }, { type: 'integer', required: true, minimum: 1, maximum: 9 });
    assert.deepEqual({ ...property(Sample, 'digits') }, { type: 'string', required: false, pattern: '^\\d+$' });
    assert.deepEqual({ ...property(Sample, 'indices') }, { required: true, isArray: true, maxItems: 5, type: 'integer', minimum: 0 });
    assert.equal((property(Sample, 'inner').type as () => unknown)(), Inner);
    assert.deepEqual({ ...property(Base, 'id') }, { type: 'string', required: true, format: 'uuid' });
    assert.equal(property(Sample, 'documented').description, 'hand-written');
    const listed = Reflect.getMetadata('swagger/apiModelPropertiesArray', Sample.prototype) as string[];
    for (const p of ['id', 'name', 'mode', 'count', 'indices', 'inner', 'documented'])
      assert.ok(listed.includes(`:${p}`), `${p} listed in ${listed}`);
  });
});
