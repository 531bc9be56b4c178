import { createSignal, createUniqueId, For, Index, Match, Show, Switch } from "solid-js";
import { t, type Key } from "../../i18n";
import { createAction } from "../../lib/app/action";
import * as ipc from "../../lib/ipc";
import type { Choice, ProposalDto, TallyDto, Vote } from "../../lib/ipc";
import { answersFor, choiceWords, initialRanking, moved, ranks } from "../../lib/proposals/format";
import { ConfirmButton } from "../common/ConfirmButton";
import { FormError } from "../common/FormError";

const SCORES = [0, 1, 2, 3, 4, 5] as const;

/**
 * The ballot, shaped by the method. Changing a vote is the same control, pre-filled
 * from the member's latest ballot.
 */
export function VoteControl(props: { coop: string; proposal: ProposalDto; onVoted: (t: TallyDto) => void }) {
  const id = createUniqueId();
  const action = createAction();
  const p = () => props.proposal;
  const mine = p().my_vote;

  const [option, setOption] = createSignal<string | null>(mine && "option" in mine ? mine.option : null);
  const [approved, setApproved] = createSignal<string[]>(mine && "approve" in mine ? mine.approve : []);
  const [ranking, setRanking] = createSignal<string[]>(initialRanking(p().options, mine));
  const [scores, setScores] = createSignal<Record<string, number>>(
    Object.fromEntries(p().options.map((o) => [o, mine && "scores" in mine ? (mine.scores[o] ?? 0) : 0])),
  );

  const cast = (choice: Choice) =>
    void action.run(async () => props.onVoted(await ipc.vote(props.coop, p().id, choice)));

  const myAnswer = () => {
    const v = p().my_vote;
    return v && "vote" in v ? v.vote : null;
  };

  const submitOptions = (e: SubmitEvent) => {
    e.preventDefault();
    switch (p().method) {
      case "choice": {
        const o = option();
        if (o === null) {
          action.setError(t("vote.pick_one"));
          return;
        }
        cast({ option: o });
        break;
      }
      case "approval":
        cast({ approve: approved() });
        break;
      case "ranked":
      case "stv":
      case "scottish_stv":
        cast({ rank: ranking() });
        break;
      case "score":
        cast({ scores: scores() });
        break;
      default:
        break;
    }
  };

  const move = (from: number, to: number) => {
    setRanking((list) => moved(list, from, to));
    // Keep focus on the item that moved so repeated Alt+Arrow presses keep moving it.
    queueMicrotask(() => document.getElementById(`${id}-rank-${to}`)?.focus());
  };
  let dragFrom: number | null = null;

  const answerButton = (vote: Vote) => (
    <button
      type="button"
      class={`big vote vote-${vote}`}
      data-testid={`vote-${vote}`}
      aria-pressed={myAnswer() === vote}
      disabled={action.busy()}
      onClick={() => cast({ vote })}
    >
      {t(`vote.${vote}` as Key)}
    </button>
  );

  return (
    <section class="vote-control" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("proposal.your_vote")}</h2>
      <p class="your-vote">{p().my_vote ? choiceWords(p().my_vote!) : t("proposal.not_voted")}</p>
      <Switch>
        <Match when={p().method === "yes_no" || p().method === "consent"}>
          <div class="choice-row" role="group" aria-label={t("proposal.your_vote")}>
            <For each={answersFor(p().method)}>
              {(vote) =>
                vote === "block" ? (
                  <ConfirmButton
                    danger
                    class={`big vote vote-block${myAnswer() === "block" ? " chosen" : ""}`}
                    testid="vote-block"
                    label={t("vote.block")}
                    question={t("vote.block_confirm")}
                    disabled={action.busy()}
                    onConfirm={() => cast({ vote: "block" })}
                  />
                ) : (
                  answerButton(vote)
                )
              }
            </For>
          </div>
        </Match>
        <Match when={true}>
          <form onSubmit={submitOptions} novalidate>
            <Switch>
              <Match when={p().method === "choice"}>
                <fieldset>
                  <legend>{t("vote.options")}</legend>
                  <For each={p().options}>
                    {(o, i) => (
                      <div class="check">
                        <input
                          type="radio"
                          id={`${id}-o-${i()}`}
                          name={`${id}-choice`}
                          value={o}
                          checked={option() === o}
                          onChange={() => setOption(o)}
                        />
                        <label for={`${id}-o-${i()}`}>{o}</label>
                      </div>
                    )}
                  </For>
                </fieldset>
              </Match>
              <Match when={p().method === "approval"}>
                <fieldset>
                  <legend>{t(p().seats == null ? "vote.options" : "vote.candidates")}</legend>
                  <Show when={p().seats != null}>
                    <p class="hint" data-testid="approve-up-to">
                      {t("vote.approve_up_to", { seats: p().seats ?? 1 })}
                    </p>
                  </Show>
                  <For each={p().options}>
                    {(o, i) => (
                      <div class="check">
                        <input
                          type="checkbox"
                          id={`${id}-a-${i()}`}
                          checked={approved().includes(o)}
                          disabled={
                            p().seats != null && !approved().includes(o) && approved().length >= (p().seats ?? 0)
                          }
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            setApproved((list) =>
                              on ? p().options.filter((x) => x === o || list.includes(x)) : list.filter((x) => x !== o),
                            );
                          }}
                        />
                        <label for={`${id}-a-${i()}`}>{o}</label>
                      </div>
                    )}
                  </For>
                </fieldset>
              </Match>
              <Match when={ranks(p().method)}>
                <fieldset>
                  <legend>{t(p().method === "ranked" ? "vote.options" : "vote.candidates")}</legend>
                  <p class="hint" id={`${id}-rank-hint`}>
                    {t("vote.rank_hint")}
                  </p>
                  <ol class="ranking">
                    <Index each={ranking()}>
                      {(o, i) => (
                        <li
                          id={`${id}-rank-${i}`}
                          tabindex="0"
                          draggable={true}
                          aria-describedby={`${id}-rank-hint`}
                          aria-label={`${t("vote.rank_position", { n: i + 1 })} ${o()}`}
                          onKeyDown={(e) => {
                            if (!e.altKey) return;
                            if (e.key === "ArrowUp" && i > 0) {
                              e.preventDefault();
                              move(i, i - 1);
                            } else if (e.key === "ArrowDown" && i < ranking().length - 1) {
                              e.preventDefault();
                              move(i, i + 1);
                            }
                          }}
                          onDragStart={(e) => {
                            dragFrom = i;
                            e.dataTransfer?.setData("text/plain", o());
                          }}
                          onDragOver={(e) => e.preventDefault()}
                          onDrop={(e) => {
                            e.preventDefault();
                            if (dragFrom !== null && dragFrom !== i) move(dragFrom, i);
                            dragFrom = null;
                          }}
                        >
                          <span class="rank-n" aria-hidden="true">
                            {t("vote.rank_position", { n: i + 1 })}
                          </span>
                          <span class="rank-option">{o()}</span>
                          <button
                            type="button"
                            aria-label={t("vote.move_up", { option: o() })}
                            disabled={i === 0}
                            onClick={() => move(i, i - 1)}
                          >
                            ↑
                          </button>
                          <button
                            type="button"
                            aria-label={t("vote.move_down", { option: o() })}
                            disabled={i === ranking().length - 1}
                            onClick={() => move(i, i + 1)}
                          >
                            ↓
                          </button>
                        </li>
                      )}
                    </Index>
                  </ol>
                </fieldset>
              </Match>
              <Match when={p().method === "score"}>
                <For each={p().options}>
                  {(o, i) => (
                    <fieldset class="score">
                      <legend>{t("vote.score_for", { option: o })}</legend>
                      <div class="score-row">
                        <For each={SCORES}>
                          {(n) => (
                            <span class="check">
                              <input
                                type="radio"
                                id={`${id}-s-${i()}-${n}`}
                                name={`${id}-score-${i()}`}
                                checked={(scores()[o] ?? 0) === n}
                                onChange={() => setScores((all) => ({ ...all, [o]: n }))}
                              />
                              <label for={`${id}-s-${i()}-${n}`}>{n}</label>
                            </span>
                          )}
                        </For>
                      </div>
                    </fieldset>
                  )}
                </For>
              </Match>
            </Switch>
            <FormError error={action.error()} />
            <div class="row">
              <button type="submit" class="primary" data-testid="vote-submit" disabled={action.busy()}>
                {p().my_vote ? t("vote.change") : t("vote.submit")}
              </button>
              <button
                type="button"
                data-testid="vote-abstain"
                aria-pressed={myAnswer() === "abstain"}
                disabled={action.busy()}
                onClick={() => cast({ vote: "abstain" })}
              >
                {t("vote.abstain")}
              </button>
            </div>
          </form>
        </Match>
      </Switch>
      <Show when={p().method === "yes_no" || p().method === "consent"}>
        <FormError error={action.error()} />
      </Show>
    </section>
  );
}
