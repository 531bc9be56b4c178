import { createUniqueId, For, Index, Show } from "solid-js";
import { formatNumber, t } from "../../i18n";
import type { TallyDto } from "../../lib/ipc";
import { labelText, tallyLabels, usesOptions } from "../../lib/proposals/format";
import { ElectionView } from "./ElectionView";

type Bar = { label: string; count: number; eliminated: boolean };

/** One row of horizontal bars; widths are shares of the row's largest possible total. */
function Bars(props: { method: TallyDto["method"]; bars: Bar[]; testid: string; caption: string }) {
  // Approval and score can give one ballot weight on many options, so there a bar is a
  // share of the leader; elsewhere each ballot counts once and a bar is a share of all.
  const scale = () => {
    const counts = props.bars.map((b) => b.count);
    const spread = props.method === "approval" || props.method === "score";
    return Math.max(1, spread ? Math.max(0, ...counts) : counts.reduce((a, b) => a + b, 0));
  };
  return (
    <div class="bars" role="group" aria-label={props.caption}>
      <For each={props.bars}>
        {(bar) => (
          <div
            class={bar.eliminated ? "bar-row eliminated" : "bar-row"}
            data-testid={props.testid}
            data-option={bar.label}
            data-count={bar.count}
          >
            <span class="bar-label">
              {bar.eliminated
                ? t("tally.eliminated", { option: labelText(props.method, bar.label) })
                : labelText(props.method, bar.label)}
            </span>
            <span class="bar-track" aria-hidden="true">
              <span
                class={`bar-fill answer-${bar.label}`}
                style={{ width: `${(100 * bar.count) / scale()}%` }}
              />
            </span>
            <span class="bar-count">{formatNumber(bar.count)}</span>
          </div>
        )}
      </For>
    </div>
  );
}

/** The results as a picture: bars per answer, rounds for ranked, turnout against quorum. */
export function TallyView(props: { tally: TallyDto; options: string[] }) {
  const id = createUniqueId();
  const tally = () => props.tally;
  const labels = () => tallyLabels(tally().method, props.options, tally().counts);
  const firstBars = (): Bar[] =>
    labels().map((label) => ({ label, count: tally().counts[label] ?? 0, eliminated: false }));

  // For ranked choice: an option counted in a round but missing from the next was
  // eliminated at the end of that round, and is struck through there.
  const roundBars = (i: number): Bar[] => {
    const round = tally().rounds[i] ?? {};
    const next = tally().rounds[i + 1];
    const order = usesOptions(tally().method) ? props.options : Object.keys(round);
    const present = [...order.filter((o) => o in round), ...Object.keys(round).filter((o) => !order.includes(o))];
    return present.map((label) => ({
      label,
      count: round[label] ?? 0,
      eliminated: next !== undefined && !(label in next),
    }));
  };

  const voted = () => tally().ballots_counted;
  const of = () => tally().electorate_size;
  const took = () => Math.min(of(), tally().ballots_counted + tally().represented);
  const turnoutPct = () => (of() === 0 ? 0 : (100 * took()) / of());
  const turnoutWords = () => {
    const vars = { voted: voted(), of: of() };
    if (tally().status === "provisional") return t("tally.provisional", vars);
    if (tally().status === "withdrawn") return t("tally.withdrawn", vars);
    return t("tally.final", vars);
  };
  const quorum = () => `${formatNumber(tally().quorum_pct)}%`;

  return (
    <section class="tally" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("proposal.results")}</h2>
      <Show when={tally().election} fallback={
        <>
          <Show
            when={tally().method === "ranked" && tally().rounds.length > 0}
            fallback={<Bars method={tally().method} bars={firstBars()} testid="tally-bar" caption={t("tally.bars")} />}
          >
            <Index each={tally().rounds}>
              {(_, i) => (
                <div class="round">
                  <h3>{t("tally.round", { n: i + 1 })}</h3>
                  <Bars
                    method={tally().method}
                    bars={roundBars(i)}
                    testid={i === 0 ? "tally-bar" : "round-bar"}
                    caption={t("tally.round", { n: i + 1 })}
                  />
                </div>
              )}
            </Index>
          </Show>
        </>
      }>
        {(election) => <ElectionView election={election()} />}
      </Show>
      <div class="turnout" data-testid="turnout">
        <p>
          <strong>{turnoutWords()}</strong>
          <Show when={tally().represented > 0}>
            {" · "}
            {t("tally.represented", { n: tally().represented })}
          </Show>
        </p>
        <div class="turnout-track" aria-hidden="true">
          <span class="turnout-fill" style={{ width: `${turnoutPct()}%` }} />
          <span class="quorum-mark" style={{ left: `${Math.min(100, tally().quorum_pct)}%` }}>
            <span class="quorum-label">{t("tally.quorum_marker")}</span>
          </span>
        </div>
        <p class={tally().quorum_met ? "ok" : "muted"}>
          {tally().quorum_met
            ? t("tally.quorum_met", { quorum: quorum() })
            : t("tally.quorum_not_met", { quorum: quorum() })}
        </p>
      </div>
    </section>
  );
}
