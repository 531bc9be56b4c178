import { createResource, createSignal, createUniqueId, For, Show } from "solid-js";
import { formatDateTime, t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import { go } from "../../lib/app/screen";
import { coopCalls, needsAnswer, refetchCalls } from "../../lib/app/reminders";
import { me } from "../../lib/app/session";
import { now } from "../../lib/time/clock";
import * as ipc from "../../lib/ipc";
import type { Method, NominationCallDto, NominationReply } from "../../lib/ipc";
import { FormError } from "../common/FormError";

const ANSWER_KEY = {
  accept: "nominations.stands",
  decline: "nominations.declined",
  withdraw: "nominations.withdrew",
} as const;

/**
 * Elections whose candidates members put forward: each call for nominations with who is
 * nominated, by whom, and who stands; the member nominates, answers their own
 * nomination, and (the caller, once nominations closed) opens the election. A form calls
 * for nominations.
 */
export function NominationsPanel(props: { coop: string }) {
  const id = createUniqueId();
  // The list is the reminders' (it refetches as records arrive); acting on a call refetches it.
  const refetch = refetchCalls;
  const [members] = createResource(() => props.coop, (coop) => ipc.members(coop));
  const [calling, setCalling] = createSignal(false);

  return (
    <section class="card nominations" aria-labelledby={`${id}-h`} data-testid="nominations">
      <div class="view-head">
        <h2 id={`${id}-h`}>{t("nominations.title")}</h2>
        <Show when={!calling()}>
          <button type="button" data-testid="nomination-call-new" onClick={() => setCalling(true)}>
            {t("nominations.call_new")}
          </button>
        </Show>
      </div>
      <p class="hint">{t("nominations.hint")}</p>
      <Show when={calling()}>
        <CallForm
          coop={props.coop}
          onDone={() => {
            setCalling(false);
            refetch();
          }}
        />
      </Show>
      <Show when={coopCalls()}>
        {(list) => (
          <Show when={list().length > 0} fallback={<p>{t("nominations.none")}</p>}>
            <ul class="cards">
              <For each={list()}>
                {(call) => (
                  <li>
                    <CallCard
                      coop={props.coop}
                      call={call}
                      members={(members.latest ?? []).filter((m) => m.standing === "active")}
                      onChange={refetch}
                    />
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}

function CallCard(props: {
  coop: string;
  call: NominationCallDto;
  members: { key: string; name: string }[];
  onChange: () => void;
}) {
  const id = createUniqueId();
  const act = createAction();
  const [nominee, setNominee] = createSignal("");
  const [days, setDays] = createSignal("7");
  const mine = () => props.call.nominees.find((n) => n.member === me()?.member);
  const isCaller = () => props.call.caller === me()?.member;
  const answer = (reply: NominationReply) =>
    act.run(async () => {
      await ipc.answerNomination(props.coop, props.call.id, reply);
      props.onChange();
    });

  return (
    <article class="card call" data-testid="nomination-call">
      <h3>{props.call.title}</h3>
      <p class="meta">
        {t("nominations.meta", {
          seats: props.call.seats,
          method: t(`method.${props.call.method}`),
          caller: props.call.caller_name,
        })}
      </p>
      <p class="meta" data-testid="nomination-closes">
        {props.call.open
          ? t("nominations.closes", { date: formatDateTime(props.call.closes_at) })
          : t("nominations.closed", { date: formatDateTime(props.call.closes_at) })}
      </p>
      <Show when={needsAnswer(props.call, now())}>
        <p class="reminder" data-testid="nomination-reminder">
          {t("reminder.nomination_card")}
        </p>
      </Show>
      <Show when={props.call.text}>
        <p>{props.call.text}</p>
      </Show>
      <Show
        when={props.call.nominees.length > 0}
        fallback={<p>{t("nominations.nobody")}</p>}
      >
        <table class="nominees" data-testid="nominees">
          <thead>
            <tr>
              <th scope="col">{t("nominations.nominee")}</th>
              <th scope="col">{t("nominations.by")}</th>
              <th scope="col">{t("nominations.answer")}</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.call.nominees}>
              {(n) => (
                <tr data-testid="nominee">
                  <td>{n.name}</td>
                  <td>{n.by.join(", ")}</td>
                  <td class={n.answer === "accept" ? "stands" : ""}>
                    {n.answer ? t(ANSWER_KEY[n.answer]) : t("nominations.unanswered")}
                  </td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <Show when={props.call.open}>
        <Show when={mine()}>
          <div class="actions" role="group" aria-label={t("nominations.your_answer")}>
            <Show when={mine()?.answer !== "accept"}>
              <button type="button" class="primary" data-testid="nomination-accept" disabled={act.busy()} onClick={() => void answer("accept")}>
                {t("nominations.accept")}
              </button>
            </Show>
            <Show when={mine()?.answer === "accept"} fallback={
              <button type="button" data-testid="nomination-decline" disabled={act.busy()} onClick={() => void answer("decline")}>
                {t("nominations.decline")}
              </button>
            }>
              <button type="button" data-testid="nomination-withdraw" disabled={act.busy()} onClick={() => void answer("withdraw")}>
                {t("nominations.withdraw")}
              </button>
            </Show>
          </div>
        </Show>
        <form
          class="inline-form nominate-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!nominee()) return;
            void act.run(async () => {
              await ipc.nominate(props.coop, props.call.id, nominee());
              setNominee("");
              props.onChange();
            });
          }}
        >
          <label for={`${id}-who`}>{t("nominations.nominate_who")}</label>
          <select id={`${id}-who`} data-testid="nominate-who" value={nominee()} onChange={(e) => setNominee(e.currentTarget.value)}>
            <option value="">{t("nominations.choose")}</option>
            <For each={props.members}>{(m) => <option value={m.key}>{m.name}</option>}</For>
          </select>
          <button type="submit" data-testid="nominate" disabled={act.busy() || !nominee()}>
            {t("nominations.nominate")}
          </button>
        </form>
      </Show>
      <Show when={!props.call.open && !props.call.election && isCaller()}>
        <form
          class="inline-form nominate-form"
          onSubmit={(e) => {
            e.preventDefault();
            void act.run(async () => {
              const p = await ipc.openElection(props.coop, props.call.id, Number(days()));
              props.onChange();
              go({ name: "proposal", id: p.id });
            });
          }}
        >
          <label for={`${id}-days`}>{t("nominations.vote_days")}</label>
          <input id={`${id}-days`} type="number" min="1" max="365" value={days()} onInput={(e) => setDays(e.currentTarget.value)} />
          <button type="submit" class="primary" data-testid="election-open" disabled={act.busy()}>
            {t("nominations.open_election")}
          </button>
        </form>
      </Show>
      <Show when={props.call.election}>
        {(election) => (
          <p>
            <a href="#" data-testid="election-link" onClick={(e) => {
              e.preventDefault();
              go({ name: "proposal", id: election() });
            }}>
              {t("nominations.to_election")}
            </a>
          </p>
        )}
      </Show>
      <FormError error={act.error()} />
    </article>
  );
}

function CallForm(props: { coop: string; onDone: () => void }) {
  const id = createUniqueId();
  const act = createAction();
  const [title, setTitle] = createSignal("");
  const [text, setText] = createSignal("");
  const [method, setMethod] = createSignal<Method>("stv");
  const [seats, setSeats] = createSignal("2");
  const [days, setDays] = createSignal("7");
  const methods: Method[] = ["stv", "scottish_stv", "approval"];
  return (
    <form
      class="call-form"
      data-testid="nomination-call-form"
      onSubmit={(e) => {
        e.preventDefault();
        const n = Number(seats());
        const d = Number(days());
        if (!Number.isInteger(n) || n < 1) return act.setError(t("nominations.bad_seats"));
        if (!Number.isInteger(d) || d < 1) return act.setError(t("nominations.bad_days"));
        void act.run(async () => {
          await ipc.callNominations(props.coop, title(), text(), method(), n, d);
          props.onDone();
        });
      }}
    >
      <div class="field">
        <label for={`${id}-title`}>{t("nominations.call_title")}</label>
        <input id={`${id}-title`} data-testid="call-title" required maxLength={100} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${id}-text`}>{t("nominations.call_text")}</label>
        <textarea id={`${id}-text`} data-testid="call-text" rows="3" value={text()} onInput={(e) => setText(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${id}-method`}>{t("nominations.call_method")}</label>
        <select id={`${id}-method`} value={method()} onChange={(e) => setMethod(e.currentTarget.value as Method)}>
          <For each={methods}>{(m) => <option value={m}>{t(`method.${m}`)}</option>}</For>
        </select>
      </div>
      <div class="field">
        <label for={`${id}-seats`}>{t("nominations.call_seats")}</label>
        <input id={`${id}-seats`} data-testid="call-seats" type="number" min="1" max="64" value={seats()} onInput={(e) => setSeats(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`${id}-days`}>{t("nominations.call_days")}</label>
        <input id={`${id}-days`} data-testid="call-days" type="number" min="1" max="365" value={days()} onInput={(e) => setDays(e.currentTarget.value)} />
      </div>
      <FormError error={act.error()} />
      <div class="actions">
        <button type="submit" class="primary" data-testid="call-submit" disabled={act.busy()}>
          {t("nominations.call_submit")}
        </button>
        <button type="button" onClick={() => props.onDone()}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
