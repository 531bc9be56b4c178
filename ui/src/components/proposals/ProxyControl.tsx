import { createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { MemberDto } from "../../lib/ipc";
import { FormError } from "../common/FormError";

/** Giving this proposal's vote to another elector, or taking it back. */
export function ProxyControl(props: { coop: string; id: string; electorate: string[]; members: MemberDto[] }) {
  const uid = createUniqueId();
  const [holder, setHolder] = createSignal("");
  const [done, setDone] = createSignal<string | null>(null);
  const give = createAction();
  const revoke = createAction();
  const candidates = () =>
    props.members.filter((m) => m.key !== me()?.member && props.electorate.includes(m.key));

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    setDone(null);
    void give.run(async () => {
      await ipc.proxy(props.coop, props.id, holder());
      setDone(t("proxy.given"));
    });
  };

  return (
    <section class="card" aria-labelledby={`${uid}-h`}>
      <h2 id={`${uid}-h`}>{t("proxy.title")}</h2>
      <p class="hint">{t("proxy.hint")}</p>
      <form onSubmit={submit} novalidate class="inline-form">
        <div class="field">
          <label for={`${uid}-holder`}>{t("proxy.holder")}</label>
          <select id={`${uid}-holder`} value={holder()} onChange={(e) => setHolder(e.currentTarget.value)}>
            <option value="">{t("proxy.choose")}</option>
            <For each={candidates()}>{(m) => <option value={m.key}>{m.name}</option>}</For>
          </select>
        </div>
        <FormError error={give.error()} />
        <button type="submit" disabled={give.busy()}>
          {t("proxy.give")}
        </button>
      </form>
      <FormError error={revoke.error()} />
      <button
        type="button"
        disabled={revoke.busy()}
        onClick={() => {
          setDone(null);
          void revoke.run(async () => {
            await ipc.proxyRevoke(props.coop, props.id);
            setDone(t("proxy.revoked"));
          });
        }}
      >
        {t("proxy.revoke")}
      </button>
      <Show when={done()}>
        <p class="ok" role="status">
          {done()}
        </p>
      </Show>
    </section>
  );
}
