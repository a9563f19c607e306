// An ActionsLogger that keeps what the Actions engine and the sign-in triggers log, for tests to assert on.
import type { ActionsLogger } from '../../src/actions/run-flow.ts';

export interface LogLine {
  level: 'info' | 'warn';
  msg: string;
  obj: Record<string, unknown>;
}

export class LogCapture implements ActionsLogger {
  readonly lines: LogLine[] = [];

  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', msg, obj: obj as Record<string, unknown> });
  }

  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', msg, obj: obj as Record<string, unknown> });
  }

  /** The fields of the latest line with this message, or undefined. */
  find(msg: string, where: (obj: Record<string, unknown>) => boolean = () => true): Record<string, unknown> | undefined {
    return this.lines.findLast((line) => line.msg === msg && where(line.obj))?.obj;
  }
}
