/**
 * Who may call the API. The gateway looks an AccessKeyId up, verifies the signature with its
 * secret and, for STS credentials, checks that the request carries the matching token.
 */
export interface Credential {
  readonly accessKeySecret: string;
  /** Set for STS credentials: requests must carry exactly this token. */
  readonly securityToken?: string;
}

export interface CredentialStore {
  lookup(accessKeyId: string): Credential | undefined;
}

export interface StaticCredential extends Credential {
  readonly accessKeyId: string;
}

/** A fixed list of keys (from configuration). Later entries do not override earlier ones. */
export function staticCredentials(list: readonly StaticCredential[]): CredentialStore {
  const byId = new Map<string, Credential>();
  for (const c of list) {
    if (!c.accessKeyId || !c.accessKeySecret) {
      throw new Error('staticCredentials: every entry needs a non-empty accessKeyId and accessKeySecret');
    }
    if (!byId.has(c.accessKeyId)) {
      byId.set(c.accessKeyId, { accessKeySecret: c.accessKeySecret, securityToken: c.securityToken });
    }
  }
  return { lookup: (id) => byId.get(id) };
}
