// Documents every class-validator DTO in the OpenAPI spec without a second set of decorators: each
// validated property that has no @ApiProperty gets one derived from its rules (type, required, lengths,
// bounds, enums, patterns, formats). Runs once, before the document is built. Nest's CLI plugin would
// do this at compile time, but we build with plain tsc.
import { ApiProperty, type ApiPropertyOptions } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';

const SWAGGER_PROPERTY = 'swagger/apiModelProperties';
const SWAGGER_PROPERTY_LIST = 'swagger/apiModelPropertiesArray';

type Options = Record<string, unknown>;

/** The fields of class-validator's ValidationMetadata that we read (the class is not exported). */
interface ValidationMetadata {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each: boolean;
}

/** A DTO class (the key class-validator files its rules under). */
type DtoClass = abstract new (...args: never[]) => unknown;

/** class-validator keeps its rules per class in a private Map; there is no public way to list them. */
function validatedClasses(): Map<DtoClass, ValidationMetadata[]> {
  return (getMetadataStorage() as unknown as { validationMetadatas: Map<DtoClass, ValidationMetadata[]> }).validationMetadatas ?? new Map();
}

function depth(cls: DtoClass): number {
  let n = 0;
  for (let p = Object.getPrototypeOf(cls); p && p !== Function.prototype; p = Object.getPrototypeOf(p)) n++;
  return n;
}

function fromDesignType(target: object, property: string): Options {
  const type = Reflect.getMetadata('design:type', target, property) as unknown;
  if (type === String) return { type: 'string' };
  if (type === Number) return { type: 'number' };
  if (type === Boolean) return { type: 'boolean' };
  if (type === Array) return { type: 'array', items: { type: 'string' } };
  if (typeof type === 'function' && type !== Object) return { type: () => type };
  return { type: 'object' };
}

function describe(rules: ValidationMetadata[], target: object, property: string): Options {
  const out: Options = { ...fromDesignType(target, property), required: true };
  // Rules with `{each: true}` describe the array's items, the others the property itself.
  const item: Options = {};
  for (const rule of rules) {
    if (rule.type === 'conditionalValidation') out.required = false;
    if (rule.type !== 'customValidation') continue;
    const to = rule.each ? item : out;
    const [a, b] = rule.constraints ?? [];
    switch (rule.name) {
      case 'isString':
        to.type = 'string';
        break;
      case 'isInt':
        to.type = 'integer';
        break;
      case 'isNumber':
        to.type = 'number';
        break;
      case 'isNumberString':
        to.type = 'string';
        break;
      case 'isBoolean':
        to.type = 'boolean';
        break;
      case 'isArray':
        out.type = 'array';
        break;
      case 'isObject':
        to.type = 'object';
        break;
      case 'isLength':
        to.minLength = a;
        if (b !== undefined) to.maxLength = b;
        break;
      case 'minLength':
        to.minLength = a;
        break;
      case 'maxLength':
        to.maxLength = a;
        break;
      case 'isNotEmpty':
        to.minLength ??= 1;
        break;
      case 'min':
        to.minimum = a;
        break;
      case 'max':
        to.maximum = a;
        break;
      case 'arrayMaxSize':
        out.maxItems = a;
        break;
      case 'arrayMinSize':
        out.minItems = a;
        break;
      case 'isIn':
        to.enum = a;
        break;
      case 'isEnum':
        to.enum = Object.values(a as object);
        break;
      case 'matches':
        to.pattern = a instanceof RegExp ? a.source : String(a);
        break;
      case 'isUuid':
        to.format = 'uuid';
        break;
      case 'isIso8601':
      case 'isDateString':
        to.format = 'date-time';
        break;
      case 'isUrl':
        to.format = 'uri';
        break;
      case 'isEmail':
        to.format = 'email';
        break;
    }
  }
  const tidy = (o: Options) => {
    if (o.type !== 'string') for (const k of ['minLength', 'maxLength', 'pattern', 'format']) delete o[k];
    return o;
  };
  if (out.type !== 'array' && Object.keys(item).length === 0) return tidy(out);
  // ApiProperty describes an array as `isArray` plus the item's schema.
  const { required, maxItems, minItems, items } = out;
  const itemType = item.type ?? (items as Options | undefined)?.type ?? 'string';
  return {
    required,
    isArray: true,
    ...(maxItems !== undefined ? { maxItems } : {}),
    ...(minItems !== undefined ? { minItems } : {}),
    ...tidy({ ...item, type: itemType }),
  };
}

/** Adds @ApiProperty to every validated DTO property that lacks one (parents before children). */
export function documentValidatedDtos(): number {
  let added = 0;
  const classes = [...validatedClasses().entries()].filter(([cls]) => typeof cls === 'function').sort(([a], [b]) => depth(a) - depth(b));
  for (const [cls, rules] of classes) {
    const byProperty = new Map<string, ValidationMetadata[]>();
    for (const rule of rules) byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
    for (const [property, propertyRules] of byProperty) {
      if (Reflect.hasOwnMetadata(SWAGGER_PROPERTY, cls.prototype, property)) continue;
      ApiProperty(describe(propertyRules, cls.prototype, property) as ApiPropertyOptions)(cls.prototype, property);
      added++;
    }
  }
  // A class's property list is copied from its parent when its first @ApiProperty runs; a child with a
  // hand-written one copied it before we documented the parent, so merge the parent's list in again.
  for (const [cls] of classes) {
    const own = Reflect.getOwnMetadata(SWAGGER_PROPERTY_LIST, cls.prototype) as string[] | undefined;
    const inherited = Reflect.getMetadata(SWAGGER_PROPERTY_LIST, Object.getPrototypeOf(cls.prototype)) as string[] | undefined;
    if (own && inherited) Reflect.defineMetadata(SWAGGER_PROPERTY_LIST, [...new Set([...inherited, ...own])], cls.prototype);
  }
  return added;
}
