import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { useEvent } from "../../lib/app/events";
import * as ipc from "../../lib/ipc";
import type { Method } from "../../lib/ipc";
import { FormError } from "../common/FormError";

const METHODS: Method[] = ["yes_no", "consent", "choice", "approval", "ranked", "score", "stv", "scottish_stv"];

/**
 * The templates the co-op keeps, beside the ones Sangam ships: who added each, and a form
 * any member adds one with (its questions one a line). The proposal form offers them all.
 */
export function TemplatesPanel(props: { coop: string }) {
  const id = createUniqueId();
  const [all, { refetch }] = createResource(() => props.coop, (coop) => ipc.coopTemplates(coop));
  useEvent((e) => {
    if (e.type === "record_added" && e.coop === props.coop) void refetch();
  });
  const own = () => (all.latest ?? []).filter((x) => x.by !== null);
  const [adding, setAdding] = createSignal(false);
  const act = createAction();
  const [key, setKey] = createSignal("");
  const [name, setName] = createSignal("");
  const [purpose, setPurpose] = createSignal("");
  const [title, setTitle] = createSignal("");
  const [questions, setQuestions] = createSignal("");
  const [method, setMethod] = createSignal<Method>("yes_no");
  const [seats, setSeats] = createSignal("");
  const [days, setDays] = createSignal("7");
  const elects = () => method() === "stv" || method() === "scottish_stv" || method() === "approval";

  const submit = (e: Event) => {
    e.preventDefault();
    const d = Number(days());
    if (!Number.isInteger(d) || d < 1 || d > 365) return act.setError(t("templates.bad_days"));
    const n = seats().trim() === "" ? null : Number(seats());
    if (n !== null && (!Number.isInteger(n) || n < 1)) return act.setError(t("nominations.bad_seats"));
    const asked = questions()
      .split("\n")
      .map((q) => q.trim())
      .filter((q) => q !== "");
    void act.run(async () => {
      await ipc.addTemplate(props.coop, {
        id: key().trim(),
        name: name(),
        purpose: purpose(),
        title: title(),
        questions: asked,
        method: method(),
        seats: elects() ? n : null,
        days: d,
      });
      setAdding(false);
      void refetch();
    });
  };

  return (
    <section class="card templates" aria-labelledby={`${id}-h`} data-testid="templates">
      <div class="view-head">
        <h2 id={`${id}-h`}>{t("templates.title")}</h2>
        <Show when={!adding()}>
          <button type="button" data-testid="template-new" onClick={() => setAdding(true)}>
            {t("templates.add")}
          </button>
        </Show>
      </div>
      <Show when={own().length > 0} fallback={<p>{t("templates.none")}</p>}>
        <ul class="template-list">
          <For each={own()}>
            {(x) => (
              <li data-testid="coop-template">
                <strong>{x.name}</strong>
                <Show when={x.purpose}> — {x.purpose}</Show>{" "}
                <span class="muted">{t("templates.by", { name: x.by ?? "" })}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={adding()}>
        <form class="template-form" data-testid="template-form" onSubmit={submit}>
          <div class="field">
            <label for={`${id}-key`}>{t("templates.key")}</label>
            <input id={`${id}-key`} data-testid="template-key" required maxLength={100} value={key()} onInput={(e) => setKey(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${id}-name`}>{t("templates.name")}</label>
            <input id={`${id}-name`} data-testid="template-name" required maxLength={100} value={name()} onInput={(e) => setName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${id}-purpose`}>{t("templates.purpose")}</label>
            <input id={`${id}-purpose`} maxLength={1000} value={purpose()} onInput={(e) => setPurpose(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${id}-title`}>{t("templates.start_title")}</label>
            <input id={`${id}-title`} data-testid="template-title" required maxLength={100} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${id}-questions`}>{t("templates.questions")}</label>
            <textarea id={`${id}-questions`} data-testid="template-questions" rows="4" value={questions()} onInput={(e) => setQuestions(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for={`${id}-method`}>{t("templates.method")}</label>
            <select id={`${id}-method`} value={method()} onChange={(e) => setMethod(e.currentTarget.value as Method)}>
              <For each={METHODS}>{(m) => <option value={m}>{t(`method.${m}`)}</option>}</For>
            </select>
          </div>
          <Show when={elects()}>
            <div class="field">
              <label for={`${id}-seats`}>{t("nominations.call_seats")}</label>
              <input id={`${id}-seats`} type="number" min="1" max="64" value={seats()} onInput={(e) => setSeats(e.currentTarget.value)} />
            </div>
          </Show>
          <div class="field">
            <label for={`${id}-days`}>{t("templates.days")}</label>
            <input id={`${id}-days`} type="number" min="1" max="365" value={days()} onInput={(e) => setDays(e.currentTarget.value)} />
          </div>
          <FormError error={act.error()} />
          <div class="actions">
            <button type="submit" class="primary" data-testid="template-submit" disabled={act.busy()}>
              {t("templates.add")}
            </button>
            <button type="button" onClick={() => setAdding(false)}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      </Show>
    </section>
  );
}
