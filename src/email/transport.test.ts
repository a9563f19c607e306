import { describe, expect, it } from 'vitest';
import { checkMailbox, checkSubject, UnsafeHeaderError } from './transport.ts';

describe('mail headers', () => {
  it('accepts one plain mailbox, with or without a display name', () => {
    expect(checkMailbox('ada@example.com', 'to')).toBe('ada@example.com');
    expect(checkMailbox('Team <team@example.com>', 'from')).toBe('Team <team@example.com>');
  });

  it.each([
    'ada@example.com\r\nBcc: eve@example.com',
    'ada@example.com\nBcc: eve@example.com',
    'ada@example.com, eve@example.com',
    'Eve <eve@example.com>, <ada@example.com>',
    'not an address',
    '"quoted" <ada@example.com>',
    'ada@example.com\0',
  ])('refuses %j', (value) => {
    expect(() => checkMailbox(value, 'to')).toThrow(UnsafeHeaderError);
  });

  it('refuses a subject with a line break', () => {
    expect(() => checkSubject('Hello\r\nBcc: eve@example.com')).toThrow(UnsafeHeaderError);
    expect(checkSubject('Hello')).toBe('Hello');
  });
});
