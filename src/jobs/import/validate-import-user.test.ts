import { describe, expect, it } from 'vitest';
import { validateImportUser } from './validate-import-user.ts';

const bcrypt = '$2b$10$nFguVi9LsCAcvTZFKQlRKeLVydo8ETv483lkNsSFI/Wl1Rz1Ypo1K';
const codes = (u: unknown) => validateImportUser(u).map((i) => `${i.code} ${i.path}`);

describe('validateImportUser', () => {
  it('accepts a full valid user', () => {
    expect(validateImportUser({
      email: 'john.doe@contoso.com', email_verified: false, phone_number: '+12125550001', phone_verified: true,
      user_id: '2000', username: 'johnd', given_name: 'John', family_name: 'Doe', name: 'John Doe', nickname: 'jd',
      picture: 'https://example.com/p.png', blocked: false, password_hash: bcrypt,
      app_metadata: { roles: ['admin'], plan: 'premium' }, user_metadata: { theme: 'light' },
      mfa_factors: [{ totp: { secret: '2PRXZWZAYYDAWCD' } }, { phone: { value: '+15551112233' } }, { email: { value: 'a@b.biz' } }],
    })).toEqual([]);
    expect(validateImportUser({ email: 'ünïcode@exämple.de' })).toEqual([]);
  });
  it('requires email and refuses unknown fields', () => {
    expect(codes({ name: 'x' })).toEqual(['OBJECT_REQUIRED email']);
    expect(codes({ email: 'a@b.co', favourite_colour: 'red' })).toEqual(['OBJECT_ADDITIONAL_PROPERTIES favourite_colour']);
    expect(validateImportUser({ email: 'a@b.co', x: 1 })[0].message).toBe('Error in x property - Additional properties not allowed: x');
  });
  it('reports wrong types with z-schema wording', () => {
    const [i] = validateImportUser({ email: 5 });
    expect(i).toEqual({ code: 'INVALID_TYPE', path: 'email', message: 'Error in email property - Expected type string but found type integer' });
    expect(codes({ email: 'a@b.co', email_verified: 'yes', app_metadata: [], user_metadata: null })).toEqual([
      'INVALID_TYPE email_verified', 'INVALID_TYPE app_metadata', 'INVALID_TYPE user_metadata']);
    expect(codes('a user')).toEqual(['INVALID_TYPE ']);
    expect(validateImportUser([])[0].message).toBe('Expected type object but found type array');
  });
  it('checks formats, patterns and lengths', () => {
    expect(codes({ email: 'akshay144@' })).toEqual(['FORMAT email']);
    expect(validateImportUser({ email: 'akshay144@' })[0].message).toBe("Error in email property - Object didn't pass validation for format email: akshay144@");
    for (const bad of ['no-at.example.com', 'a@b', 'a b@c.com', '.a@b.com', 'a@-b.com', `${'x'.repeat(65)}@b.com`]) {
      expect(codes({ email: bad })).toEqual(['FORMAT email']);
    }
    expect(codes({ email: 'a@b.co', phone_number: '555-1234' })).toEqual(['PATTERN phone_number']);
    expect(codes({ email: 'a@b.co', user_id: 'has space' })).toEqual(['PATTERN user_id']);
    expect(codes({ email: 'a@b.co', given_name: 'x'.repeat(151), name: '' })).toEqual(['MAX_LENGTH given_name', 'MIN_LENGTH name']);
    expect(codes({ email: 'a@b.co', picture: 'javascript:alert(1)' })).toEqual(['FORMAT picture']);
  });
  it('checks password_hash prefix and exclusivity with custom_password_hash', () => {
    expect(codes({ email: 'a@b.co', password_hash: '$2y$' + bcrypt.slice(4) })).toEqual(['PATTERN password_hash']);
    expect(codes({ email: 'a@b.co', password_hash: '$2x$' + bcrypt.slice(4) })).toEqual(['PATTERN password_hash']);
    expect(codes({ email: 'a@b.co', password_hash: 'plaintext' })).toEqual(['PATTERN password_hash']);
    expect(codes({ email: 'a@b.co', password_hash: bcrypt, custom_password_hash: { algorithm: 'bcrypt', hash: { value: bcrypt } } }))
      .toEqual(['NOT_PASSED custom_password_hash']);
    expect(codes({ email: 'a@b.co', custom_password_hash: { algorithm: 'bcrypt', hash: { value: '$2$10$' + bcrypt.slice(7) } } }))
      .toEqual(['PATTERN custom_password_hash.hash.value']);
  });
  it('checks mfa_factors: 1 to 10 items, exactly one of totp / phone / email', () => {
    const totp = { totp: { secret: 'JBTWY3DPEHPK3PNP' } };
    expect(codes({ email: 'a@b.co', mfa_factors: Array(10).fill(totp) })).toEqual([]);
    const eleven = validateImportUser({ email: 'a@b.co', mfa_factors: Array(11).fill(totp) });
    expect(eleven).toEqual([{ code: 'ARRAY_LENGTH_LONG', path: 'mfa_factors', message: 'Error in mfa_factors property - Array is too long (11), maximum 10' }]);
    expect(codes({ email: 'a@b.co', mfa_factors: [] })).toEqual(['ARRAY_LENGTH_SHORT mfa_factors']);
    expect(codes({ email: 'a@b.co', mfa_factors: {} })).toEqual(['INVALID_TYPE mfa_factors']);
    expect(codes({ email: 'a@b.co', mfa_factors: [{}] })).toEqual(['ANY_OF_MISSING mfa_factors[0]']);
    expect(codes({ email: 'a@b.co', mfa_factors: [{ ...totp, phone: { value: '+1555' } }] })).toEqual(['OBJECT_PROPERTIES_MAXIMUM mfa_factors[0]']);
    expect(codes({ email: 'a@b.co', mfa_factors: [totp, { sms: { value: '+1' } }] })).toEqual(['OBJECT_ADDITIONAL_PROPERTIES mfa_factors[1].sms']);
    expect(codes({ email: 'a@b.co', mfa_factors: [{ totp: { secret: 'jbtwy3dp=' } }] })).toEqual(['PATTERN mfa_factors[0].totp.secret']);
    expect(codes({ email: 'a@b.co', mfa_factors: [{ phone: {} }, { email: { value: 'nope', extra: 1 } }] }))
      .toEqual(['OBJECT_REQUIRED mfa_factors[0].phone.value', 'OBJECT_ADDITIONAL_PROPERTIES mfa_factors[1].email.extra', 'FORMAT mfa_factors[1].email.value']);
  });
  it('refuses the app_metadata keys Auth0 reserves', () => {
    expect(codes({ email: 'a@b.co', app_metadata: { plan: 'x', email: 'y', loginsCount: 3 } })).toEqual(['NOT_PASSED app_metadata.email', 'NOT_PASSED app_metadata.loginsCount']);
  });
});
