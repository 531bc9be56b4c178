import { createResource, For, Show } from "solid-js";
import { t } from "../../i18n";
import { answersIn } from "../../i18n/templates";
import { createAction } from "../../lib/app/action";
import { useEvent } from "../../lib/app/events";
import { go } from "../../lib/app/screen";
import { me } from "../../lib/app/session";
import * as ipc from "../../lib/ipc";
import type { TallyDto } from "../../lib/ipc";
import { shortKey } from "../../lib/members/format";
import { effectWords, methodLabel, outcomeLine, ruleWords } from "../../lib/proposals/format";
import { FormError } from "../common/FormError";
import { ReportExport } from "../reports/ReportExport";
import { Deadline } from "./ProposalCard";
import { ProxyControl } from "./ProxyControl";
import { TallyView } from "./TallyView";
import { VoterList } from "./VoterList";
import { VoteControl } from "./VoteControl";

/** One proposal: its text, the ballot, the results so far, and closing it. */
export function ProposalDetail(props: { coop: string; id: string }) {
  const [proposal, { refetch, mutate }] = createResource(
    () => ({ coop: props.coop, id: props.id }),
    (q) => ipc.proposal(q.coop, q.id),
  );
  const [members, { refetch: refetchMembers }] = createResource(() => props.coop, ipc.members);
  const closing = createAction();
  const withdrawing = createAction();

  useEvent((e) => {
    if (e.type === "tally_changed" && e.coop === props.coop && e.proposal === props.id) void refetch();
    if (e.type === "record_added" && e.coop === props.coop) void refetch();
    if (e.type === "members_changed" && e.coop === props.coop) void refetchMembers();
  });

  // A vote or close answers with the new tally; show it at once, then read the rest.
  const showTally = (tally: TallyDto) => {
    const current = proposal.latest;
    if (current) mutate({ ...current, tally });
    void refetch();
  };

  const nameOf = (key: string) => members.latest?.find((m) => m.key === key)?.name ?? shortKey(key);
  const ids = (list: string[]) => list.map(shortKey).join(", ");

  return (
    <div class="view">
      <button type="button" class="link back" onClick={() => go({ name: "proposals" })}>
        ← {t("common.back")}
      </button>
      <Show when={proposal.error && !proposal.latest}>
        <p class="form-error" role="alert">
          {ipc.toApiError(proposal.error).message}
        </p>
      </Show>
      <Show when={proposal.latest} fallback={<p>{t("proposal.loading")}</p>}>
        {(p) => {
          const tally = () => p().tally;
          const open = () => tally().status === "provisional";
          return (
            <article class="proposal-detail" data-testid="proposal-detail" data-id={p().id}>
              <h1 tabindex="-1">{p().title}</h1>
              <p class="meta">
                {t("proposal.by", { name: nameOf(p().author) })}
                {" · "}
                <Deadline status={tally().status} closesAt={tally().closes_at} />
              </p>
              <p class="meta">
                {t("proposal.method", { method: methodLabel(p().method) })}
                {" · "}
                {ruleWords(p().method, tally().threshold, tally().quorum_pct, p().seats)}
              </p>
              <Show when={p().revises}>
                <p class="meta">{t("proposal.revises")}</p>
              </Show>
              <section class="proposal-text" aria-label={t("proposal.text")}>
                <Show when={p().text.trim()} fallback={<p class="muted">{t("proposal.no_text")}</p>}>
                  <Show when={p().template} fallback={<p class="prose">{p().text}</p>}>
                    <dl class="answers" data-testid="proposal-answers">
                      <For each={answersIn(p().text)}>
                        {(qa) => (
                          <>
                            <Show when={qa.question}>
                              <dt>{qa.question}</dt>
                            </Show>
                            <dd class="prose">{qa.answer || t("proposal.unanswered")}</dd>
                          </>
                        )}
                      </For>
                    </dl>
                  </Show>
                </Show>
              </section>
              <Show when={p().candidates.length > 0}>
                <section class="candidates" aria-label={t("proposal.candidates")} data-testid="proposal-candidates">
                  <h2>{t("proposal.candidates")}</h2>
                  <ul>
                    <For each={p().candidates}>
                      {(c) => (
                        <li data-testid="proposal-candidate">
                          <strong>{c.option}</strong>{" "}
                          <span class="muted">{t("proposal.nominated_by", { names: c.nominated_by.join(", ") })}</span>
                        </li>
                      )}
                    </For>
                  </ul>
                </section>
              </Show>
              <Show when={open() && p().effect}>
                {(effect) => <p class="effect">{t("proposal.effect", { effect: effectWords(effect()) })}</p>}
              </Show>
              <Show when={tally().status === "closed"}>
                <div class="outcome" data-testid="proposal-outcome" role="status">
                  <p class="outcome-line">{outcomeLine(tally(), p().options)}</p>
                  <Show when={p().effect}>
                    {(effect) => (
                      <p>
                        {tally().outcome.kind === "passed"
                          ? t("proposal.effect_applied", { effect: effectWords(effect()) })
                          : t("proposal.effect_not_applied", { effect: effectWords(effect()) })}
                      </p>
                    )}
                  </Show>
                  <Show when={tally().late.length > 0}>
                    <p class="warn-text">{t("proposal.late", { ids: ids(tally().late) })}</p>
                  </Show>
                  <Show when={tally().contested.length > 0}>
                    <p class="warn-text">{t("proposal.contested", { ids: ids(tally().contested) })}</p>
                  </Show>
                </div>
              </Show>
              <div class="columns">
                <div>
                  <Show
                    when={open()}
                    fallback={<p class="muted">{t("vote.closed")}</p>}
                  >
                    <VoteControl coop={props.coop} proposal={p()} onVoted={showTally} />
                  </Show>
                </div>
                <TallyView tally={tally()} options={p().options} />
              </div>
              <VoterList voters={p().voters} />
              <Show when={!open()}>
                <ReportExport coop={props.coop} id={p().id} />
              </Show>
              <Show when={open()}>
                <ProxyControl
                  coop={props.coop}
                  id={p().id}
                  electorate={p().electorate}
                  members={members.latest ?? []}
                />
                <section class="card actions">
                  <p class="hint">{t("proposal.close_hint")}</p>
                  <FormError error={closing.error()} />
                  <button
                    type="button"
                    class="primary"
                    data-testid="proposal-close"
                    disabled={closing.busy()}
                    onClick={() => void closing.run(async () => showTally(await ipc.close(props.coop, props.id)))}
                  >
                    {t("proposal.close")}
                  </button>
                  <Show when={p().author === me()?.member}>
                    <p class="hint">{t("proposal.withdraw_hint")}</p>
                    <FormError error={withdrawing.error()} />
                    <button
                      type="button"
                      data-testid="proposal-withdraw"
                      disabled={withdrawing.busy()}
                      onClick={() =>
                        void withdrawing.run(async () => {
                          await ipc.withdraw(props.coop, props.id);
                          await refetch();
                        })
                      }
                    >
                      {t("proposal.withdraw")}
                    </button>
                  </Show>
                </section>
              </Show>
            </article>
          );
        }}
      </Show>
    </div>
  );
}
