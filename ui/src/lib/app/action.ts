import { createSignal } from "solid-js";
import { toApiError } from "../ipc";
import { errorText } from "./refusal";

/**
 * The state of one form's call: whether it is running (its submit button is disabled
 * meanwhile) and the last failure's message (shown next to the form). The form's own
 * fields live in the form, so nothing here can clear what the member typed.
 */
export function createAction() {
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string | null>(null);

  /** Runs `work`; resolves true when it finished without throwing. */
  async function run(work: () => Promise<unknown>): Promise<boolean> {
    if (busy()) return false;
    setBusy(true);
    setError(null);
    try {
      await work();
      return true;
    } catch (e) {
      setError(errorText(toApiError(e)));
      return false;
    } finally {
      setBusy(false);
    }
  }

  return { busy, error, setError, run };
}

export type Action = ReturnType<typeof createAction>;
