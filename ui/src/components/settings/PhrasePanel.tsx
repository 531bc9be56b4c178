import { createSignal, createUniqueId, For, Show } from "solid-js";
import { t } from "../../i18n";
import { createAction } from "../../lib/app/action";
import * as ipc from "../../lib/ipc";
import { FormError } from "../common/FormError";

/**
 * The recovery phrase: 24 words that restore the member key if every laptop is lost. It
 * is the key itself, so it is shown only after the member says nobody else is looking,
 * and hidden again with one click.
 */
export function PhrasePanel() {
  const id = createUniqueId();
  const [asked, setAsked] = createSignal(false);
  const [words, setWords] = createSignal<string[] | null>(null);
  const action = createAction();

  const show = () => void action.run(async () => setWords(await ipc.recoveryPhrase()));
  const hide = () => {
    setWords(null);
    setAsked(false);
  };

  return (
    <section class="card" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>{t("phrase.title")}</h2>
      <p class="hint">{t("phrase.hint")}</p>
      <FormError error={action.error()} />
      <Show
        when={words()}
        fallback={
          <Show
            when={asked()}
            fallback={
              <button type="button" data-testid="phrase-ask" onClick={() => setAsked(true)}>
                {t("phrase.ask")}
              </button>
            }
          >
            <p class="warn-text">{t("phrase.warning")}</p>
            <div class="row">
              <button type="button" class="primary" data-testid="phrase-show" disabled={action.busy()} onClick={show}>
                {t("phrase.show")}
              </button>
              <button type="button" onClick={() => setAsked(false)}>
                {t("common.cancel")}
              </button>
            </div>
          </Show>
        }
      >
        {(list) => (
          <>
            <ol class="phrase" data-testid="phrase-words" aria-label={t("phrase.words")}>
              <For each={list()}>{(word) => <li class="mono">{word}</li>}</For>
            </ol>
            <p class="hint">{t("phrase.write_down")}</p>
            <button type="button" data-testid="phrase-hide" onClick={hide}>
              {t("phrase.hide")}
            </button>
          </>
        )}
      </Show>
    </section>
  );
}
