// Rendering mails from Liquid templates (liquidjs, the language Auth0's templates are written in), with hard
// limits so that a hostile or careless template cannot hang the worker or fill its memory: parse size, render
// time and allocated output are all bounded, and a template that does not parse is refused when it is saved.
import { convert } from 'html-to-text';
import { Liquid, type Template } from 'liquidjs';
import { LruCache } from '../platform/lru-cache.ts';
import { DEFAULT_TEMPLATES, defaultHtml, defaultText } from './default-templates.ts';
import type { EmailSettings, StoredTemplate } from './email-settings.ts';

/** Largest template accepted (Auth0 has no documented figure; 100 KB is far above any real mail). */
export const MAX_TEMPLATE_BYTES = 100 * 1024;
/** Wall-clock budget of one render, ms. */
const RENDER_LIMIT_MS = 1000;
/** Roughly the characters a render may allocate (liquidjs counts string and array sizes). */
const MEMORY_LIMIT = 4 * 1024 * 1024;

const limits = { renderLimit: RENDER_LIMIT_MS, memoryLimit: MEMORY_LIMIT, parseLimit: MAX_TEMPLATE_BYTES * 2, strictFilters: true, cache: 64 };
/** HTML bodies: every {{ value }} is escaped, so a user's name cannot become markup. */
const htmlLiquid = new Liquid({ ...limits, outputEscape: 'escape' });
/** Subjects and text parts are not HTML. */
const plainLiquid = new Liquid(limits);

export class TemplateError extends Error {}

/** Parsed templates by engine and source: the worker renders the same few sources thousands of times. */
const parsed = new LruCache<string, Template[]>(256);

async function renderSource(engine: Liquid, kind: 'html' | 'plain', source: string, variables: object): Promise<string> {
  const key = `${kind}\0${source}`;
  let templates = parsed.get(key);
  if (!templates) {
    templates = engine.parse(source);
    parsed.set(key, templates);
  }
  return engine.render(templates, variables) as Promise<string>;
}

/** Null when the template parses; else liquidjs's message, which names the line and column. */
export function parseProblem(source: string): string | null {
  try {
    htmlLiquid.parse(source);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

export interface ResolvedTemplate {
  name: string;
  enabled: boolean;
  from: string | null;
  subject: string;
  html: string;
  /** Null: derived from the rendered HTML. */
  text: string | null;
  resultUrl: string | null;
  urlLifetimeInSeconds: number | null;
  includeEmailInRedirect: boolean;
}

export interface RenderedContent {
  subject: string;
  html: string;
  text: string;
}

function fromStored(t: StoredTemplate): ResolvedTemplate {
  return {
    name: t.template, enabled: t.enabled, from: t.from || null, subject: t.subject, html: t.body, text: null,
    resultUrl: t.resultUrl ?? null, urlLifetimeInSeconds: t.urlLifetimeInSeconds ?? null, includeEmailInRedirect: t.includeEmailInRedirect === true,
  };
}

export class EmailTemplates {
  constructor(private readonly settings: EmailSettings) {}

  /** The tenant's template, else Portrait's default; null when neither exists (nothing to send). */
  async resolve(name: string): Promise<ResolvedTemplate | null> {
    const stored = await this.settings.template(name);
    if (stored) return fromStored(stored);
    const builtIn = DEFAULT_TEMPLATES[name];
    if (!builtIn) return null;
    return {
      name, enabled: builtIn.enabledByDefault, from: null, subject: builtIn.subject, html: defaultHtml(builtIn), text: defaultText(builtIn),
      resultUrl: null, urlLifetimeInSeconds: null, includeEmailInRedirect: false,
    };
  }

  /** Renders under the limits; throws TemplateError (a permanent failure: retrying renders the same). */
  async render(template: ResolvedTemplate, variables: object): Promise<RenderedContent> {
    try {
      const subject = (await renderSource(plainLiquid, 'plain', template.subject, variables)).replace(/\s+/g, ' ').trim();
      const html = await renderSource(htmlLiquid, 'html', template.html, variables);
      const text = template.text !== null ? await renderSource(plainLiquid, 'plain', template.text, variables) : convert(html, { wordwrap: 100 });
      if (html.length > MAX_RENDERED_CHARS || text.length > MAX_RENDERED_CHARS) throw new TemplateError('the rendered mail is larger than 1 MB');
      return { subject, html, text };
    } catch (error) {
      if (error instanceof TemplateError) throw error;
      throw new TemplateError(`template ${template.name} could not be rendered: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

const MAX_RENDERED_CHARS = 1024 * 1024;
