import { createEffect, createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";

type Switch = "lan" | "relays_used" | "keep_serving";

/** This laptop's switches, in the order shown. */
const SWITCHES: ReadonlyArray<{ which: Switch; testid: string; label: Key }> = [
  { which: "lan", testid: "lan-toggle", label: "peers.lan" },
  { which: "relays_used", testid: "relays-toggle", label: "peers.relays" },
  { which: "keep_serving", testid: "keep-serving-toggle", label: "peers.keep_serving" },
];

/** The LAN, relay and keep-serving switches, and the co-op's own relay. */
export function NetworkSettings(props: { coop: string }) {
  const id = createUniqueId();
  const [net, { refetch, mutate }] = createResource(() => props.coop, ipc.network);
  const [relay, setRelay] = createSignal("");
  const [proposed, setProposed] = createSignal<string | null>(null);
  const toggles = createAction();
  const relayAction = createAction();

  // The field starts from the stored relay once it has been read, and not again after,
  // so a reload of the settings never overwrites what the member is typing.
  let filled = false;
  createEffect(() => {
    const n = net.latest;
    if (n && !filled) {
      filled = true;
      setRelay(n.coop_relay ?? "");
    }
  });

  // A refused switch flips back, since the stored setting did not change.
  const store: Record<Switch, (on: boolean) => Promise<null>> = {
    lan: ipc.setLan,
    relays_used: ipc.setRelaysUsed,
    keep_serving: ipc.setKeepServing,
  };
  const flip = (which: Switch, input: HTMLInputElement) => {
    const on = input.checked;
    void toggles.run(async () => {
      await store[which](on);
      const n = net.latest;
      if (n) mutate({ ...n, [which]: on });
      void refetch();
    }).then((ok) => {
      if (!ok) input.checked = !on;
    });
  };

  const saveRelay = (e: SubmitEvent) => {
    e.preventDefault();
    setProposed(null);
    const url = relay().trim();
    void relayAction.run(async () => {
      const proposal = await ipc.proposeCoopRelay(props.coop, url === "" ? null : url);
      setProposed(proposal.id);
    });
  };

  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("peers.network")}</h2>
      <For each={SWITCHES}>
        {(sw) => (
          <div class="check">
            <input
              type="checkbox"
              role="switch"
              id={`${id}-${sw.which}`}
              data-testid={sw.testid}
              checked={net.latest?.[sw.which] ?? false}
              disabled={toggles.busy() || !net.latest}
              onChange={(e) => flip(sw.which, e.currentTarget)}
            />
            <label for={`${id}-${sw.which}`}>{t(sw.label)}</label>
          </div>
        )}
      </For>
      <FormError error={toggles.error() ?? (net.error ? ipc.toApiError(net.error).message : null)} />
      <form onSubmit={saveRelay} novalidate class="inline-form">
        <div class="field grow">
          <label for={`${id}-relay`}>{t("peers.relay_url")}</label>
          <input
            id={`${id}-relay`}
            data-testid="coop-relay"
            type="url"
            spellcheck={false}
            value={relay()}
            onInput={(e) => setRelay(e.currentTarget.value)}
          />
        </div>
        <FormError error={relayAction.error()} />
        <button type="submit" data-testid="coop-relay-save" disabled={relayAction.busy()}>
          {t("peers.relay_save")}
        </button>
        <Show when={proposed()}>
          {(id) => (
            <span class="ok" role="status" data-testid="coop-relay-proposed">
              {t("peers.relay_proposed")}{" "}
              <button type="button" class="link" onClick={() => go({ name: "proposal", id: id() })}>
                {t("peers.relay_see_proposal")}
              </button>
            </span>
          )}
        </Show>
      </form>
    </section>
  );
}
