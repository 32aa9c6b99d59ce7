import Ajv, { type ValidateFunction } from 'ajv';
import type { InputOf } from '../model/io';
import { schemas, type SchemaName } from '../schemas';
import { raise } from './errors';
import { isValidDate } from './time';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, discriminator: true });
const compiled = new Map<SchemaName, ValidateFunction>();

function validatorFor(name: SchemaName): ValidateFunction {
  let validate = compiled.get(name);
  if (validate === undefined) {
    validate = ajv.compile(schemas[name]);
    compiled.set(name, validate);
  }
  return validate;
}

/** Every string property named like a date must be a real calendar date (the schema checks the shape). */
function checkDates(value: unknown, path: string): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      checkDates(v, `${path}/${i}`);
    });
    return;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      if (typeof child === 'string' && /^(date|effectiveFrom|from|to)$/.test(key) && !isValidDate(child)) {
        raise('INVALID_INPUT.notDate', { path: `${path}/${key}`, value: child });
      }
      checkDates(child, `${path}/${key}`);
    }
  }
}

/**
 * Parses a transaction argument and validates it against its schema; throws INVALID_INPUT. The
 * result has the type derived from that schema.
 */
export function parseInput<N extends SchemaName>(name: N, json: string): InputOf<N> {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    raise('INVALID_INPUT.notJson', { detail: (err as Error).message });
  }
  const validate = validatorFor(name);
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const where = first?.instancePath === '' || first === undefined ? '(root)' : first.instancePath;
    const extra =
      first?.keyword === 'additionalProperties'
        ? ` '${String((first.params as { additionalProperty?: string }).additionalProperty)}'`
        : '';
    raise('INVALID_INPUT.schema', {
      schema: name,
      path: where,
      detail: `${first?.message ?? 'is invalid'}${extra}`,
    });
  }
  checkDates(value, '');
  return value as InputOf<N>;
}
