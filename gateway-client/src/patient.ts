/**
 * The patient context of a coverage question, parsed from text fields (`age`, `sex`, `level`,
 * `visit`) the same way wherever they come from: CLI options, claim-file columns, HTTP query
 * parameters.
 */
import type { PatientContext } from '@nrdl-catalog/chaincode/model';
import { InvalidInputError } from './errors';

/** The text fields a patient context is read from. */
export const PATIENT_FIELDS = ['age', 'sex', 'level', 'visit'] as const;

/** One of {@link PATIENT_FIELDS}. */
export type PatientField = (typeof PATIENT_FIELDS)[number];

/** A patient field that does not parse; `detail` is the message without the error code. */
export class PatientInputError extends InvalidInputError {
  public constructor(
    public readonly field: PatientField,
    public readonly detail: string,
  ) {
    super('INVALID_INPUT', detail);
  }
}

function integer(
  fields: Readonly<Partial<Record<PatientField, string>>>,
  field: 'age' | 'level',
  min: number,
  max: number,
): number | undefined {
  const value = fields[field];
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new PatientInputError(field, `${field} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

/**
 * The patient context of `fields` (absent fields are left out), or undefined when none is given:
 * `age` 0-150, `sex` M or F (any case), `level` (hospital level) 1-3, `visit` inpatient or
 * outpatient. Throws {@link PatientInputError} naming the first field that does not parse.
 */
export function parsePatient(
  fields: Readonly<Partial<Record<PatientField, string>>>,
): PatientContext | undefined {
  const age = integer(fields, 'age', 0, 150);
  const sex = fields.sex;
  const level = integer(fields, 'level', 1, 3);
  const visit = fields.visit;
  if (sex !== undefined && !['M', 'F'].includes(sex.toUpperCase())) {
    throw new PatientInputError('sex', `sex must be M or F, got "${sex}"`);
  }
  if (visit !== undefined && visit !== 'inpatient' && visit !== 'outpatient') {
    throw new PatientInputError('visit', `visit must be inpatient or outpatient, got "${visit}"`);
  }
  const patient: {
    age?: number;
    sex?: 'male' | 'female';
    hospitalLevel?: 1 | 2 | 3;
    visitType?: 'inpatient' | 'outpatient';
  } = {};
  if (age !== undefined) patient.age = age;
  if (sex !== undefined) patient.sex = sex.toUpperCase() === 'M' ? 'male' : 'female';
  if (level !== undefined) patient.hospitalLevel = level as 1 | 2 | 3;
  if (visit !== undefined) patient.visitType = visit;
  return Object.keys(patient).length > 0 ? patient : undefined;
}
