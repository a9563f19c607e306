// Portrait's built-in mails, used until the tenant saves its own through /api/v2/email-templates: short, plain
// HTML (tables for layout so that every mail client shows them alike) with the tenant's logo and colour, and a
// text part of the same words. Written in Liquid with Auth0's variables, like a tenant's own template.
export interface DefaultTemplate {
  subject: string;
  heading: string;
  /** One or two paragraphs; Liquid. */
  lead: string;
  /** The button's label; absent for mails without a link. */
  action?: string;
  /** The small print under the button; Liquid. */
  footnote: string;
  /** Auth0 sends these only once the tenant enables them; the rest are sent by default. */
  enabledByDefault: boolean;
}

export const DEFAULT_TEMPLATES: Record<string, DefaultTemplate> = {
  verify_email: {
    subject: 'Verify your email address for {{ friendly_name }}',
    heading: 'Verify your email address',
    lead: 'Hello {{ user.name | default: user.email }}, please confirm that {{ user.email }} is your email address so that {{ application.name | default: friendly_name }} can reach you.',
    action: 'Verify my email',
    footnote: 'This link works once and expires in {{ url_lifetime }}. If you did not sign up for {{ friendly_name }}, ignore this message.',
    enabledByDefault: true,
  },
  reset_email: {
    subject: 'Reset your {{ friendly_name }} password',
    heading: 'Reset your password',
    lead: 'Someone asked to reset the password of the {{ friendly_name }} account {{ user.email }}. If it was you, choose a new password with the button below.',
    action: 'Choose a new password',
    footnote: 'This link works once and expires in {{ url_lifetime }}. If you did not ask for it, ignore this message: your password stays as it is.',
    enabledByDefault: true,
  },
  welcome_email: {
    subject: 'Welcome to {{ friendly_name }}',
    heading: 'Welcome!',
    lead: 'Hello {{ user.name | default: user.email }}, your email address is verified and your {{ friendly_name }} account is ready.',
    footnote: 'You are receiving this message because you signed up for {{ friendly_name }}.',
    enabledByDefault: false,
  },
  blocked_account: {
    subject: 'Your {{ friendly_name }} account was blocked',
    heading: 'Your account was blocked',
    lead: 'We blocked sign-ins to {{ user.email }} from {{ ip | default: "one address" }} after too many failed attempts to log in. If it was you, unblock your account with the button below; if not, someone may be guessing your password: change it.',
    action: 'Unblock my account',
    footnote: 'This link works once and expires in {{ url_lifetime }}.',
    enabledByDefault: true,
  },
  import_completed: {
    subject: 'Your {{ friendly_name }} user import has finished',
    heading: 'User import finished',
    lead: 'The import job {{ job.id }} into {{ job.connection }} ended with status {{ job.status }}: {{ job.inserted }} created, {{ job.updated }} updated, {{ job.failed }} failed.',
    footnote: 'You are receiving this message because the import asked for a completion email.',
    enabledByDefault: true,
  },
};

/** The names Auth0's /api/v2/email-templates accepts (Portrait sends the first five itself). */
export const TEMPLATE_NAMES = [
  'verify_email', 'verify_email_by_code', 'reset_email', 'reset_email_by_code', 'welcome_email', 'blocked_account',
  'stolen_credentials', 'enrollment_email', 'mfa_oob_code', 'user_invitation', 'change_password', 'password_reset', 'async_approval',
] as const;

/** The HTML body of a default template: the branding variables are filled at render time like any other. */
export function defaultHtml(t: DefaultTemplate): string {
  const button = t.action
    ? `<tr><td style="padding:8px 32px 24px"><a href="{{ url }}" style="display:inline-block;background:{{ branding.primary_color }};color:#ffffff;text-decoration:none;font-weight:600;padding:12px 24px;border-radius:6px">${t.action}</a></td></tr>
<tr><td style="padding:0 32px 16px;font-size:13px;color:#4b5563">If the button does not work, copy this address into your browser:<br><a href="{{ url }}" style="color:{{ branding.primary_color }};word-break:break-all">{{ url }}</a></td></tr>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${t.heading}</title></head>
<body style="margin:0;background:#f3f4f6;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f3f4f6;padding:24px 0"><tr><td align="center">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:480px;background:#ffffff;border-radius:8px;border-top:4px solid {{ branding.primary_color }}">
{% if branding.logo_url != blank %}<tr><td style="padding:24px 32px 0"><img src="{{ branding.logo_url }}" alt="{{ friendly_name }}" style="max-height:48px;max-width:100%"></td></tr>{% endif %}
<tr><td style="padding:24px 32px 8px"><h1 style="font-size:22px;margin:0">${t.heading}</h1></td></tr>
<tr><td style="padding:0 32px 16px;font-size:16px;line-height:1.5">${t.lead}</td></tr>
${button}
<tr><td style="padding:0 32px 24px;font-size:13px;color:#6b7280">${t.footnote}</td></tr>
</table></td></tr></table></body></html>`;
}

export function defaultText(t: DefaultTemplate): string {
  return [t.heading, '', t.lead, '', ...(t.action ? [`${t.action}: {{ url }}`, ''] : []), t.footnote, ''].join('\n');
}
