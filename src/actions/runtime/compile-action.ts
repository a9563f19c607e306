/**
 * Turning an action's CommonJS source into something the isolate can run, and turning V8's error text back
 * into positions within that source. The wrapper sits on its own first line and the script is compiled
 * with lineOffset -1, so line N of the action is line N in every stack trace and syntax error.
 */

/** Auth0's limit on an action's code size (excluding npm dependencies), §6.4. */
export const MAX_ACTION_CODE_BYTES = 100 * 1024;

const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {\n';
const WRAPPER_TAIL = '\n})';

export interface WrappedModule {
  source: string;
  filename: string;
  lineOffset: number;
}

/** `action:<name>`, with anything that would confuse stack parsing (spaces, colons, parentheses) replaced. */
export function actionFilename(actionName: string): string {
  return `action:${actionName.replace(/[^\w.-]/g, '_') || 'unnamed'}`;
}

export function wrapCommonJsModule(code: string, filename: string): WrappedModule {
  return { source: WRAPPER_HEAD + code + WRAPPER_TAIL, filename, lineOffset: -1 };
}

export interface SourcePosition {
  line: number;
  column: number;
}

/** First `filename:line:col` in a stack or message, i.e. the innermost frame inside the action's code. */
export function positionInAction(text: string, filename: string): SourcePosition | undefined {
  const pattern = new RegExp(`${escapeRegExp(filename)}:(\\d+):(\\d+)`);
  const m = pattern.exec(text);
  if (!m) return undefined;
  return { line: Number(m[1]), column: Number(m[2]) };
}

/**
 * isolated-vm appends the position to compile errors ("Unexpected token ';' [action:x:3:9]"); the message
 * shown to the tenant keeps only V8's text, the position goes in line/column.
 */
export function stripPositionSuffix(message: string): string {
  return message.replace(/ \[[^\]]*:\d+:\d+\]$/, '');
}

/**
 * The stack as the tenant should see it: the error line, then only frames in their own code (or bundled
 * modules), never the bootstrap's or the host's.
 */
export function actionStack(stack: string, filename: string): string {
  const lines = stack.split('\n');
  const frames = lines.slice(1).filter((l) => l.includes(`${filename}:`) || l.includes('bundled:'));
  return [lines[0] ?? '', ...frames].join('\n');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
