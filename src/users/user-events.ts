// What the users domain announces (services.ts subscribes the domains that care). A password changed through the
// Management API: sign-in lifts brute-force blocks, Actions run post-change-password. A user deleted: pictures go.

export interface PasswordChange {
  user: Record<string, unknown> & { user_id: string };
  /** The request that changed it, for the Actions' `event.request`. */
  request: { ip: string; method: string; hostname: string; user_agent?: string; language?: string };
}

/** A user removed through the Management API: the pictures domain releases that user's uploads. */
export interface UserDeletion {
  userId: string;
}

/** A verification mail is due for this user (the email domain sends it). */
export interface VerificationRequest {
  user: Record<string, unknown> & { user_id: string; email?: string };
}
