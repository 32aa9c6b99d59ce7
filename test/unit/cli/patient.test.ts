import { expect } from 'chai';
import { UsageError } from '../../../apps/cli/src/context';
import { patientFrom } from '../../../apps/cli/src/query-commands';
import { InvalidInputError } from '../../../gateway-client/src/errors';
import { bigintReplacer, jsonText } from '../../../gateway-client/src/json';
import { PatientInputError, parsePatient } from '../../../gateway-client/src/patient';

describe('patient context parsing (library, shared by the CLI and the HTTP API)', () => {
  it('reads age, sex, hospital level and visit type; nothing given is no patient', () => {
    expect(parsePatient({ age: '70', sex: 'f', level: '2', visit: 'inpatient' })).to.deep.equal({
      age: 70,
      sex: 'female',
      hospitalLevel: 2,
      visitType: 'inpatient',
    });
    expect(parsePatient({ sex: 'M' })).to.deep.equal({ sex: 'male' });
    expect(parsePatient({})).to.equal(undefined);
  });

  it('names the field that does not parse, as an INVALID_INPUT error', () => {
    const cases: [Record<string, string>, string, string][] = [
      [{ age: '151' }, 'age', 'age must be an integer from 0 to 150, got "151"'],
      [{ level: '4' }, 'level', 'level must be an integer from 1 to 3, got "4"'],
      [{ sex: 'x' }, 'sex', 'sex must be M or F, got "x"'],
      [{ visit: 'home' }, 'visit', 'visit must be inpatient or outpatient, got "home"'],
    ];
    for (const [fields, field, detail] of cases) {
      try {
        parsePatient(fields);
        expect.fail(`expected ${field} to be refused`);
      } catch (error) {
        expect(error).to.be.instanceOf(PatientInputError).and.instanceOf(InvalidInputError);
        expect(error).to.include({
          field,
          detail,
          code: 'INVALID_INPUT',
          message: `INVALID_INPUT: ${detail}`,
        });
      }
    }
  });

  it('the CLI reports a bad option as a usage error naming the option', () => {
    expect(patientFrom({ age: '30', visit: 'outpatient' })).to.deep.equal({
      age: 30,
      visitType: 'outpatient',
    });
    expect(() => patientFrom({ sex: 'x' }))
      .to.throw(UsageError)
      .with.property('message', '--sex must be M or F, got "x"');
    expect(() => patientFrom({ age: 'old' })).to.throw(UsageError, /^--age must be an integer from 0 to 150/);
  });
});

describe('bigint-safe JSON', () => {
  it('writes bigint block numbers as numbers', () => {
    expect(jsonText({ block: 12n, list: [1n] })).to.equal('{"block":12,"list":[1]}');
    expect(jsonText({ block: 3n }, 2)).to.equal('{\n  "block": 3\n}');
    expect(JSON.stringify([5n], bigintReplacer)).to.equal('[5]');
  });
});
