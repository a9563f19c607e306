// oidc-provider 9 ships no type declarations and @types/oidc-provider is not installed. This is the small surface
// Portrait uses, typed loosely on purpose: the provider validates its own configuration at construction.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export type KoaContextWithOIDC = any;
  export type Configuration = Record<string, any>;
  export type AdapterPayload = Record<string, any>;
  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface InteractionDetails {
    uid: string;
    prompt: { name: string; reasons: string[]; details: Record<string, any> };
    params: Record<string, any>;
    session?: { accountId?: string; uid?: string };
    grantId?: string;
    lastSubmission?: Record<string, any>;
    returnTo: string;
  }

  export const errors: Record<string, any> & {
    OIDCProviderError: new (status: number, message: string) => Error & { status: number; error: string; error_description?: string };
    InvalidGrant: new (detail?: string) => Error;
    InvalidRequest: new (detail?: string) => Error;
    InvalidTarget: new (detail?: string) => Error;
    InvalidClient: new (detail?: string) => Error;
    AccessDenied: new (detail?: string) => Error;
    CustomOIDCProviderError: new (error: string, description?: string) => Error;
  };

  export const interactionPolicy: {
    base(): any[] & { get(name: string): any; remove(name: string): void; add(prompt: any, index?: number): void };
    Prompt: any;
    Check: any;
  };

  export interface KoaApp {
    use(middleware: (ctx: any, next: () => Promise<void>) => Promise<void> | void): void;
    keys?: string[];
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    proxy: boolean;
    readonly app: KoaApp;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    use(middleware: (ctx: any, next: () => Promise<void>) => Promise<void> | void): void;
    on(event: string, listener: (...args: any[]) => void): this;
    cookieName(type: string): string;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails & Record<string, any>>;
    interactionResult(req: IncomingMessage, res: ServerResponse, result: Record<string, any>, options?: { mergeWithLastSubmission?: boolean }): Promise<string>;
    registerResponseMode(name: string, handler: (ctx: any, redirectUri: string, response: Record<string, any>) => Promise<void> | void): void;
    registerGrantType(name: string, handler: (ctx: any, next: () => Promise<void>) => Promise<void>, params?: Iterable<string>, dupes?: Iterable<string>): void;
    Client: any;
    Grant: any;
    Session: any;
    AccessToken: any;
    RefreshToken: any;
    IdToken: any;
    Claims: any;
    ResourceServer: any;
    Interaction: any;
  }
}
