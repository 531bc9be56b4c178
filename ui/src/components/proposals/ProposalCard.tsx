import { createResource, Show } from "solid-js";
import { formatDateTime, formatDuration, t } from "../../i18n";
import { useEvent } from "../../lib/app/events";
import { go } from "../../lib/app/screen";
import * as ipc from "../../lib/ipc";
import type { ProposalSummaryDto } from "../../lib/ipc";
import { choiceWords, methodLabel, outcomeWord, ruleWords } from "../../lib/proposals/format";
import { now } from "../../lib/time/clock";
import { needsReminder } from "../../lib/app/reminders";

/** The deadline as a countdown and a date, or how the proposal ended. */
export function Deadline(props: { status: ProposalSummaryDto["status"]; closesAt: number }) {
  const left = () => props.closesAt - now();
  return (
    <span class="deadline">
      <Show
        when={props.status === "provisional"}
        fallback={props.status === "withdrawn" ? t("proposal.status_withdrawn") : t("proposal.status_closed")}
      >
        {left() > 0 ? t("proposal.closes_in", { left: formatDuration(left()) }) : t("proposal.deadline_passed")}
      </Show>{" "}
      <time datetime={new Date(props.closesAt).toISOString()}>
        {t("proposal.on", { date: formatDateTime(props.closesAt) })}
      </time>
    </span>
  );
}

export function ProposalCard(props: { coop: string; summary: ProposalSummaryDto }) {
  // The summary lacks the rules and my ballot; the detail has both, read per card.
  const [detail, { refetch }] = createResource(
    () => ({ coop: props.coop, id: props.summary.id }),
    (q) => ipc.proposal(q.coop, q.id),
  );
  useEvent((e) => {
    if (e.type === "tally_changed" && e.coop === props.coop && e.proposal === props.summary.id) {
      void refetch();
    }
  });
  const s = () => props.summary;
  const headingId = () => `card-${s().id}`;

  return (
    <article class="card proposal-card" data-testid="proposal-card" data-id={s().id} aria-labelledby={headingId()}>
      <h2 id={headingId()} class="card-title">
        <button type="button" class="link" onClick={() => go({ name: "proposal", id: s().id })}>
          {s().title}
        </button>
      </h2>
      <Show when={needsReminder(s(), now())}>
        <p class="reminder" data-testid="proposal-reminder">
          {t("reminder.card")}
        </p>
      </Show>
      <p class="meta">
        {t("proposal.by", { name: s().author_name ?? t("proposal.unknown_author") })}
        {" · "}
        <Deadline status={s().status} closesAt={s().closes_at} />
      </p>
      <p class="meta">{t("proposal.method", { method: methodLabel(s().method) })}</p>
      <Show when={detail.latest}>
        {(d) => (
          <>
            <p>{ruleWords(d().method, d().tally.threshold, d().tally.quorum_pct, d().seats)}</p>
            <p class="your-vote">
              {d().my_vote ? choiceWords(d().my_vote!) : t("proposal.not_voted")}
            </p>
          </>
        )}
      </Show>
      <p>
        <strong>{t("proposal.voted", { voted: s().ballots_counted, of: s().electorate_size })}</strong>
        {" · "}
        {s().status === "provisional"
          ? t("proposal.so_far", { outcome: outcomeWord(s().outcome) })
          : outcomeWord(s().outcome)}
      </p>
    </article>
  );
}
