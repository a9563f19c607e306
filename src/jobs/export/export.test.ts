import { describe, expect, it } from 'vitest';
import {
  csvEscape, csvHeader, csvValues, DEFAULT_EXPORT_FIELDS, formatCsvRow, formatNdjsonUser, readPath, selectExportFields,
  validateExportFields,
} from './index.ts';
import { fromAuth0Export } from '../import/index.ts';

const user = {
  user_id: 'auth0|5f1', email: 'a@b.co', email_verified: true, logins_count: 3, name: '=HYPERLINK("http://evil")',
  identities: [{ connection: 'Username-Password-Authentication', provider: 'auth0' }],
  user_metadata: { plan: 'pro', consent: { given: true, date: '01/23/2019' } }, app_metadata: { roles: ['admin'] },
};

describe('csvEscape', () => {
  it('guards cells that would start a formula, quotes text and doubles quotes', () => {
    expect(csvEscape('=1+2')).toBe(`"'=1+2"`);
    expect(csvEscape('+33 1 23')).toBe(`"'+33 1 23"`);
    expect(csvEscape('-2+3+cmd|\' /C calc\'!A0')).toBe(`"'-2+3+cmd|' /C calc'!A0"`);
    expect(csvEscape('@SUM(A1)')).toBe(`"'@SUM(A1)"`);
    expect(csvEscape('\tx')).toBe(`"'\tx"`);
    expect(csvEscape('\rx')).toBe(`"'\rx"`);
    expect(csvEscape('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvEscape('Doe, "JD"\nline 2')).toBe(`"Doe, ""JD""\nline 2"`);
    expect(csvEscape('plain')).toBe('"plain"');
    expect(csvEscape('')).toBe('""');
  });
  it('writes numbers and booleans bare, nothing for null, JSON for objects', () => {
    expect(csvEscape(-5)).toBe('-5');
    expect(csvEscape(true)).toBe('true');
    expect(csvEscape(null)).toBe('');
    expect(csvEscape(undefined)).toBe('');
    expect(csvEscape(['admin'])).toBe(`"[""admin""]"`);
  });
  it('formats a row', () => {
    expect(formatCsvRow(['a', 1, null, '-x'])).toBe(`"a",1,,"'-x"\n`);
  });
});

describe('export fields', () => {
  it('reads dotted and indexed paths, never inherited properties', () => {
    expect(readPath(user, 'user_metadata.consent.date')).toBe('01/23/2019');
    expect(readPath(user, 'identities[0].connection')).toBe('Username-Password-Authentication');
    expect(readPath(user, 'app_metadata.roles[0]')).toBe('admin');
    expect(readPath(user, 'identities[3].connection')).toBeUndefined();
    expect(readPath(user, 'user_metadata.missing.deeper')).toBeUndefined();
    expect(readPath(user, 'constructor')).toBeUndefined();
    expect(readPath(user, 'user_metadata.__proto__')).toBeUndefined();
  });
  it('selects fields under their export_as names, for NDJSON', () => {
    const fields = [{ name: 'email' }, { name: 'user_metadata.plan', export_as: 'plan' }, { name: 'nickname' }, { name: 'app_metadata' }];
    expect(selectExportFields(user, fields)).toEqual({ email: 'a@b.co', plan: 'pro', app_metadata: { roles: ['admin'] } });
    expect(formatNdjsonUser(user, fields)).toBe('{"email":"a@b.co","plan":"pro","app_metadata":{"roles":["admin"]}}\n');
    expect(JSON.parse(formatNdjsonUser(user))).toEqual(user);
  });
  it('builds CSV header and cells', () => {
    const fields = [{ name: 'email' }, { name: 'identities[0].connection', export_as: 'provider' }, { name: 'name' }, { name: 'nickname' }];
    expect(formatCsvRow(csvHeader(fields))).toBe('"email","provider","name","nickname"\n');
    expect(formatCsvRow(csvValues(user, fields))).toBe(`"a@b.co","Username-Password-Authentication","'=HYPERLINK(""http://evil"")",\n`);
  });
  it('validates fields: CSV limits, whole metadata objects, shape and lengths', () => {
    expect(validateExportFields([{ name: 'email' }, { name: 'user_metadata.plan', export_as: 'Plan' }], 'csv')).toEqual([]);
    expect(validateExportFields([{ name: 'user_metadata' }, { name: 'app_metadata' }], 'json')).toEqual([]);
    const whole = validateExportFields([{ name: 'email' }, { name: 'user_metadata' }], 'csv');
    expect(whole).toHaveLength(1);
    expect(whole[0]).toMatchObject({ path: 'fields[1].name' });
    expect(whole[0].message).toContain('The whole user_metadata object cannot be exported as a CSV column');
    const many = Array.from({ length: 31 }, (_, i) => ({ name: `user_metadata.f${i}` }));
    expect(validateExportFields(many, 'csv').map((i) => i.code)).toEqual(['ARRAY_LENGTH_LONG']);
    expect(validateExportFields(many, 'json')).toEqual([]);
    expect(validateExportFields([{ name: 'x'.repeat(101) }, { export_as: 'y' }, { name: 'a', other: 1 }, { name: 'a..b' }], 'json').map((i) => `${i.code} ${i.path}`))
      .toEqual(['MAX_LENGTH fields[0].name', 'OBJECT_REQUIRED fields[1].name', 'OBJECT_ADDITIONAL_PROPERTIES fields[2].other', 'PATTERN fields[3].name']);
  });
  it('round-trips: an export with the default fields re-imports through the NDJSON normalizer', () => {
    const line = JSON.parse(formatNdjsonUser({ ...user, given_name: 'A', created_at: 'x' }, DEFAULT_EXPORT_FIELDS));
    expect(line).toMatchObject({ Id: 'auth0|5f1', Email: 'a@b.co', Connection: 'Username-Password-Authentication' });
    expect(fromAuth0Export(line)).toEqual({ user_id: '5f1', given_name: 'A', name: user.name, email: 'a@b.co', email_verified: true });
  });
});
