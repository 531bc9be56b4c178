import { createResource, createSignal, createUniqueId, For, Match, Show, Switch } from "solid-js";
import { formatNumber, t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go, type ProposalPrefill } from "../../lib/app/screen";
import { me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { Admission, EffectForm, Method } from "../../lib/ipc";
import {
  mayHaveEffect,
  methodLabel,
  METHODS,
  parseFraction,
  THRESHOLDS,
  toLocalInput,
  usesOptions,
} from "../../lib/proposals/format";
import { NumberField } from "../common/NumberField";
import { FormError } from "../common/FormError";

type EffectKind = "none" | EffectForm["kind"];
const WEEK = 7 * 24 * 60 * 60 * 1000;

/** A new proposal. Blank quorum and threshold mean the bylaws'. */
export function ProposalForm(props: { coop: string; prefill?: ProposalPrefill }) {
  const id = createUniqueId();
  const [coop] = createResource(() => props.coop, ipc.coop);
  const [members] = createResource(() => props.coop, ipc.members);
  const pre = props.prefill?.effect;

  const [title, setTitle] = createSignal(props.prefill?.title ?? "");
  const [text, setText] = createSignal("");
  const [method, setMethod] = createSignal<Method>("yes_no");
  const [options, setOptions] = createSignal("");
  const [closes, setCloses] = createSignal(toLocalInput(Date.now() + WEEK));
  const [quorum, setQuorum] = createSignal("");
  const [threshold, setThreshold] = createSignal("");
  const [effectKind, setEffectKind] = createSignal<EffectKind>(pre?.kind ?? "none");
  const [effectKey, setEffectKey] = createSignal(pre?.kind === "admit" ? pre.member : "");
  const [effectName, setEffectName] = createSignal(pre?.kind === "admit" ? pre.name : "");
  const [removeKey, setRemoveKey] = createSignal(pre?.kind === "remove" ? pre.member : "");
  const [admission, setAdmission] = createSignal<Admission>(pre?.kind === "admission" ? pre.admission : "proposal");
  const action = createAction();

  const effect = (): EffectForm | null => {
    if (!mayHaveEffect(method())) return null;
    switch (effectKind()) {
      case "admit":
        return { kind: "admit", member: effectKey().trim(), name: effectName().trim() };
      case "remove":
        return { kind: "remove", member: removeKey() };
      case "admission":
        return { kind: "admission", admission: admission() };
      default:
        return null;
    }
  };

  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    const optionList = usesOptions(method())
      ? options()
          .split("\n")
          .map((o) => o.trim())
          .filter((o) => o !== "")
      : [];
    if (usesOptions(method()) && optionList.length < 2) {
      action.setError(t("form.need_options"));
      return;
    }
    const closesAt = new Date(closes()).getTime();
    if (closes() === "" || Number.isNaN(closesAt)) {
      action.setError(t("form.bad_closes"));
      return;
    }
    const q = quorum().trim();
    const quorumPct = q === "" ? null : Number(q);
    if (quorumPct !== null && !Number.isInteger(quorumPct)) {
      action.setError(t("common.not_a_number", { field: t("form.quorum", { quorum: "" }) }));
      return;
    }
    void action.run(async () => {
      const created = await ipc.propose(props.coop, {
        title: title().trim(),
        text: text(),
        method: method(),
        options: optionList,
        quorum_pct: quorumPct,
        threshold: threshold() === "" ? null : parseFraction(threshold()),
        closes_at: closesAt,
        effect: effect(),
      });
      go({ name: "proposal", id: created.id });
    });
  };

  const others = () => (members.latest ?? []).filter((m) => m.standing === "active" && m.key !== me()?.member);

  return (
    <div class="view">
      <button type="button" class="link back" onClick={() => go({ name: "proposals" })}>
        ← {t("common.back")}
      </button>
      <h1 tabindex="-1">{t("form.title")}</h1>
      <form class="card proposal-form" onSubmit={submit} novalidate>
        <div class="field">
          <label for={`${id}-title`}>{t("form.title_field")}</label>
          <input
            id={`${id}-title`}
            data-testid="proposal-title"
            value={title()}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-text`}>{t("form.text")}</label>
          <textarea
            id={`${id}-text`}
            data-testid="proposal-text"
            rows="6"
            value={text()}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </div>
        <div class="field">
          <label for={`${id}-method`}>{t("form.method")}</label>
          <select
            id={`${id}-method`}
            data-testid="proposal-method"
            value={method()}
            onChange={(e) => setMethod(e.currentTarget.value as Method)}
          >
            <For each={METHODS}>{(m) => <option value={m}>{methodLabel(m)}</option>}</For>
          </select>
        </div>
        <Show when={usesOptions(method())}>
          <div class="field">
            <label for={`${id}-options`}>{t("form.options")}</label>
            <textarea
              id={`${id}-options`}
              data-testid="proposal-options"
              rows="5"
              value={options()}
              onInput={(e) => setOptions(e.currentTarget.value)}
            />
          </div>
        </Show>
        <div class="field">
          <label for={`${id}-closes`}>{t("form.closes")}</label>
          <input
            id={`${id}-closes`}
            data-testid="proposal-closes"
            type="datetime-local"
            value={closes()}
            onInput={(e) => setCloses(e.currentTarget.value)}
          />
        </div>
        <NumberField
          label={t("form.quorum", { quorum: coop.latest ? `${formatNumber(coop.latest.quorum_pct)}%` : "…" })}
          testid="proposal-quorum"
          min={0}
          max={100}
          value={quorum()}
          onInput={setQuorum}
        />
        <div class="field">
          <label for={`${id}-threshold`}>{t("form.threshold")}</label>
          <select
            id={`${id}-threshold`}
            data-testid="proposal-threshold"
            value={threshold()}
            onChange={(e) => setThreshold(e.currentTarget.value)}
          >
            <option value="">{t("form.threshold_bylaws", { threshold: coop.latest?.threshold ?? "…" })}</option>
            <For each={THRESHOLDS}>{(f) => <option value={f}>{t(`fraction.${f}` as Key)}</option>}</For>
          </select>
        </div>
        <fieldset>
          <legend>{t("form.effect")}</legend>
          <Show when={mayHaveEffect(method())} fallback={<p class="hint">{t("form.effect_only_yes_no")}</p>}>
            <div class="field">
              <label for={`${id}-effect`}>{t("form.effect")}</label>
              <select
                id={`${id}-effect`}
                data-testid="proposal-effect"
                value={effectKind()}
                onChange={(e) => setEffectKind(e.currentTarget.value as EffectKind)}
              >
                <option value="none">{t("form.effect_none")}</option>
                <option value="admit">{t("form.effect_admit")}</option>
                <option value="remove">{t("form.effect_remove")}</option>
                <option value="admission">{t("form.effect_admission")}</option>
              </select>
            </div>
            <Switch>
              <Match when={effectKind() === "admit"}>
                <div class="field">
                  <label for={`${id}-ekey`}>{t("form.effect_key")}</label>
                  <input
                    id={`${id}-ekey`}
                    data-testid="effect-member"
                    class="mono"
                    spellcheck={false}
                    value={effectKey()}
                    onInput={(e) => setEffectKey(e.currentTarget.value)}
                  />
                </div>
                <div class="field">
                  <label for={`${id}-ename`}>{t("form.effect_name")}</label>
                  <input
                    id={`${id}-ename`}
                    data-testid="effect-name"
                    value={effectName()}
                    onInput={(e) => setEffectName(e.currentTarget.value)}
                  />
                </div>
              </Match>
              <Match when={effectKind() === "remove"}>
                <div class="field">
                  <label for={`${id}-remove`}>{t("form.effect_member")}</label>
                  <select
                    id={`${id}-remove`}
                    data-testid="effect-remove"
                    value={removeKey()}
                    onChange={(e) => setRemoveKey(e.currentTarget.value)}
                  >
                    <option value="">{t("proxy.choose")}</option>
                    <For each={others()}>
                      {(m) => (
                        <option value={m.key} selected={m.key === removeKey()}>
                          {m.name}
                        </option>
                      )}
                    </For>
                  </select>
                </div>
              </Match>
              <Match when={effectKind() === "admission"}>
                <div class="field">
                  <label for={`${id}-adm`}>{t("form.effect_admission_value")}</label>
                  <select
                    id={`${id}-adm`}
                    data-testid="effect-admission"
                    value={admission()}
                    onChange={(e) => setAdmission(e.currentTarget.value as Admission)}
                  >
                    <option value="any_member">{t("welcome.admission_any")}</option>
                    <option value="proposal">{t("welcome.admission_proposal")}</option>
                  </select>
                </div>
              </Match>
            </Switch>
          </Show>
        </fieldset>
        <FormError error={action.error()} />
        <button type="submit" class="primary" data-testid="proposal-submit" disabled={action.busy()}>
          {t("form.submit")}
        </button>
      </form>
    </div>
  );
}
