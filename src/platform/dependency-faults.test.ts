import { describe, expect, it } from 'vitest';
import { dependencyFault } from './dependency-faults.ts';

const coded = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('dependencyFault', () => {
  it('names an unreachable or busy dependency "unavailable"', () => {
    expect(dependencyFault(coded('ECONNREFUSED'))).toBe('unavailable');
    expect(dependencyFault(new Error('Connection terminated unexpectedly'))).toBe('unavailable');
    expect(dependencyFault(new Error('timeout exceeded when trying to connect'))).toBe('unavailable');
    expect(dependencyFault(coded('57P01', 'terminating connection due to administrator command'))).toBe('unavailable');
    expect(dependencyFault(coded('08006'))).toBe('unavailable');
    expect(dependencyFault(coded('SQLITE_BUSY'))).toBe('unavailable');
    expect(dependencyFault(coded('SQLITE_IOERR_WRITE'))).toBe('unavailable');
    expect(dependencyFault(Object.assign(new Error('SlowDown'), { $metadata: { httpStatusCode: 503 } }))).toBe('unavailable');
    // Node's connect over several addresses, and errors wrapped by a library.
    expect(dependencyFault(new AggregateError([coded('ECONNREFUSED')], 'connect failed'))).toBe('unavailable');
    expect(dependencyFault(new Error('wrapped', { cause: coded('ETIMEDOUT') }))).toBe('unavailable');
  });

  it('names a full disk or database "storage_full"', () => {
    expect(dependencyFault(coded('ENOSPC'))).toBe('storage_full');
    expect(dependencyFault(coded('EFBIG'))).toBe('storage_full');
    expect(dependencyFault(coded('SQLITE_FULL'))).toBe('storage_full');
    expect(dependencyFault(coded('53100', 'could not extend file'))).toBe('storage_full');
  });

  it('leaves bugs and refusals alone: they are not a dependency failing', () => {
    expect(dependencyFault(new TypeError('x is undefined'))).toBeNull();
    expect(dependencyFault(coded('23505', 'duplicate key'))).toBeNull();
    expect(dependencyFault(coded('22P02', 'invalid input syntax'))).toBeNull();
    expect(dependencyFault(coded('SQLITE_CONSTRAINT_UNIQUE'))).toBeNull();
    expect(dependencyFault(Object.assign(new Error('NoSuchKey'), { $metadata: { httpStatusCode: 404 } }))).toBeNull();
    expect(dependencyFault(null)).toBeNull();
    expect(dependencyFault('ECONNREFUSED')).toBeNull();
  });
});
