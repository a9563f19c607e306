import { describe, expect, it } from 'vitest';
import { parseProblem, TemplateError, type ResolvedTemplate } from './templates.ts';
import { EmailTemplates } from './templates.ts';

const templates = new EmailTemplates({ template: async () => null } as never);
const custom = (html: string, subject = 'Hi'): ResolvedTemplate => ({
  name: 'verify_email', enabled: true, from: null, subject, html, text: null, resultUrl: null, urlLifetimeInSeconds: null, includeEmailInRedirect: false,
});

describe('Liquid templates', () => {
  it('names the line of a template that does not parse', () => {
    expect(parseProblem('<p>ok</p>\n{% if user.name %}\nno end')).toMatch(/line:2/);
    expect(parseProblem('<p>{{ user.name }}</p>')).toBeNull();
  });

  it('escapes values in HTML, folds line breaks out of the subject, and derives the text part', async () => {
    const out = await templates.render(custom('<p>Hello {{ user.name }}</p>', 'For {{ user.name }}'), { user: { name: 'A <b>\r\nBcc: x' } });
    expect(out.html).toBe('<p>Hello A &lt;b&gt;\r\nBcc: x</p>');
    expect(out.subject).toBe('For A <b> Bcc: x');
    expect(out.text).toContain('Hello A <b>');
  });

  it('stops an endless loop and a huge output with a TemplateError', async () => {
    await expect(templates.render(custom('{% for i in (1..1000000000) %}x{% endfor %}'), {})).rejects.toThrow(TemplateError);
    await expect(templates.render(custom('{% assign s = "xxxxxxxx" %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s }}'), {})).rejects.toThrow(TemplateError);
  });

  it('renders the built-in verification mail with the branding and the link', async () => {
    const builtIn = (await templates.resolve('verify_email'))!;
    const out = await templates.render(builtIn, {
      user: { email: 'ada@example.com' }, url: 'https://id.example.com/u/email-verification?ticket=t', url_lifetime: '5 days', friendly_name: 'Acme',
      application: { name: 'Acme App' }, branding: { logo_url: 'https://cdn.example.com/logo.png', primary_color: '#112233' },
    });
    expect(out.subject).toBe('Verify your email address for Acme');
    expect(out.html).toContain('src="https://cdn.example.com/logo.png"');
    expect(out.html).toContain('background:#112233');
    expect(out.text).toContain('https://id.example.com/u/email-verification?ticket=t');
  });
});
