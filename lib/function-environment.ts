/**
 * Function Compute's limit on environment variables: "The total size of all environment variables
 * cannot exceed 4 KB" (FC docs, "Configure environment variables"). The construct measures each
 * function's environment at synth time, so a deploy is never the first to find out.
 *
 * Size is counted as the UTF-8 bytes of every name plus every value (FC does not say how it
 * counts; names and values are what it stores, and this reading is the strict one short of
 * counting JSON punctuation). A value that holds unresolved tokens (a bucket attribute, the
 * account id from `data.alicloud_account`) counts its literal text plus TOKEN_BYTES_BOUND per
 * token: every token the construct itself puts there is an OSS bucket name (at most 63
 * characters), an account id, a region id or a name built from the 24-character prefix.
 * The one value whose length is open is `apiAccessKeys` given as a token (a Terraform variable):
 * it is checked by Terraform at plan time instead, with a precondition built here.
 */
import { Fn, Op, Token, Tokenization } from 'cdktf';
import type { Precondition } from 'cdktf';

export const FC_ENVIRONMENT_LIMIT_BYTES = 4096;
/** The longest value a construct-made token stands for: an OSS bucket name (3..63 characters). */
export const TOKEN_BYTES_BOUND = 63;

/** Upper bound of the bytes `env` takes in FC's 4 KB, tokens counted at TOKEN_BYTES_BOUND each. */
export function environmentBytes(env: Readonly<Record<string, string>>): number {
  let total = 0;
  for (const [name, value] of Object.entries(env)) total += Buffer.byteLength(name, 'utf8') + valueBytes(value);
  return total;
}

function valueBytes(value: string): number {
  if (!Token.isUnresolved(value)) return Buffer.byteLength(value, 'utf8');
  const fragments = Tokenization.reverseString(value);
  const literal = fragments.literals.reduce((n, l) => n + Buffer.byteLength(String(l), 'utf8'), 0);
  return literal + (fragments.tokens.length + fragments.intrinsic.length) * TOKEN_BYTES_BOUND;
}

export interface EnvironmentCheck {
  readonly problems: string[];
  /** When the keys are a token: how many characters they may take (for a plan-time precondition). */
  readonly accessKeysBudget?: number;
}

const KEYS_VAR = 'SNAPSHOT_ACCESS_KEYS';

/** Both functions' environments against the limit; the API's keys measured, or budgeted when a token. */
export function checkEnvironments(envs: { readonly api: Readonly<Record<string, string>>; readonly worker: Readonly<Record<string, string>> }): EnvironmentCheck {
  const problems: string[] = [];
  const keys = envs.api[KEYS_VAR] ?? '';
  const others = environmentBytes({ ...envs.api, [KEYS_VAR]: '' });
  const room = FC_ENVIRONMENT_LIMIT_BYTES - others;
  let accessKeysBudget: number | undefined;
  if (Token.isUnresolved(keys)) {
    // Shorter than one key pair ({"accessKeyId":"","accessKeySecret":""} is 40 bytes) cannot work.
    if (room < 60) problems.push(`the API function's other environment variables take ${others} bytes of Function Compute's ${FC_ENVIRONMENT_LIMIT_BYTES}-byte (4 KB) limit, leaving ${room} for apiAccessKeys`);
    accessKeysBudget = room;
  } else if (others + Buffer.byteLength(keys, 'utf8') > FC_ENVIRONMENT_LIMIT_BYTES) {
    const bytes = Buffer.byteLength(keys, 'utf8');
    problems.push(
      `apiAccessKeys takes ${bytes} bytes, and the API function's environment variables would take ${others + bytes} bytes in all, over Function Compute's limit of ${FC_ENVIRONMENT_LIMIT_BYTES} bytes (4 KB) for all variables together; ${room} bytes are left for the keys: give fewer key pairs`,
    );
  }
  const worker = environmentBytes(envs.worker);
  if (worker > FC_ENVIRONMENT_LIMIT_BYTES) {
    problems.push(`the worker function's environment variables take ${worker} bytes, over Function Compute's limit of ${FC_ENVIRONMENT_LIMIT_BYTES} bytes (4 KB) for all variables together`);
  }
  return { problems, accessKeysBudget };
}

/**
 * Terraform's plan-time check for keys whose length synth cannot know: at most `budget`
 * characters (the keys are ASCII JSON, so characters are bytes).
 */
export function accessKeysPrecondition(keys: string, budget: number): Precondition {
  return {
    condition: Op.lte(Fn.lengthOf(keys), budget),
    errorMessage: `apiAccessKeys is longer than the ${budget} characters left of Function Compute's 4 KB limit on all environment variables of the API function. Give fewer key pairs.`,
  };
}
