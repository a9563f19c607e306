// html-to-text ships no types; Portrait uses only `convert`.
declare module 'html-to-text' {
  export function convert(html: string, options?: { wordwrap?: number | false; selectors?: unknown[] }): string;
}
