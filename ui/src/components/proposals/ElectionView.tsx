import { createMemo, createUniqueId, For, Index, Show } from "solid-js";
import { formatDecimal, t } from "../../i18n";
import type { ElectionDto, ElectionRoundDto } from "../../lib/ipc";

/** A round's heading: what it did, in words. */
function roundWords(round: ElectionRoundDto, n: number): string {
  const name = round.candidate ?? "";
  switch (round.action) {
    case "first_preferences":
      return t("election.round_first", { n });
    case "surplus":
      return t("election.round_surplus", { n, name, amount: formatDecimal(round.surplus ?? "0") });
    case "settled":
      return t("election.round_settled", { n });
    case "excluded":
      return t("election.round_excluded", { n, name });
    case "last_seats_filled":
      return t("election.round_last", { n });
    default:
      return t("tally.round", { n });
  }
}

/**
 * An election's count as a picture: for every round, each candidate's votes as a bar
 * against the quota line, who was elected (✔) and who was excluded; then the same
 * figures as a table, exact to the last place. Bars share one scale across rounds, so a
 * candidate's bar grows as votes pass to them.
 */
export function ElectionView(props: { election: ElectionDto }) {
  const id = createUniqueId();
  const e = () => props.election;
  const figure = (text: string | null) => (text === null ? 0 : Number(text));
  // One scale for every bar of every round, worked out once per count.
  const scale = createMemo(() =>
    Math.max(1, ...e().rounds.flatMap((r) => [figure(r.quota), ...r.votes.map(figure)])),
  );
  // Everyone elected up to and including a round, and everyone excluded by then.
  const electedBy = (i: number) => new Set(e().rounds.slice(0, i + 1).flatMap((r) => r.elected));

  return (
    <section class="election" aria-labelledby={`${id}-h`} data-testid="election">
      <h3 id={`${id}-h`}>{t("election.heading")}</h3>
      <p class="meta">
        {t("election.seats_line", { seats: e().seats, ballots: e().ballots })}
      </p>
      <Show when={e().ballots === 0}>
        <p class="hint" data-testid="election-empty">
          {t("election.none")}
        </p>
      </Show>
      <Index each={e().ballots === 0 ? [] : e().rounds}>
        {(round, i) => (
          <div class="round" data-testid="election-round">
            <h4>{roundWords(round(), i + 1)}</h4>
            <div class="bars" role="group" aria-label={roundWords(round(), i + 1)}>
              <For each={e().candidates}>
                {(name, c) => {
                  const votes = () => round().votes[c()] ?? null;
                  const elected = () => electedBy(i).has(name);
                  const newly = () => round().elected.includes(name);
                  return (
                    <div
                      class={`bar-row${votes() === null ? " eliminated" : ""}${elected() ? " elected" : ""}`}
                      data-testid="election-bar"
                      data-candidate={name}
                      data-votes={votes() ?? ""}
                    >
                      <span class="bar-label">
                        {votes() === null
                          ? t("election.excluded_mark", { name })
                          : newly()
                            ? t("election.elected_mark", { name })
                            : name}
                      </span>
                      <span class="bar-track quota-track" aria-hidden="true">
                        <span class="bar-fill" style={{ width: `${(100 * figure(votes())) / scale()}%` }} />
                        <span class="quota-line" style={{ left: `${(100 * figure(round().quota)) / scale()}%` }} />
                      </span>
                      <span class="bar-count">{votes() === null ? "—" : formatDecimal(votes()!, 2)}</span>
                    </div>
                  );
                }}
              </For>
            </div>
            <p class="meta">
              {t("election.quota", { quota: formatDecimal(round().quota, 2) })}
              {" · "}
              {t("election.exhausted", { n: formatDecimal(round().exhausted, 2) })}
            </p>
          </div>
        )}
      </Index>
      <For each={e().ballots === 0 ? [] : e().ties}>
        {(tie) => (
          <p class="hint" data-testid="election-tie">
            {tie.by_round === null
              ? t("election.tie_lot", { round: tie.round, among: tie.among.join(", "), chosen: tie.chosen })
              : t("election.tie_round", {
                  round: tie.round,
                  among: tie.among.join(", "),
                  chosen: tie.chosen,
                  by: tie.by_round,
                })}
          </p>
        )}
      </For>
      <details class="election-table" hidden={e().ballots === 0}>
        <summary>{t("election.table")}</summary>
        <div class="table-wrap">
          <table data-testid="election-table">
            <thead>
              <tr>
                <th scope="col">{t("election.candidate")}</th>
                <Index each={e().rounds}>{(_, i) => <th scope="col">{t("tally.round", { n: i + 1 })}</th>}</Index>
              </tr>
            </thead>
            <tbody>
              <For each={e().candidates}>
                {(name, c) => (
                  <tr>
                    <th scope="row">{name}</th>
                    <Index each={e().rounds}>
                      {(round) => <td class="num">{round().votes[c()] ?? "—"}</td>}
                    </Index>
                  </tr>
                )}
              </For>
              <tr>
                <th scope="row">{t("election.quota_row")}</th>
                <Index each={e().rounds}>{(round) => <td class="num">{round().quota}</td>}</Index>
              </tr>
              <tr>
                <th scope="row">{t("election.exhausted_row")}</th>
                <Index each={e().rounds}>{(round) => <td class="num">{round().exhausted}</td>}</Index>
              </tr>
            </tbody>
          </table>
        </div>
      </details>
    </section>
  );
}
