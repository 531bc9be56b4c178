import { createResource, createSignal, createUniqueId, For, Index, Match, Show, Switch } from "solid-js";
import { formatNumber, t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go, type ProposalPrefill } from "../../lib/app/screen";
import { me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { Admission, EffectForm, Method } from "../../lib/ipc";
import {
  fractionText,
  mayHaveEffect,
  methodLabel,
  METHODS,
  needsSeats,
  parseFraction,
  THRESHOLDS,
  toLocalInput,
  usesOptions,
} from "../../lib/proposals/format";
import { templateWords, textFromAnswers } from "../../i18n/templates";
import type { TemplateDto } from "../../lib/ipc";
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
  const [seats, setSeats] = createSignal("");
  const [templates] = createResource(() => props.coop, (coop) => ipc.coopTemplates(coop));
  const [template, setTemplate] = createSignal<TemplateDto | null>(null);
  const [answers, setAnswers] = createSignal<string[]>([]);
  // A template fills in what it decides; the member can still change any of it.
  const startFrom = (id: string) => {
    const chosen = (templates.latest ?? []).find((x) => x.id === id) ?? null;
    const before = template();
    setTemplate(chosen);
    if (!chosen) return;
    const words = templateWords(chosen);
    if (title().trim() === "" || (before && title() === templateWords(before).title)) setTitle(words.title);
    setMethod(chosen.method);
    setSeats(chosen.seats === null ? "" : String(chosen.seats));
    setQuorum(chosen.quorum_pct === null ? "" : String(chosen.quorum_pct));
    setThreshold(chosen.threshold === null ? "" : `${chosen.threshold.num}/${chosen.threshold.den}`);
    setCloses(toLocalInput(Date.now() + chosen.days * 24 * 60 * 60 * 1000));
    setAnswers(words.questions.map(() => ""));
  };
  const [closes, setCloses] = createSignal(toLocalInput(Date.now() + WEEK));
  const [quorum, setQuorum] = createSignal("");
  const [threshold, setThreshold] = createSignal("");
  const [effectKind, setEffectKind] = createSignal<EffectKind>(pre?.kind ?? "none");
  const [effectKey, setEffectKey] = createSignal(pre?.kind === "admit" ? pre.member : "");
  const [effectName, setEffectName] = createSignal(pre?.kind === "admit" ? pre.name : "");
  const [removeKey, setRemoveKey] = createSignal(pre?.kind === "remove" ? pre.member : "");
  const [admission, setAdmission] = createSignal<Admission>(pre?.kind === "admission" ? pre.admission : "proposal");
  const [treasurers, setTreasurers] = createSignal<string[]>(pre?.kind === "treasurers" ? pre.members : []);
  const [limit, setLimit] = createSignal(pre?.kind === "approval_over" ? pre.amount : "");
  const [limitCommodity, setLimitCommodity] = createSignal(pre?.kind === "approval_over" ? pre.commodity : "");
  const [reserve, setReserve] = createSignal(pre?.kind === "funds" ? String(pre.reserve_pct) : "0");
  const [education, setEducation] = createSignal(pre?.kind === "funds" ? String(pre.education_pct) : "0");
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
      case "treasurers":
        return { kind: "treasurers", members: treasurers() };
      case "approval_over":
        return { kind: "approval_over", amount: limit().trim(), commodity: (limitCommodity().trim() || coop.latest?.currency) ?? "" };
      case "funds":
        return { kind: "funds", reserve_pct: Number(reserve()), education_pct: Number(education()) };
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
    // An election's seats: required for STV; for approval, blank means one winner.
    const seatsText = seats().trim();
    const electsSeats = needsSeats(method()) || (method() === "approval" && seatsText !== "");
    const seatCount = electsSeats ? Number(seatsText) : null;
    if (seatCount !== null && (!Number.isInteger(seatCount) || seatCount < 1 || seatCount > optionList.length)) {
      action.setError(t("form.need_seats", { n: optionList.length }));
      return;
    }
    const closesAt = new Date(closes()).getTime();
    if (closes() === "" || Number.isNaN(closesAt)) {
      action.setError(t("form.bad_closes"));
      return;
    }
    if (effectKind() === "funds") {
      const shares = [reserve(), education()].map(Number);
      if (shares.some((n) => !Number.isInteger(n) || n < 0 || n > 100)) {
        action.setError(t("form.effect_funds_bad"));
        return;
      }
    }
    const q = quorum().trim();
    const quorumPct = q === "" ? null : Number(q);
    if (quorumPct !== null && !Number.isInteger(quorumPct)) {
      action.setError(t("common.not_a_number", { field: t("form.quorum", { quorum: "" }) }));
      return;
    }
    void action.run(async () => {
      const chosen = template();
      const created = await ipc.propose(props.coop, {
        title: title().trim(),
        text: chosen ? textFromAnswers(templateWords(chosen).questions, answers()) : text(),
        ...(chosen ? { template: chosen.id } : {}),
        method: method(),
        options: optionList,
        ...(seatCount !== null ? { seats: seatCount } : {}),
        quorum_pct: quorumPct,
        threshold: threshold() === "" ? null : parseFraction(threshold()),
        closes_at: closesAt,
        effect: effect(),
      });
      go({ name: "proposal", id: created.id });
    });
  };

  const others = () => (members.latest ?? []).filter((m) => m.standing === "active" && m.key !== me()?.member);
  const current = () => (members.latest ?? []).filter((m) => m.standing === "active");

  return (
    <div class="view">
      <button type="button" class="link back" onClick={() => go({ name: "proposals" })}>
        ← {t("common.back")}
      </button>
      <h1 tabindex="-1">{t("form.title")}</h1>
      <form class="card proposal-form" onSubmit={submit} novalidate>
        <div class="field">
          <label for={`${id}-template`}>{t("form.template")}</label>
          <select
            id={`${id}-template`}
            data-testid="proposal-template"
            value={template()?.id ?? ""}
            onChange={(e) => startFrom(e.currentTarget.value)}
          >
            <option value="">{t("form.template_none")}</option>
            <For each={templates.latest ?? []}>
              {(x) => <option value={x.id}>{templateWords(x).name}</option>}
            </For>
          </select>
          <Show when={template()}>{(x) => <p class="hint">{templateWords(x()).purpose}</p>}</Show>
        </div>
        <div class="field">
          <label for={`${id}-title`}>{t("form.title_field")}</label>
          <input
            id={`${id}-title`}
            data-testid="proposal-title"
            value={title()}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
        </div>
        <Show
          when={template()}
          fallback={
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
          }
        >
          {(x) => (
            <fieldset data-testid="proposal-questions">
              <legend>{t("form.questions")}</legend>
              <Index each={templateWords(x()).questions}>
                {(question, i) => (
                  <div class="field">
                    <label for={`${id}-q-${i}`}>{question()}</label>
                    <textarea
                      id={`${id}-q-${i}`}
                      data-testid="proposal-answer"
                      rows="3"
                      value={answers()[i] ?? ""}
                      onInput={(e) => {
                        const value = e.currentTarget.value;
                        setAnswers((list) => list.map((a, j) => (j === i ? value : a)));
                      }}
                    />
                  </div>
                )}
              </Index>
            </fieldset>
          )}
        </Show>
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
            <label for={`${id}-options`}>
              {t(needsSeats(method()) || (method() === "approval" && seats().trim() !== "") ? "form.candidates" : "form.options")}
            </label>
            <textarea
              id={`${id}-options`}
              data-testid="proposal-options"
              rows="5"
              value={options()}
              onInput={(e) => setOptions(e.currentTarget.value)}
            />
          </div>
        </Show>
        <Show when={needsSeats(method()) || method() === "approval"}>
          <NumberField
            label={t(needsSeats(method()) ? "form.seats" : "form.seats_approval")}
            testid="proposal-seats"
            min={1}
            max={64}
            value={seats()}
            onInput={setSeats}
          />
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
            <option value="">{t("form.threshold_bylaws", { threshold: coop.latest ? fractionText(coop.latest.threshold) : "…" })}</option>
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
                <option value="treasurers">{t("form.effect_treasurers")}</option>
                <option value="approval_over">{t("form.effect_approval_over")}</option>
                <option value="funds">{t("form.effect_funds")}</option>
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
              <Match when={effectKind() === "treasurers"}>
                <fieldset data-testid="effect-treasurers">
                  <legend>{t("form.effect_treasurers_who")}</legend>
                  <For each={current()}>
                    {(m, i) => (
                      <div class="check">
                        <input
                          type="checkbox"
                          id={`${id}-tr-${i()}`}
                          checked={treasurers().includes(m.key)}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            setTreasurers((list) => (on ? [...list, m.key] : list.filter((k) => k !== m.key)));
                          }}
                        />
                        <label for={`${id}-tr-${i()}`}>{m.name}</label>
                      </div>
                    )}
                  </For>
                  <p class="meta">{t("form.effect_treasurers_none")}</p>
                </fieldset>
              </Match>
              <Match when={effectKind() === "approval_over"}>
                <div class="field">
                  <label for={`${id}-limit`}>{t("form.effect_limit")}</label>
                  <input
                    id={`${id}-limit`}
                    data-testid="effect-limit"
                    inputmode="decimal"
                    value={limit()}
                    onInput={(e) => setLimit(e.currentTarget.value)}
                  />
                </div>
                <div class="field">
                  <label for={`${id}-limit-c`}>{t("form.effect_limit_commodity")}</label>
                  <input
                    id={`${id}-limit-c`}
                    data-testid="effect-limit-commodity"
                    class="short mono"
                    placeholder={coop.latest?.currency ?? ""}
                    value={limitCommodity()}
                    onInput={(e) => setLimitCommodity(e.currentTarget.value)}
                  />
                </div>
                <p class="meta">{t("form.effect_limit_none")}</p>
              </Match>
              <Match when={effectKind() === "funds"}>
                <NumberField label={t("form.effect_reserve")} testid="effect-reserve" value={reserve()} onInput={setReserve} min={0} max={100} />
                <NumberField label={t("form.effect_education")} testid="effect-education" value={education()} onInput={setEducation} min={0} max={100} />
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
