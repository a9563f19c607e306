// The server puts a fresh nonce in this meta tag on every page load; Mantine's and CodeMirror's <style> elements
// carry it, so the CSP admits them without 'unsafe-inline'.
export const styleNonce = document.querySelector<HTMLMetaElement>('meta[name="portrait-style-nonce"]')?.content ?? '';
