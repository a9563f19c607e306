import { describe, expect, it } from 'vitest';
import { initialsFor, isValidInitials } from './initials.ts';

describe('initialsFor', () => {
  it.each([
    // Auth0's observed samples (reference §2)
    ['John Doe', 'jd'],
    ['John3 Doe', 'jd'],
    ['fahrbss@gmail.com', 'fa'],
    ['admin@admin.com', 'ad'],
    ['bzs6+testacct@njit.edu', 'bz'],
    ['testuser1@test.com', 'te'],
    // more than two words, extra spaces, case
    ['  mary   ANNE  smith ', 'ma'],
    ['JOHN', 'jo'],
  ])('%j → %j (Auth0 rule)', (input, expected) => {
    expect(initialsFor(input)).toBe(expected);
  });

  it.each([
    ['Élodie Durand', 'éd'],
    ['E\u0301lodie Durand', 'éd'], // decomposed input is normalized to NFC
    ['Ólafur', 'ól'],
    ['山田 太郎', '山太'],
    ['山田太郎', '山田'],
    ['Дмитрий Иванов', 'ди'],
    ['Zoë', 'zo'],
  ])('%j → %j (Unicode letters)', (input, expected) => {
    expect(initialsFor(input)).toBe(expected);
  });

  it.each([
    ['(John) Doe', 'jd'],
    ['John - Doe', 'jd'],
    ["o'neil", 'on'],
    ['😀 Ann', 'an'],
    ['42', '42'],
    ['+1 415 555 0100', '14'],
    ['R2 D2', 'rd'],
    ['J', 'j'],
    ['j@example.com', 'j'],
    ['@example.com', 'ex'],
  ])('%j → %j (punctuation, digits, short names)', (input, expected) => {
    expect(initialsFor(input)).toBe(expected);
  });

  it.each(['', '   ', '😀', '--- !!!'])('%j → null (nothing usable)', (input) => {
    expect(initialsFor(input)).toBeNull();
  });

  it('always produces valid initials', () => {
    for (const name of ['John Doe', 'Élodie Durand', '山田 太郎', 'İsmail Kaya', 'ǅemal', 'J', '42', 'हिन्दी नाम']) {
      const initials = initialsFor(name);
      expect(initials, name).not.toBeNull();
      expect(isValidInitials(initials!), `${name} → ${initials}`).toBe(true);
    }
  });
});

describe('isValidInitials', () => {
  it.each(['jd', 'j', '42', 'éd', '山太', 'ди'])('accepts %j', (value) => {
    expect(isValidInitials(value)).toBe(true);
  });

  it.each(['', 'JD', 'Jd', 'abc', 'j.', '..', '/', 'a/', '%2e', '<s', 'default', 'e\u0301', 'j ', '😀'])(
    'rejects %j',
    (value) => {
      expect(isValidInitials(value)).toBe(false);
    },
  );
});
