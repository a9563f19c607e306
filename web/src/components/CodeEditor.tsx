// CodeMirror 6 for Actions code and JSON: highlighting, line numbers, and diagnostics at the line they concern.
// Loaded only by the pages that edit code (React.lazy), so the shell stays small.
import { javascript } from '@codemirror/lang-javascript';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { linter, lintGutter, type Diagnostic } from '@codemirror/lint';
import { EditorState, type Extension } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { useComputedColorScheme } from '@mantine/core';
import { basicSetup } from 'codemirror';
import { useEffect, useRef } from 'react';
import { styleNonce } from '../nonce';

export interface CodeEditorProps {
  value: string;
  onChange: (value: string) => void;
  language: 'json' | 'javascript';
  label: string;
  minHeight?: number;
  /** Extra diagnostics from the server (e.g. a test's error at a line). */
  diagnostics?: { line: number; message: string }[];
}

const darkTheme = EditorView.theme({ '&': { backgroundColor: '#1a1b1e', color: '#e9ecef' }, '.cm-gutters': { backgroundColor: '#25262b', color: '#909296', border: 'none' }, '.cm-activeLine': { backgroundColor: '#2c2e33' }, '.cm-activeLineGutter': { backgroundColor: '#2c2e33' }, '&.cm-focused .cm-cursor': { borderLeftColor: '#fff' } }, { dark: true });

export default function CodeEditor({ value, onChange, language, label, minHeight = 240, diagnostics = [] }: CodeEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const extra = useRef(diagnostics);
  extra.current = diagnostics;
  const dark = useComputedColorScheme('light') === 'dark';

  useEffect(() => {
    const serverLint = linter((v): Diagnostic[] =>
      extra.current
        .filter((d) => d.line >= 1 && d.line <= v.state.doc.lines)
        .map((d) => {
          const line = v.state.doc.line(d.line);
          return { from: line.from, to: line.to, severity: 'error', message: d.message };
        }),
    );
    const extensions: Extension[] = [
      basicSetup,
      // Wrapped lines: no horizontal scrolling region (keyboard users could not scroll it), and usable on a phone.
      EditorView.lineWrapping,
      EditorView.cspNonce.of(styleNonce),
      language === 'json' ? [json(), linter(jsonParseLinter())] : javascript(),
      serverLint,
      lintGutter(),
      EditorView.contentAttributes.of({ 'aria-label': label }),
      EditorView.theme({ '&': { minHeight: `${minHeight}px`, fontSize: '13px' }, '.cm-scroller': { minHeight: `${minHeight}px`, fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }),
      EditorView.updateListener.of((u) => {
        if (u.docChanged) onChangeRef.current(u.state.doc.toString());
      }),
      ...(dark ? [darkTheme] : []),
    ];
    const v = new EditorView({ state: EditorState.create({ doc: value, extensions }), parent: host.current! });
    view.current = v;
    return () => v.destroy();
    // The editor is rebuilt only when its language or theme changes; value changes flow through the effect below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [language, dark, label]);

  useEffect(() => {
    const v = view.current;
    if (v && v.state.doc.toString() !== value) v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: value } });
  }, [value]);

  return <div ref={host} className="portrait-code-editor" data-language={language} />;
}

/** JSON.parse with the line of the mistake, for messages shown next to the editor. */
export function parseJsonObject(text: string): { value?: Record<string, unknown>; error?: string } {
  try {
    const value = JSON.parse(text);
    if (!value || typeof value !== 'object' || Array.isArray(value)) return { error: 'Must be a JSON object, e.g. { "key": "value" }.' };
    return { value };
  } catch (e) {
    return { error: `Invalid JSON: ${(e as Error).message}` };
  }
}
