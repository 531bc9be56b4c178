// Calling a command: every failure becomes an ApiError-shaped value a form can show.
import { invoke } from "@tauri-apps/api/core";
import type { ApiError } from "./bindings/ApiError";
import type { ErrorCode } from "./bindings/ErrorCode";

// Every code the Rust side sends. A `Record` over the generated `ErrorCode` union: the
// type checker refuses this table while it lacks a code, or holds one Rust does not send.
const ERROR_CODES: Record<ErrorCode, true> = {
  no_identity: true,
  identity_exists: true,
  not_found: true,
  ambiguous: true,
  invalid_input: true,
  refused: true,
  bad_bundle: true,
  storage: true,
  busy: true,
  network: true,
  not_serving: true,
};

const isErrorCode = (code: unknown): code is ErrorCode =>
  typeof code === "string" && Object.prototype.hasOwnProperty.call(ERROR_CODES, code);

/** Whether a caught value is an ApiError (what every function here throws). */
export function isApiError(value: unknown): value is ApiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as { code?: unknown; message?: unknown };
  return typeof v.message === "string" && isErrorCode(v.code);
}

/**
 * Turns whatever a rejected call produced into an ApiError. The Rust side rejects with
 * `{code, message}`; Tauri itself rejects with a plain string (an unknown command, bad
 * arguments), and outside the shell `invoke` throws a TypeError: all of those are
 * failures the member can only retry, so they become `storage`.
 */
export function toApiError(value: unknown): ApiError {
  if (isApiError(value))
    return { code: value.code, message: value.message, refusal: value.refusal, problem: value.problem };
  if (typeof value === "string") return { code: "storage", message: value };
  if (value instanceof Error) return { code: "storage", message: value.message };
  return { code: "storage", message: String(value) };
}

export async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    throw toApiError(e);
  }
}

