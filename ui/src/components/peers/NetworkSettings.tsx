import { createEffect, createResource, createSignal, createUniqueId, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** The LAN and relay switches, and the co-op's own relay. */
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
  const setLan = (on: boolean, input: HTMLInputElement) =>
    void toggles.run(async () => {
      await ipc.setLan(on);
      const n = net.latest;
      if (n) mutate({ ...n, lan: on });
      void refetch();
    }).then((ok) => {
      if (!ok) input.checked = !on;
    });
  const setRelays = (used: boolean, input: HTMLInputElement) =>
    void toggles.run(async () => {
      await ipc.setRelaysUsed(used);
      const n = net.latest;
      if (n) mutate({ ...n, relays_used: used });
      void refetch();
    }).then((ok) => {
      if (!ok) input.checked = !used;
    });

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
      <div class="check">
        <input
          type="checkbox"
          role="switch"
          id={`${id}-lan`}
          data-testid="lan-toggle"
          checked={net.latest?.lan ?? false}
          disabled={toggles.busy() || !net.latest}
          onChange={(e) => setLan(e.currentTarget.checked, e.currentTarget)}
        />
        <label for={`${id}-lan`}>{t("peers.lan")}</label>
      </div>
      <div class="check">
        <input
          type="checkbox"
          role="switch"
          id={`${id}-relays`}
          data-testid="relays-toggle"
          checked={net.latest?.relays_used ?? false}
          disabled={toggles.busy() || !net.latest}
          onChange={(e) => setRelays(e.currentTarget.checked, e.currentTarget)}
        />
        <label for={`${id}-relays`}>{t("peers.relays")}</label>
      </div>
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
