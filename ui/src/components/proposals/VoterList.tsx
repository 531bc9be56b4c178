import { createUniqueId, For, Show } from "solid-js";
import { formatNumber, t } from "../../i18n";
import type { VoterDto } from "../../lib/ipc";
import { shortKey } from "../../lib/members/format";
import { ballotWords } from "../../lib/proposals/format";

/** Who voted what, and who has not voted yet: ballots are open in a co-op. */
export function VoterList(props: { voters: VoterDto[] }) {
  const id = createUniqueId();
  const voted = () => props.voters.filter((v) => v.choice !== null);
  const waiting = () => props.voters.filter((v) => v.choice === null);
  const who = (v: VoterDto) => v.name ?? `${t("voters.unknown")} ${shortKey(v.member)}`;

  return (
    <section class="card voters" aria-labelledby={`${id}-h`} data-testid="voters">
      <h2 id={`${id}-h`}>{t("voters.title")}</h2>
      <p class="hint">{t("voters.hint")}</p>
      <div class="columns">
        <div>
          <h3>{t("voters.voted", { n: formatNumber(voted().length) })}</h3>
          <Show when={voted().length > 0} fallback={<p class="muted">{t("voters.nobody")}</p>}>
            <ul>
              <For each={voted()}>
                {(v) => (
                  <li data-testid="voter" data-key={v.member}>
                    <strong>{who(v)}</strong>: {v.choice ? ballotWords(v.choice) : ""}
                  </li>
                )}
              </For>
            </ul>
          </Show>
        </div>
        <div>
          <h3>{t("voters.not_yet", { n: formatNumber(waiting().length) })}</h3>
          <Show when={waiting().length > 0} fallback={<p class="muted">{t("voters.everyone")}</p>}>
            <ul>
              <For each={waiting()}>{(v) => <li data-testid="not-voted">{who(v)}</li>}</For>
            </ul>
          </Show>
        </div>
      </div>
    </section>
  );
}
